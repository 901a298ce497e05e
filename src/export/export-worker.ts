/**
 * Runs inside a worker thread: streams one export's lines from the store into the job's temp file,
 * hashing while writing (never reading the file back), and reports what it wrote. A large export
 * on a store that gains by it is shared with helper threads, run by run (shared-runs.ts).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { ExportSourceGone } from '../domain/errors.js';
import type { ExportJobInput, ExportOutcome, ExportRefused } from './export-runner.js';
import { startHelper } from './helper-thread.js';
import { LineWriter } from './line-writer.js';
import { DEFAULT_SHARING, writeSharedExport } from './shared-runs.js';

const input = workerData as ExportJobInput;
const store = await openStore(input.location, { readonly: true });
const fd = openSync(input.tempPath, 'w');
const hash = createHash('sha256');
const out = new LineWriter(fd, hash);
let refused: ExportRefused | undefined;
try {
  await writeSharedExport({
    store, request: input.request, out,
    // A helper per other core: more threads than cores would only take turns.
    sharing: { ...DEFAULT_SHARING, helpers: availableParallelism() - 1, ...input.sharing },
    startHelper: () => startHelper({ location: input.location, request: input.request }),
  });
  await out.settled();
  fsyncSync(fd);
} catch (err) {
  if (!(err instanceof ExportSourceGone)) throw err;
  refused = { refused: err.message };
} finally {
  await out.settled();
  closeSync(fd);
  await store.close();
}
const outcome: ExportOutcome | ExportRefused = refused ?? { records: out.records, bytes: out.bytes, checksum: `sha256:${hash.digest('hex')}` };
parentPort!.postMessage(outcome);
