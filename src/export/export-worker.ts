/**
 * Runs inside a worker thread: streams one export's lines from the store into the job's temp file,
 * hashing while writing (never reading the file back), and reports what it wrote. A large export
 * on a store that gains by it is written in slices by this thread and a second one (sliced-export.ts).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { ExportSourceGone } from '../domain/errors.js';
import type { ExportJobInput, ExportOutcome, ExportRefused, SliceJobInput, SliceOutcome } from './export-runner.js';
import { LineWriter } from './line-writer.js';
import { writeSlicedExport } from './sliced-export.js';
import { runWorker } from './start-worker.js';

// Below this a second thread's start-up and the append cost more than it saves; low enough that a
// one-day export is sliced like a month's, so memory does not jump with size (docs/performance.md).
const MIN_ROWS_PER_SLICE = 25_000;

const input = workerData as ExportJobInput;
const store = await openStore(input.location, { readonly: true });
const fd = openSync(input.tempPaths[0]!, 'w');
const hash = createHash('sha256');
const out = new LineWriter(fd, hash);
let refused: ExportRefused | undefined;
try {
  await writeSlicedExport({
    store, request: input.request, out,
    // A slice per core (more threads than cores would only take turns), where the store gains by it.
    scratchPaths: store.capabilities.sliceExports ? input.tempPaths.slice(1, availableParallelism()) : [],
    minRowsPerSlice: input.minRowsPerSlice ?? MIN_ROWS_PER_SLICE,
    runSlice: (slice, path) => {
      const job: SliceJobInput = { location: input.location, request: input.request, slice, path };
      return runWorker<SliceOutcome>('slice-worker', job);
    },
  });
  fsyncSync(fd);
} catch (err) {
  if (!(err instanceof ExportSourceGone)) throw err;
  refused = { refused: err.message };
} finally {
  closeSync(fd);
  await store.close();
}
const outcome: ExportOutcome | ExportRefused = refused ?? { records: out.records, bytes: out.bytes, checksum: `sha256:${hash.digest('hex')}` };
parentPort!.postMessage(outcome);
