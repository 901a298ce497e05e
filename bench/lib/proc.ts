/** Child processes for the benchmark: run to completion, or start and wait for a line. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to the end; `stdoutFile` sends stdout to a file descriptor instead of memory. */
export function run(cmd: string, args: string[], options: SpawnOptions & { input?: string; check?: boolean } = {}): Promise<RunResult> {
  const { input, check = true, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], ...spawnOptions });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { code: code ?? 1, stdout, stderr, ms: performance.now() - started };
      if (check && r.code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${stderr.slice(-2000)}`));
      else resolve(r);
    });
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

/** A long-running child whose stdout and stderr lines are kept (and matched while waiting). */
export interface Started {
  proc: ChildProcess;
  pid: number;
  lines: { stream: 'out' | 'err'; text: string; at: number }[];
  /** Resolves with the first line (either stream) that matches, waiting up to `timeoutMs`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function start(cmd: string, args: string[], options: SpawnOptions = {}): Started {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const lines: Started['lines'] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.once('exit', () => {
    exited = true;
    resolve();
  }));
  const onLine = (stream: 'out' | 'err') => (text: string) => {
    lines.push({ stream, text, at: Date.now() });
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  if (proc.stdout) createInterface({ input: proc.stdout }).on('line', onLine('out'));
  if (proc.stderr) createInterface({ input: proc.stderr }).on('line', onLine('err'));
  return {
    proc,
    pid: proc.pid!,
    lines,
    waitFor(re, timeoutMs = 60_000) {
      for (const l of lines) {
        const m = l.text.match(re);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${cmd}: no line matching ${re} within ${timeoutMs} ms; last output:\n${lines.slice(-20).map((l) => l.text).join('\n')}`)), timeoutMs);
        const w = { re, resolve: (m: RegExpMatchArray) => (clearTimeout(timer), resolve(m)) };
        waiters.push(w);
        exit.then(() => {
          if (waiters.includes(w)) {
            clearTimeout(timer);
            reject(new Error(`${cmd} exited (code ${proc.exitCode}) before printing ${re}; last output:\n${lines.slice(-20).map((l) => l.text).join('\n')}`));
          }
        });
      });
    },
    async stop(graceMs = 10_000) {
      if (exited) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
