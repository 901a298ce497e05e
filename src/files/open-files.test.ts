/** OpenFiles: one handle per path while in use, evicted past the limit, closed on request. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { OpenFiles } from './open-files.js';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-open-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string): string => {
  writeFileSync(join(dir, name), name);
  return join(dir, name);
};

test('the same path gives the same handle until it is closed; a removed file still reads while open', async () => {
  const files = new OpenFiles();
  const p = file('a');
  const h = await files.get(p);
  assert.equal(await files.get(p), h);
  rmSync(p);
  const buf = Buffer.alloc(1);
  assert.equal((await h.read(buf, 0, 1, 0)).bytesRead, 1, 'an unlinked file reads through its open handle');
  files.close(p);
  await new Promise((r) => setTimeout(r, 20));
  await assert.rejects(h.read(buf, 0, 1, 0), /closed|EBADF/, 'closed after close()');
  await assert.rejects(files.get(p), /ENOENT/, 'and the next get opens the path again');
  files.closeAll();
});

test('past 32 open files the least recently used is closed', async () => {
  const files = new OpenFiles();
  const paths = Array.from({ length: 33 }, (_, i) => file(`f${i}`));
  const first = await files.get(paths[0]!);
  const second = await files.get(paths[1]!);
  for (const p of paths.slice(2, 32)) await files.get(p);
  await files.get(paths[0]!); // used again: now the most recent
  await files.get(paths[32]!); // the 33rd: evicts paths[1]
  await new Promise((r) => setTimeout(r, 20));
  const buf = Buffer.alloc(1);
  assert.equal((await first.read(buf, 0, 1, 0)).bytesRead, 1);
  await assert.rejects(second.read(buf, 0, 1, 0), /closed|EBADF/);
  files.closeAll();
});

test('reads: the first through the thread pool while the file opens, then on this thread; a slow read sends the rest to the pool', async () => {
  const files = new OpenFiles();
  const p = join(dir, 'r');
  const bytes = Buffer.from('0123456789');
  writeFileSync(p, bytes);
  const buf = Buffer.alloc(4);
  assert.equal(await files.read(p, buf, 3, 4), 4);
  assert.equal(buf.toString(), '3456');
  assert.equal(files.readMode(p), 'sync');
  assert.equal(await files.read(p, buf, 8, 4), 2, 'a read past the end gives what there is');
  assert.equal(buf.subarray(0, 2).toString(), '89');

  const slow = new OpenFiles(-1); // every read counts as slow
  await slow.read(p, buf, 0, 4);
  assert.equal(slow.readMode(p), 'sync', 'the read that opened the file went to the pool');
  assert.equal(await slow.read(p, buf, 1, 4), 4);
  assert.equal(slow.readMode(p), 'pool', 'one slow read, and the file is read in the pool');
  assert.equal(await slow.read(p, buf, 2, 4), 4);
  assert.equal(buf.toString(), '2345');
  files.closeAll();
  slow.closeAll();
});

test('a closed file is never read through its old descriptor: the next read opens the path again', async () => {
  const files = new OpenFiles();
  const p = join(dir, 'c');
  writeFileSync(p, 'first');
  const buf = Buffer.alloc(5);
  await files.read(p, buf, 0, 5);
  assert.equal(files.readMode(p), 'sync');
  files.close(p);
  assert.equal(files.readMode(p), undefined);
  writeFileSync(join(dir, 'other'), 'other'); // may take the old descriptor's number
  rmSync(p);
  writeFileSync(p, 'again');
  assert.equal(await files.read(p, buf, 0, 5), 5);
  assert.equal(buf.toString(), 'again');
  files.closeAll();
});
