/**
 * Runs inside a worker thread: streams one export's lines from the store into the job's temp file,
 * hashing while writing (never reading the file back), and reports what it wrote.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import { formatHeader } from './format.js';
import type { ExportJobInput, ExportOutcome } from './export-runner.js';

const input = workerData as ExportJobInput;
const store = await openStore(input.location, { readonly: true });
const fd = openSync(input.tempPath, 'w');
const hash = createHash('sha256');
let bytes = 0;
let records = 0;

function write(buf: Buffer): void {
  hash.update(buf);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
  bytes += buf.length;
}

try {
  write(Buffer.from(formatHeader(input.request), 'utf8'));
  for await (const chunk of store.exportLines(input.request)) {
    write(chunk.bytes);
    records += chunk.rows;
  }
  fsyncSync(fd);
} finally {
  closeSync(fd);
  await store.close();
}
const outcome: ExportOutcome = { records, bytes, checksum: `sha256:${hash.digest('hex')}` };
parentPort!.postMessage(outcome);
