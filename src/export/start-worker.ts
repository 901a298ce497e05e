/** Runs one module in a worker thread and turns its single message, error or exit into a promise. */
import { startWorker } from '@tidemark/client/internal';

export interface RunningWorker<T> {
  done: Promise<T>;
  /** Stops the worker at once; `done` then rejects with ExportStopped. */
  stop(): Promise<void>;
}

export class ExportStopped extends Error {
  constructor() {
    super('export stopped');
    this.name = 'ExportStopped';
  }
}

// An export's strings and buffers live for one chunk, yet V8 grew a worker's young generation to
// its default maximum, so the server's peak memory grew with the export's size (209 MB for a
// 500 MB file). Capped, it stays flat at the same speed (docs/performance.md).
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 };

/**
 * Runs the export module `name` (e.g. 'export-worker', a sibling of this file) with `data`; it
 * must post one message, its result. The thread is started by the one starter the client's merge
 * worker uses too (it knows how to start a worker from TypeScript sources under tsx).
 */
export function runWorker<T>(name: string, data: unknown): RunningWorker<T> {
  const worker = startWorker(import.meta.url, name, { data, resourceLimits: WORKER_LIMITS });
  let stopped = false;
  const done = new Promise<T>((resolve, reject) => {
    let outcome: { value: T } | undefined;
    worker.once('message', (m: T) => (outcome = { value: m }));
    worker.once('error', (err) => reject(stopped ? new ExportStopped() : err));
    worker.once('exit', (code) => {
      if (stopped) reject(new ExportStopped());
      else if (outcome) resolve(outcome.value);
      else reject(new Error(`${name} exited with code ${code} before finishing`));
    });
  });
  return {
    done,
    async stop() {
      stopped = true;
      await worker.terminate();
    },
  };
}
