/**
 * Where an embedded-store export's time went before the worker took whole chunks from SQLite as
 * BLOBs: the per-row string path's steps added one at a time, on the benchmark's data set
 * (`tsx bench/tools/export-phases.ts [DATA_DIR]`). Kept to reproduce that profile
 * (docs/performance.md, item 3). Not part of `npm run bench`.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { exportWhere, lineExpression, ORDER } from '../../src/store/sqlite/sql.js';
import { WINDOW } from '../lib/dataset.js';
import { csvRequest } from '../lib/oracle.js';

const dir = process.argv[2] ?? '/var/tmp/tidemark-bench/full/sqlite-60400';
const db = new Database(join(dir, 'tidemark.sqlite'), { readonly: true });
const request = csvRequest(WINDOW);
const { where, params } = exportWhere(request.filter);
const lineSql = `SELECT ${lineExpression(request.fields, request.format)} FROM activities WHERE ${where} ${ORDER}`;
const colSql = `SELECT guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes FROM activities WHERE ${where} ${ORDER}`;
const out = '/var/tmp/export-phases.out';

function time(label: string, fn: () => number): void {
  const t0 = performance.now();
  const n = fn();
  process.stdout.write(`${label.padEnd(58)} ${((performance.now() - t0) / 1000).toFixed(2)} s  (${n})\n`);
}

const steps: [string, () => number][] = [
  ['count(*) over the window (index scan only)', () => db.prepare(`SELECT count(*) FROM activities WHERE ${where}`).pluck().get(...params) as number],
  ['SELECT sum(length(attributes)) in SQL (reads every row)', () => db.prepare(`SELECT sum(length(attributes)) FROM activities WHERE ${where}`).pluck().get(...params) as number],
  ['SELECT sum(length(<line expression>)) in SQL', () => db.prepare(`SELECT sum(length(${lineExpression(request.fields, request.format)})) FROM activities WHERE ${where}`).pluck().get(...params) as number],
  ['iterate 8 raw columns into JS (no formatting)', () => {
    let n = 0;
    for (const _ of db.prepare(colSql).raw().iterate(...params)) n++;
    return n;
  }],
  ['iterate line strings into JS', () => {
    let n = 0;
    for (const _ of db.prepare(lineSql).pluck().iterate(...params)) n++;
    return n;
  }],
  ['+ join 4096 lines + Buffer.from', () => {
    let n = 0;
    let lines: string[] = [];
    for (const l of db.prepare(lineSql).pluck().iterate(...params) as IterableIterator<string>) {
      lines.push(l);
      if (lines.length === 4096) {
        n += Buffer.from(lines.join('\n') + '\n').length;
        lines = [];
      }
    }
    return n + Buffer.from(lines.join('\n') + '\n').length;
  }],
  ['+ sha256 + writeSync (the worker, without fsync)', () => run(false)],
  ['+ fsync (the worker as it is)', () => run(true)],
];

function run(fsync: boolean): number {
  const fd = openSync(out, 'w');
  const hash = createHash('sha256');
  let n = 0;
  let lines: string[] = [];
  const write = (text: string) => {
    const buf = Buffer.from(text);
    hash.update(buf);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    n += buf.length;
  };
  for (const l of db.prepare(lineSql).pluck().iterate(...params) as IterableIterator<string>) {
    lines.push(l);
    if (lines.length === 4096) {
      write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  write(lines.join('\n') + '\n');
  if (fsync) fsyncSync(fd);
  closeSync(fd);
  hash.digest();
  return n;
}

for (const [label, fn] of steps) time(label, fn);

/** The same work split at the window's median row into two worker threads (the idea of two cores). */
async function slices(n: number): Promise<void> {
  const total = db.prepare(`SELECT count(*) FROM activities WHERE ${where}`).pluck().get(...params) as number;
  const bounds = [params[0] as number];
  for (let i = 1; i < n; i++) {
    bounds.push(db.prepare(`SELECT activity_date FROM activities WHERE ${where} ORDER BY activity_date LIMIT 1 OFFSET ?`).pluck().get(...params, Math.floor((total * i) / n)) as number);
  }
  bounds.push((params[1] as number) + 1);
  const sliceSql = `SELECT ${lineExpression(request.fields, request.format)} FROM activities WHERE activity_date >= ? AND activity_date < ? ${ORDER}`;
  const t0 = performance.now();
  const sizes = await Promise.all(bounds.slice(0, -1).map((from, i) => new Promise<number>((resolve, reject) => {
    const w = new Worker(new URL('./slice-worker.mjs', import.meta.url), {
      workerData: { file: join(dir, 'tidemark.sqlite'), sql: sliceSql, params: [from, bounds[i + 1]], out: `${out}.${i}` },
    });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const label = `${n} worker thread${n > 1 ? 's' : ''} on ${n} slice${n > 1 ? 's' : ''} (no fsync, no merge of the parts)`;
  process.stdout.write(`${label.padEnd(58)} ${((performance.now() - t0) / 1000).toFixed(2)} s  (${sizes.reduce((a, b) => a + b, 0)})\n`);
  for (let i = 0; i < n; i++) rmSync(`${out}.${i}`, { force: true });
}
await slices(1);
await slices(2);
rmSync(out, { force: true });
