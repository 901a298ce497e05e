/**
 * Fault injection for exports, driven by the emulator controls (`/tidemark/v1/faults/jobs`): the
 * next N jobs that start fail with a given `errorMsg`, and every job that starts while a delay is
 * set stays Processing that much longer before it records its outcome. Absent unless
 * `--emulator-controls` is on.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ExportStopped, type RunningExport } from './export-runner.js';

/** The failure the emulator asked for; its message becomes the job's errorMsg as given. */
export class InjectedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InjectedFailure';
  }
}

export class JobFaults {
  private failures: string[] = [];
  private delayMs = 0;

  /** The next `count` jobs to start fail with `message` (added after any already pending). */
  failNext(count: number, message: string): void {
    for (let i = 0; i < count; i++) this.failures.push(message);
  }

  /** Every job that starts from now on waits `ms` before it finishes; 0 switches the delay off. */
  setDelay(ms: number): void {
    this.delayMs = ms;
  }

  /** What the next job to start must fail with, if a failure is pending (and uses it up). */
  takeFailure(): string | undefined {
    return this.failures.shift();
  }

  state(): { pendingFailures: number; delayMs: number } {
    return { pendingFailures: this.failures.length, delayMs: this.delayMs };
  }

  clear(): void {
    this.failures = [];
    this.delayMs = 0;
  }

  /** A run that fails at once with the injected message (no worker is started). */
  failedRun(message: string): RunningExport {
    return { done: Promise.reject(new InjectedFailure(message)), stop: async () => undefined };
  }

  /**
   * `run` with the current delay added before its outcome (success or failure) is reported.
   * `stop()` ends the wait at once, so cancel and shutdown stay prompt.
   */
  delayed(run: RunningExport): RunningExport {
    const ms = this.delayMs;
    if (ms <= 0) return run;
    const abort = new AbortController();
    const pause = () => sleep(ms, undefined, { signal: abort.signal }).catch(() => {
      throw new ExportStopped();
    });
    const done = run.done.then(
      async (out) => {
        await pause();
        return out;
      },
      async (err: unknown) => {
        if (!(err instanceof ExportStopped)) await pause();
        throw err;
      },
    );
    return {
      done,
      async stop() {
        abort.abort();
        await run.stop();
      },
    };
  }
}
