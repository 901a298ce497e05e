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
