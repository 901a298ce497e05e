/** Runs one module in a worker thread and turns its single message, error or exit into a promise. */
import { Worker } from 'node:worker_threads';

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
 * Starts `moduleUrl` (a sibling module, named without extension) in a worker thread. In dist/
 * the worker is plain .js. Under tsx (the tests run the sources) it is .ts, and Node 20 does not
 * carry tsx's loader into workers, so a tiny bootstrap registers it first.
 */
function startWorker(name: string, data: unknown): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}${isTs ? '.ts' : '.js'}`, import.meta.url);
  if (!isTs) return new Worker(url, { workerData: data, resourceLimits: WORKER_LIMITS });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data, resourceLimits: WORKER_LIMITS });
}

/** Runs the export module `name` (e.g. 'export-worker') with `data`; it must post one message, its result. */
export function runWorker<T>(name: string, data: unknown): RunningWorker<T> {
  const worker = startWorker(name, data);
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
