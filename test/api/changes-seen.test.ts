/**
 * A call answers from the store as it is now, wherever a change was made: `tidemark users disable`
 * in another process, another connection to the store, the server's own writes, and the clock.
 * (On SQLite the server keeps token and job look-ups while the store's readVersion stays the same,
 * src/server/http/read-cache.ts; these tests pin down that nothing of that shows.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/open-store.js';
import { assertError, BASE, createJob, oneJob, tokenFor, userWithToken } from '../helpers/api.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const BIN = fileURLToPath(new URL('../../bin/tidemark.js', import.meta.url));

/** A status.json call for a new job of the token's user. */
async function statusCall(h: Harness, token: string) {
  const job = await createJob(h, token);
  return () => h.json(`${BASE}/${job.exportId}/status.json`, { token });
}

/** A few answers, so that whatever the server keeps about the token is in use. */
async function warm(...calls: (() => Promise<unknown>)[]) {
  for (let i = 0; i < 3; i++) for (const call of calls) assert.equal(oneJob(await call()).status, 'Created');
}

test('`tidemark users disable` in another process: 603 on the very next call', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const other = await userWithToken(h);
  const status = await statusCall(h, u.token);
  const otherStatus = await statusCall(h, other.token);
  await warm(status, otherStatus);
  const storeFlags = ['--data-dir', h.dataDir, ...(h.config.databaseUrl ? ['--database-url', h.config.databaseUrl] : [])];
  const run = spawnSync(process.execPath, [BIN, 'users', 'disable', '--client-id', u.clientId, ...storeFlags], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assertError(await status(), '603', 'Access denied');
  assertError(await status(), '603', 'Access denied');
  assert.equal(oneJob(await otherStatus()).status, 'Created', 'the other user is untouched');
});

test('a user disabled through another connection to the store: 603 on the very next call', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const status = await statusCall(h, u.token);
  const second = await openStore(h.store.location);
  t.after(() => second.close());
  await warm(status);
  assert.ok(await second.disableUser(u.clientId));
  assertError(await status(), '603', 'Access denied');
});

test('a token in use expires on the clock, and is unknown (601) once a new token purges it', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const status = await statusCall(h, u.token);
  await warm(status);
  h.clock.advance(3600_000 - 1);
  assert.equal(oneJob(await status()).status, 'Created', 'alive 1 ms before expiry');
  h.clock.advance(1);
  assertError(await status(), '602', 'Access token expired');
  // A token issued more than a day after the old one expired deletes it (the server's own write).
  h.clock.advance(25 * 3600_000);
  assertError(await status(), '602', 'Access token expired');
  const fresh = await tokenFor(h, u);
  assert.notEqual(fresh, u.token);
  assertError(await status(), '601', 'Access token invalid');
});

test('a job changed through another connection to the store: status.json shows it on the very next call', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const job = await createJob(h, u.token);
  const status = () => h.json(`${BASE}/${job.exportId}/status.json`, { token: u.token });
  await warm(status);
  const second = await openStore(h.store.location);
  t.after(() => second.close());
  await second.cancelJob(job.exportId, h.clock.now());
  assert.equal(oneJob(await status()).status, 'Cancelled');
});
