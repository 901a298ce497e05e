/** Starts one export in a worker thread so the event loop never waits on a long query. */
import { Worker } from 'node:worker_threads';
import type { ExportRequest } from '../domain/export-request.js';
import type { StoreLocation } from '../store/store.js';

export interface ExportJobInput {
  location: StoreLocation;
  request: ExportRequest;
  tempPath: string;
}

export interface ExportOutcome {
  records: number;
  bytes: number;
  checksum: string;
}

export interface RunningExport {
  done: Promise<ExportOutcome>;
  /** Stops the worker at once; `done` then rejects with ExportStopped. */
  stop(): Promise<void>;
}

export class ExportStopped extends Error {
  constructor() {
    super('export stopped');
    this.name = 'ExportStopped';
  }
}

// In dist/ the worker is plain .js. Under tsx (the tests run the sources) it is .ts, and Node 20
// does not carry tsx's loader into workers, so a tiny bootstrap registers it first.
const isTs = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./export-worker${isTs ? '.ts' : '.js'}`, import.meta.url);

// An export's strings live for one chunk, yet V8 grew the worker's young generation to its
// default maximum, so the server's peak memory grew with the export's size (209 MB for a
// 500 MB file). Capped, it stays flat at the same speed (docs/performance.md).
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 6 };

function startWorker(input: ExportJobInput): Worker {
  if (!isTs) return new Worker(workerUrl, { workerData: input, resourceLimits: WORKER_LIMITS });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(boot, { eval: true, workerData: input, resourceLimits: WORKER_LIMITS });
}

export function runExport(input: ExportJobInput): RunningExport {
  const worker = startWorker(input);
  let stopped = false;
  const done = new Promise<ExportOutcome>((resolve, reject) => {
    let outcome: ExportOutcome | undefined;
    worker.once('message', (m: ExportOutcome) => (outcome = m));
    worker.once('error', (err) => reject(stopped ? new ExportStopped() : err));
    worker.once('exit', (code) => {
      if (stopped) reject(new ExportStopped());
      else if (outcome) resolve(outcome);
      else reject(new Error(`export worker exited with code ${code} before finishing`));
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
