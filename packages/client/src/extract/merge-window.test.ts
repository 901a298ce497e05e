/** One window into the output, alone: following a running download, the finished file, a follow that broke off, NDJSON. */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { DownloadFeed } from '../merge/download-feed.js';
import type { WindowMerge } from '../merge/types.js';
import { mergeWindow } from './merge-window.js';

const HEADER = 'marketoGUID,activityDate,primaryAttributeValue\n';
const ROWS = Array.from({ length: 2000 }, (_, i) => `${1000 + i},2025-10-01T${String(i % 24).padStart(2, '0')}:00:00Z,"page, ${i}"\n`).join('');
const FILE = Buffer.from(HEADER + ROWS);

function setup(t: TestContext, output: WindowMerge['output'] = 'raw') {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-merge-window-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  writeFileSync(out, 'earlier windows\n');
  const m: WindowMerge = { file: join(dir, 'w.csv'), format: 'CSV', out, output, writeHeader: false, seam: new Set(['1000']), seamFrom: Date.parse('2025-10-01T23:00:00Z') };
  let cuts = 0;
  const cut = () => {
    cuts++;
    truncateSync(out, 'earlier windows\n'.length);
  };
  return { m, out, cut, cuts: () => cuts };
}

/** Writes `bytes` to `file.part` in pieces, reporting each to `feed`, then renames it and finishes. */
async function download(feed: DownloadFeed, file: string, bytes: Buffer, breakAt?: number): Promise<void> {
  writeFileSync(`${file}.part`, '');
  for (let at = 0; at < bytes.length; at += 4096) {
    if (breakAt !== undefined && at >= breakAt) {
      feed.break();
      throw new Error('connection dropped');
    }
    appendFileSync(`${file}.part`, bytes.subarray(at, at + 4096));
    feed.progress(Math.min(at + 4096, bytes.length));
    await new Promise((r) => setImmediate(r));
  }
  renameSync(`${file}.part`, file);
  feed.finish(bytes.length);
}

const wanted = 'earlier windows\n' + ROWS.split('\n').slice(1).join('\n');

test('raw output follows the running download and ends when it is verified; the seam GUID is dropped', async (t) => {
  const s = setup(t);
  const feed = new DownloadFeed();
  const done = download(feed, s.m.file, FILE);
  const merged = await mergeWindow(s.m, { feed: async () => feed, done }, s.cut);
  assert.deepEqual([merged.rows, merged.duplicates, s.cuts()], [1999, 1, 0]);
  assert.equal(readFileSync(s.out, 'utf8'), wanted);
  assert.deepEqual(merged.nextSeam.slice(0, 2), ['1023', '1047'], 'rows at 23:00 are near the next seam');
});

test('a file an earlier run downloaded (no feed): merged whole', async (t) => {
  const s = setup(t);
  writeFileSync(s.m.file, FILE);
  const merged = await mergeWindow(s.m, { feed: async () => undefined, done: Promise.resolve() }, s.cut);
  assert.equal(merged.rows, 1999);
  assert.equal(readFileSync(s.out, 'utf8'), wanted);
});

test('a download that breaks off: what the follow wrote is cut, and the file of the retried download is merged', async (t) => {
  const s = setup(t);
  const broken = new DownloadFeed();
  const retried = (async () => {
    await download(broken, s.m.file, FILE, 40_000).catch(() => undefined);
    await download(new DownloadFeed(), s.m.file, FILE);
  })();
  const merged = await mergeWindow(s.m, { feed: async () => broken, done: retried }, s.cut);
  assert.equal(s.cuts(), 1);
  assert.equal(merged.rows, 1999);
  assert.equal(readFileSync(s.out, 'utf8'), wanted);
});

test('NDJSON output waits for the verified file and writes one parsed row a line', async (t) => {
  const s = setup(t, 'ndjson');
  const feed = new DownloadFeed();
  const merged = await mergeWindow(s.m, { feed: async () => feed, done: download(feed, s.m.file, FILE) }, s.cut);
  assert.equal(merged.rows, 1999);
  const lines = readFileSync(s.out, 'utf8').split('\n');
  assert.deepEqual(JSON.parse(lines[1]!), { marketoGUID: '1001', activityDate: '2025-10-01T01:00:00Z', primaryAttributeValue: 'page, 1' });
});

test('a failed download fails the merge with its error', async (t) => {
  const s = setup(t);
  const feed = new DownloadFeed();
  const done = download(feed, s.m.file, FILE, 8192);
  done.catch(() => undefined); // as the extraction does: it watches every window's download from the start
  await assert.rejects(mergeWindow(s.m, { feed: async () => feed, done }, s.cut), /connection dropped/);
});
