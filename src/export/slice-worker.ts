/** Runs inside a worker thread started by an export worker: writes one slice's lines to a scratch file. */
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import type { SliceJobInput, SliceOutcome } from './export-runner.js';
import { LineWriter } from './line-writer.js';

const input = workerData as SliceJobInput;
const store = await openStore(input.location, { readonly: true });
const fd = openSync(input.path, 'w');
const out = new LineWriter(fd);
try {
  // One snapshot for the whole slice: its chunks are separate queries.
  await store.inReadSnapshot(() => out.writeChunks(store.exportLines(input.request, input.slice)));
} finally {
  closeSync(fd);
  await store.close();
}
const outcome: SliceOutcome = { records: out.records, bytes: out.bytes };
parentPort!.postMessage(outcome);
