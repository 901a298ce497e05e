/**
 * The byte merge in a worker thread: the same bytes and results as on the main thread, following
 * a download through the news the main thread forwards, FollowBroken when it breaks off, and a
 * failure inside the worker surfacing as an error.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { appendWindowBytes } from './byte-merge.js';
import { DownloadFeed, FollowBroken } from './download-feed.js';
import { appendWindowInThread } from './merge-thread.js';
import type { WindowMerge } from './types.js';

const WINDOW = Buffer.from('marketoGUID,activityDate,attributes\n' +
  Array.from({ length: 2000 }, (_, i) => `${i},2025-10-01T${String(i % 24).padStart(2, '0')}:00:00Z,"{""n"":""${i}\r\n""}"\n`).join(''));

function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-merge-thread-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'w.csv');
  const merge = (name: string): WindowMerge => {
    const out = join(dir, name);
    writeFileSync(out, 'before\n');
    return { file, format: 'CSV', out, output: 'raw', writeHeader: false, seam: new Set(['7', '1999']), seamFrom: Date.parse('2025-10-01T22:00:00Z') };
  };
  return { file, merge };
}

test('in a worker, following a download: the same output and results as on the main thread', async (t) => {
  const { file, merge } = setup(t);
  const feed = new DownloadFeed();
  const threaded = merge('threaded.csv');
  const running = appendWindowInThread(threaded, feed);
  writeFileSync(`${file}.part`, '');
  for (let at = 0; at < WINDOW.length; at += 10_000) {
    await delay(2);
    appendFileSync(`${file}.part`, WINDOW.subarray(at, at + 10_000));
    feed.progress(Math.min(at + 10_000, WINDOW.length));
  }
  renameSync(`${file}.part`, file);
  feed.finish(WINDOW.length);
  const result = await running;
  const plain = merge('plain.csv');
  assert.deepEqual(result, await appendWindowBytes(plain));
  assert.deepEqual(readFileSync(threaded.out), readFileSync(plain.out));
  assert.equal(result.duplicates, 2);
});

test('a broken-off download rejects with FollowBroken; a failure in the worker with an error', async (t) => {
  const { file, merge } = setup(t);
  const feed = new DownloadFeed();
  writeFileSync(`${file}.part`, WINDOW.subarray(0, 3000));
  feed.progress(3000);
  const running = appendWindowInThread(merge('broken.csv'), feed);
  await delay(20);
  feed.break();
  await assert.rejects(running, FollowBroken);
  await assert.rejects(appendWindowInThread({ ...merge('missing.csv'), file: `${file}.missing` }), /merge failed: .*ENOENT/);
});
