import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { readCache } from './read-cache.js';

function fakeStore(withVersion: boolean) {
  const s = {
    version: 1,
    reads: 0,
    data: new Map<string, { v: number }>([['a', { v: 1 }]]),
    async get(key: string) {
      s.reads++;
      await Promise.resolve(); // the read completes after an await, as a two-step look-up does
      const found = s.data.get(key);
      return found && { ...found };
    },
    ...(withVersion ? { readVersion: () => String(s.version) } : {}),
  };
  return s;
}

test('without readVersion (PostgreSQL) every read goes to the store', async () => {
  const s = fakeStore(false);
  const read = readCache(s as unknown as Store, s.get);
  await read('a');
  await read('a');
  assert.equal(s.reads, 2);
});

test('a value is kept while the version stays, and read again as soon as it moves', async () => {
  const s = fakeStore(true);
  const read = readCache(s as unknown as Store, s.get);
  assert.equal((await read('a'))?.v, 1);
  assert.equal((await read('a'))?.v, 1);
  assert.equal(s.reads, 1);
  s.data.set('a', { v: 2 });
  s.version++;
  assert.equal((await read('a'))?.v, 2, 'the change is seen at once');
  assert.equal(s.reads, 2);
});

test('keys not found are never kept, so they cannot fill the cache', async () => {
  const s = fakeStore(true);
  const read = readCache(s as unknown as Store, s.get);
  assert.equal(await read('b'), undefined);
  assert.equal(await read('b'), undefined);
  assert.equal(s.reads, 2);
  s.data.set('b', { v: 1 });
  assert.equal((await read('b'))?.v, 1, 'found once it exists (its write moves the version in a real store anyway)');
});

test('a value loaded while another read saw a newer version is not kept', async () => {
  const s = fakeStore(true);
  const read = readCache(s as unknown as Store, s.get);
  const first = read('a'); // reads version 1, then loads across an await
  s.version++;
  s.data.set('a', { v: 2 });
  assert.equal((await read('a'))?.v, 2); // sees version 2 and keeps its own value
  await first;
  s.reads = 0;
  assert.equal((await read('a'))?.v, 2, 'the version-2 value is served');
  assert.equal(s.reads, 0);
});

test('SQLite readVersion moves with this connection\'s writes and with commits of another, not with reads', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-read-version-'));
  const file = join(dir, 'tidemark.sqlite');
  const server = new SqliteStore(file);
  const cli = new SqliteStore(file);
  t.after(async () => {
    await server.close();
    await cli.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const user = { clientId: 'c1', name: 'u', role: 'read-only-activity', secretHash: 'x', disabled: false, createdAt: 0 };
  const v0 = server.readVersion();
  await server.findUser('c1');
  await server.listUsers();
  assert.equal(server.readVersion(), v0, 'reads change nothing');
  await server.createUser(user);
  const v1 = server.readVersion();
  assert.notEqual(v1, v0, 'a write of this connection');
  assert.ok(await cli.disableUser('c1'));
  const v2 = server.readVersion();
  assert.notEqual(v2, v1, 'a commit of another connection');
  assert.equal(server.readVersion(), v2);
  assert.equal((await server.findUser('c1'))?.disabled, true);
});
