/**
 * Call limits hold across api processes that share one PostgreSQL database: calls on one process
 * count against the rate limit (606) and the daily call quota (607) of the other, and a request
 * held in flight on one process takes a place of the in-flight limit (615) on the other.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { newClientCredentials } from '../../src/lib/ids.js';
import { hashSecret } from '../../src/lib/secrets.js';
import pg from 'pg';
import { parsePostgresUrl, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { dropTestSchema, tempDir } from '../helpers/harness.js';
import { startServe } from './serve.js';

const base = process.env.TIDEMARK_TEST_DATABASE_URL;
const skip = base ? false : 'TIDEMARK_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)';

async function startApi(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const { child, url } = await startServe(['--role', 'api', '--port', '0', '--log-level', 'warn', ...args]);
  return { child, url: url! };
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, name: string, flags: string[]) {
  const u = new URL(base!);
  u.searchParams.set('schema', `limits_${name}_${process.pid}`);
  const url = u.toString();
  const dataDir = tempDir(`limits-${name}`);
  const store = new PostgresStore(url);
  const { clientId, clientSecret } = newClientCredentials();
  await store.createUser({ clientId, name: 'limits@test', role: 'read-only-activity', secretHash: hashSecret(clientSecret), disabled: false, createdAt: Date.now() });
  const common = ['--database-url', url, '--data-dir', dataDir, ...flags];
  const [a, b] = await Promise.all([startApi(common), startApi(common)]);
  t.after(async () => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await store.close();
    await dropTestSchema(url);
    rmSync(dataDir, { recursive: true, force: true });
  });
  const token = ((await (await fetch(`${a.url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`)).json()) as { access_token: string }).access_token;
  const list = async (api: string) => (await (await fetch(`${api}/bulk/v1/activities/export.json`, { headers: { Authorization: `Bearer ${token}` } })).json()) as any;
  /** Calls in flight, as every process sees them. */
  const inFlight = async () => {
    const { connectionString, schema } = parsePostgresUrl(url);
    const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query('SELECT count(*)::int AS n FROM calls_in_flight')).rows[0].n as number;
    } finally {
      await client.end();
    }
  };
  return { a: a.url, b: b.url, token, list, inFlight };
}

test('606 and 607 count the calls of every api process', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, list } = await setup(t, 'rate', ['--rate-limit', '5/20', '--max-concurrent-requests', 'off', '--daily-call-quota', '8']);
  for (const api of [a, b, a, b, a]) assert.equal((await list(api)).success, true);
  for (const api of [a, b]) {
    const refused = await list(api);
    assert.equal(refused.success, false);
    assert.equal(refused.errors[0].code, '606');
    assert.equal(refused.errors[0].message, "Max rate limit '5' exceeded with in '20' secs");
  }
});

test('607: the daily call quota is shared', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, list } = await setup(t, 'daily', ['--rate-limit', 'off', '--max-concurrent-requests', 'off', '--daily-call-quota', '3']);
  for (const api of [a, b, b]) assert.equal((await list(api)).success, true);
  const refused = await list(a);
  assert.equal(refused.errors?.[0]?.code, '607');
});

test('615: a request held in flight on one process takes the place on the other', { skip, timeout: 60_000 }, async (t) => {
  const { a, b, token, list, inFlight } = await setup(t, 'inflight', ['--rate-limit', 'off', '--max-concurrent-requests', '1', '--daily-call-quota', '0']);
  // Headers and half a body: the request is admitted and stays in flight until the rest arrives.
  const { hostname, port } = new URL(a);
  const body = JSON.stringify({ filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-02T00:00:00Z' } } });
  const socket = connect(Number(port), hostname);
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.write(`POST /bulk/v1/activities/export/create.json HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`);
  // Admission is asynchronous: wait until process a has counted the held request, or a call of
  // b's could take the one place first.
  for (let i = 0; i < 500 && (await inFlight()) < 1; i++) await new Promise((res) => setTimeout(res, 10));
  assert.equal(await inFlight(), 1, 'process a admitted the held request');
  let refused: any;
  for (let i = 0; i < 200 && !refused; i++) {
    const r = await list(b);
    if (r.success === false) refused = r;
    else await new Promise((res) => setTimeout(res, 10));
  }
  assert.equal(refused?.errors?.[0]?.code, '615', 'process b saw the place taken by process a');
  socket.write(body.slice(5));
  await new Promise((res) => socket.once('close', res));
  assert.match(answer, /"status":"Created"/);
  let ok = false;
  for (let i = 0; i < 200 && !ok; i++) {
    ok = (await list(b)).success === true;
    if (!ok) await new Promise((res) => setTimeout(res, 10));
  }
  assert.ok(ok, 'the place is free again once the held request finished');
});
