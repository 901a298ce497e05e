/**
 * A merge that follows a download: it reads only bytes the download reported written, sees the
 * end only once the download finished (after its rename from .part), and throws FollowBroken when
 * the download breaks off or starts over.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';
import { appendWindowBytes } from './byte-merge.js';
import { DownloadFeed, FollowBroken } from './download-feed.js';
import type { WindowMerge } from './types.js';

const WINDOW = Buffer.from('marketoGUID,activityDate,attributes\n' +
  Array.from({ length: 300 }, (_, i) => `${i},2025-10-01T${String(i % 24).padStart(2, '0')}:00:00Z,"{""n"":""${i}\n""}"\n`).join(''));

function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-feed-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'w.csv');
  const merge = (out: string): WindowMerge => ({ file, format: 'CSV', out, output: 'raw', writeHeader: true, seam: new Set(['7']), seamFrom: Date.parse('2025-10-01T23:00:00Z') });
  return { dir, file, merge };
}

/** Writes `bytes` to `file.part` in pieces, reporting each, then renames it and finishes the feed. */
async function download(feed: DownloadFeed, file: string, bytes: Buffer, piece = 997): Promise<void> {
  writeFileSync(`${file}.part`, '');
  for (let at = 0; at < bytes.length; at += piece) {
    await delay(1);
    appendFileSync(`${file}.part`, bytes.subarray(at, at + piece));
    feed.progress(Math.min(at + piece, bytes.length));
  }
  renameSync(`${file}.part`, file);
  feed.finish(bytes.length);
}

test('a merge following a download writes what a merge of the finished file writes, and ends only after it', async (t) => {
  const { dir, file, merge } = setup(t);
  const feed = new DownloadFeed();
  const followed = join(dir, 'followed.csv');
  writeFileSync(followed, '');
  let finished = false;
  const following = appendWindowBytes(merge(followed), { source: () => feed.follow(file), chunkBytes: 512 }).then((r) => {
    assert.ok(finished, 'the merge ended before the download was done');
    return r;
  });
  await download(feed, file, WINDOW);
  finished = true;
  const result = await following;

  const plain = join(dir, 'plain.csv');
  writeFileSync(plain, '');
  assert.deepEqual(result, await appendWindowBytes(merge(plain)));
  assert.deepEqual(readFileSync(followed), readFileSync(plain));
  assert.equal(result.duplicates, 1);
});

test('a download that finished before the merge started is read from its final name', async (t) => {
  const { dir, file, merge } = setup(t);
  const feed = new DownloadFeed();
  await download(feed, file, WINDOW, 100_000);
  const out = join(dir, 'out.csv');
  writeFileSync(out, '');
  assert.equal((await appendWindowBytes(merge(out), { source: () => feed.follow(file) })).rows, 299);
});

test('a download that breaks off, or starts over from zero, breaks the merge following it', async (t) => {
  const { dir, file, merge } = setup(t);
  for (const how of ['break', 'restart'] as const) {
    const feed = new DownloadFeed();
    const out = join(dir, `out-${how}.csv`);
    writeFileSync(out, '');
    writeFileSync(`${file}.part`, WINDOW.subarray(0, 5000));
    feed.progress(5000);
    const following = appendWindowBytes(merge(out), { source: () => feed.follow(file), chunkBytes: 1024 });
    await delay(5);
    if (how === 'break') feed.break();
    else feed.progress(100); // a server that ignored Range: the file was cut and is written again
    await assert.rejects(following, FollowBroken);
  }
});

test('a download that finishes while the follower looks for its .part is not missed', async (t) => {
  const { file } = setup(t);
  writeFileSync(file, WINDOW); // already renamed: no .part
  const feed = new DownloadFeed();
  feed.progress(10);
  const following = feed.follow(file); // its open of the .part fails after the finish below
  feed.finish(WINDOW.length);
  const timeout = delay(5000).then(() => assert.fail('the follower missed the finish'));
  const src = await Promise.race([following, timeout]);
  await src.close();
});

test('news from another feed (a worker thread\'s copy) gives the same answers', async () => {
  const main = new DownloadFeed();
  const copy = new DownloadFeed();
  const seen: string[] = [];
  main.watch((news) => {
    seen.push(`${news.state}:${news.written}`);
    copy.apply(news);
  });
  main.progress(100);
  main.finish(250);
  assert.deepEqual(seen, ['running:0', 'running:100', 'done:250']);
  assert.deepEqual(copy.bytes, { written: 250, done: true });
  const broken = new DownloadFeed();
  broken.apply({ written: 0, state: 'broken' });
  assert.throws(() => broken.bytes, FollowBroken);
});
