// One slice of an export in a worker thread, as export-worker.ts does it (line SELECT, 4096-line
// chunks, sha256, writeSync); used by export-phases.ts to time two slices on two cores.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const { file, sql, params, out } = workerData;
const db = new Database(file, { readonly: true });
const fd = openSync(out, 'w');
const hash = createHash('sha256');
let bytes = 0;
const write = (text) => {
  const buf = Buffer.from(text);
  hash.update(buf);
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off);
  bytes += buf.length;
};
let lines = [];
for (const l of db.prepare(sql).pluck().iterate(...params)) {
  lines.push(l);
  if (lines.length === 4096) {
    write(lines.join('\n') + '\n');
    lines = [];
  }
}
write(lines.join('\n') + '\n');
closeSync(fd);
hash.digest();
parentPort.postMessage(bytes);
