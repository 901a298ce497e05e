import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { runStoreConformance } from '../conformance/run-store-conformance.js';
import { parsePostgresUrl, PostgresStore } from './postgres-store.js';
import { MIGRATIONS } from './schema.js';

const url = process.env.TIDEMARK_TEST_DATABASE_URL;
const stores: PostgresStore[] = [];
let n = 0;

if (url) {
  runStoreConformance({
    name: 'postgres',
    create: (testName) => {
      // One schema per test, named from the test; dropped after the run.
      const schema = `t_${process.pid}_${++n}_${testName.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}`;
      const u = new URL(url);
      u.searchParams.set('schema', schema);
      const store = new PostgresStore(u.toString(), { poolSize: 3 });
      stores.push(store);
      return store;
    },
  });
  after(async () => {
    for (const s of stores) {
      const cleanup = new PostgresStore(s.location.kind === 'postgres' ? s.location.url : '', { migrate: false, poolSize: 1 });
      await cleanup.dropSchema().catch(() => undefined);
      await cleanup.close();
    }
  });
} else {
  runStoreConformance({ name: 'postgres', create: () => { throw new Error('unreachable'); }, skipAll: 'TIDEMARK_TEST_DATABASE_URL is not set; .ci/run starts a PostgreSQL cluster and sets it' });
}

test('a schema made before tokens were hashed loses its clear tokens when opened: the table keeps digests only', { skip: url ? false : 'TIDEMARK_TEST_DATABASE_URL is not set' }, async () => {
  const u = new URL(url!);
  u.searchParams.set('schema', `t_${process.pid}_token_migration`);
  const old = new PostgresStore(u.toString(), { migrate: false, poolSize: 1 });
  stores.push(old);
  const { connectionString, schema } = parsePostgresUrl(u.toString());
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    await client.query('CREATE TABLE schema_version (version integer NOT NULL)');
    const before = MIGRATIONS.findIndex((m) => m.includes('token_hash'));
    for (let i = 0; i < before; i++) {
      await client.query(MIGRATIONS[i]!);
      await client.query('INSERT INTO schema_version (version) VALUES ($1)', [i + 1]);
    }
    await client.query('INSERT INTO tokens (token, client_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)', ['b4b8c7e2-1f2a-4c6e-9d7b-4d2c1a0e9f11:tm', 'c-1', 1, 9e15]);

    const store = new PostgresStore(u.toString(), { poolSize: 1 });
    assert.equal(await store.findLiveToken('c-1', 2), undefined);
    await store.close();
    const columns = (await client.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'tokens' ORDER BY 1`, [schema])).rows.map((r) => r.column_name);
    assert.deepEqual(columns, ['client_id', 'expires_at', 'issued_at', 'nonce', 'token_hash']);
    assert.equal(Number((await client.query('SELECT count(*) AS n FROM tokens')).rows[0].n), 0, 'the clear token is gone, not kept');
  } finally {
    await client.end();
  }
});

test('calls in flight of a process that died stop counting after staleMs; a live process keeps its long calls counted', { skip: url ? false : 'TIDEMARK_TEST_DATABASE_URL is not set' }, async () => {
  const u = new URL(url!);
  u.searchParams.set('schema', `t_${process.pid}_in_flight`);
  const timing = { heartbeatMs: 50, staleMs: 400 };
  const live = new PostgresStore(u.toString(), { poolSize: 2, inFlightTiming: timing });
  const dying = new PostgresStore(u.toString(), { poolSize: 2, inFlightTiming: timing });
  stores.push(live);
  const settings = { maxInFlight: 2, dailyQuota: 0 };
  const admit = (s: PostgresStore) => s.callCounter.admit({ user: 'u', now: Date.now(), dayStart: 0, settings });
  try {
    const long = await admit(live); // a long download: its process lives and refreshes it
    assert.ok('ticket' in long);
    assert.ok('ticket' in (await admit(dying)));
    await dying.close(); // the process dies with that call in flight: nothing refreshes it any more
    assert.deepEqual(await admit(live), { refused: 'inFlight' });
    await new Promise((r) => setTimeout(r, timing.staleMs + 200));
    const next = await admit(live);
    assert.ok('ticket' in next, 'the dead process no longer holds a place');
    assert.deepEqual(await admit(live), { refused: 'inFlight' }, 'the live long call still counts');
    await live.callCounter.release(long.ticket);
    if ('ticket' in next) await live.callCounter.release(next.ticket);
  } finally {
    await live.close();
  }
});
