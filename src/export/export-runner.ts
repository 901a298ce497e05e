/** Starts one export in a worker thread so the event loop never waits on a long query. */
import { ExportSourceGone } from '../domain/errors.js';
import type { ExportRequest } from '../domain/export-kind.js';
import type { StoreLocation } from '../store/store.js';
import type { RunSharing } from './shared-runs.js';
import { runWorker, type RunningWorker } from './start-worker.js';

export { ExportStopped } from './start-worker.js';

export interface ExportJobInput {
  location: StoreLocation;
  request: ExportRequest;
  /** The job's temp file. */
  tempPath: string;
  /** How the export is shared between threads (shared-runs.ts); tests change it to share small exports. */
  sharing?: Partial<RunSharing>;
}

export interface ExportOutcome {
  records: number;
  bytes: number;
  checksum: string;
}

export type RunningExport = RunningWorker<ExportOutcome>;

/** What the worker posts when the export cannot run: a list or program it selects by is gone (notes Q2). */
export interface ExportRefused {
  refused: string;
}

/** Runs an export in a worker thread; a refused export rejects with ExportSourceGone (its message is the job's errorMsg). */
export function runExport(input: ExportJobInput): RunningExport {
  const run = runWorker<ExportOutcome | ExportRefused>('export-worker', input);
  return {
    done: run.done.then((out) => ('refused' in out ? Promise.reject(new ExportSourceGone(out.refused)) : out)),
    stop: () => run.stop(),
  };
}
