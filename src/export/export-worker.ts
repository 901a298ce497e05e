/**
 * Runs inside a worker thread: streams one export's lines from the store into the job's temp file,
 * hashing while writing (never reading the file back), and reports what it wrote. A large export
 * is cut into slices: this thread writes the first, a second worker the rest into scratch files,
 * which are appended (and hashed) in order once written.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { formatHeader } from './format.js';
import type { ExportJobInput, ExportOutcome, SliceJobInput, SliceOutcome } from './export-runner.js';
import { LineWriter } from './line-writer.js';
import { runWorker, type RunningWorker } from './start-worker.js';

// Below this a second thread's start-up and the append cost more than it saves (docs/performance.md).
const MIN_ROWS_PER_SLICE = 25_000;

const input = workerData as ExportJobInput;
const store = await openStore(input.location, { readonly: true });
const fd = openSync(input.tempPaths[0]!, 'w');
const hash = createHash('sha256');
const out = new LineWriter(fd, hash);
const helpers: RunningWorker<SliceOutcome>[] = [];
const scratch = input.tempPaths.slice(1);

try {
  const parts = Math.min(input.tempPaths.length, availableParallelism());
  const [first, ...rest] = await store.splitExport(input.request, parts, input.minRowsPerSlice ?? MIN_ROWS_PER_SLICE);
  for (const [i, slice] of rest.entries()) {
    const job: SliceJobInput = { location: input.location, request: input.request, slice, path: scratch[i]! };
    const helper = runWorker<SliceOutcome>('slice-worker', job);
    helper.done.catch(() => undefined); // awaited below; a failure while this thread still writes must not go unhandled
    helpers.push(helper);
  }
  out.write(Buffer.from(formatHeader(input.request), 'utf8'));
  await out.writeChunks(store.exportLines(input.request, first));
  for (const [i, helper] of helpers.entries()) {
    out.records += (await helper.done).records;
    out.append(scratch[i]!);
  }
  fsyncSync(fd);
} finally {
  await Promise.all(helpers.map((h) => h.stop()));
  for (const path of scratch) rmSync(path, { force: true });
  closeSync(fd);
  await store.close();
}
const outcome: ExportOutcome = { records: out.records, bytes: out.bytes, checksum: `sha256:${hash.digest('hex')}` };
parentPort!.postMessage(outcome);
