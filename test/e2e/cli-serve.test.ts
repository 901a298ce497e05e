/**
 * `tidemark serve` settings reach the running server (interfaces.md: every flag has a TIDEMARK_*
 * variable and the flag wins), invalid values stop it before it listens, and `tidemark demo`.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedBulk } from './bulk-seed.js';
import { Api, BASE, createUser, runCli, startServe, tempDir } from './cli.js';

const MONTH = ['2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'] as const;

test('invalid serve settings exit non-zero with a message naming the flag, no stack trace', async (t) => {
  const dir = tempDir(t, 'badflags');
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--port', 'abc'], {}, /--port/],
    [['--port', '0', '--rate-limit', '5'], {}, /--rate-limit.*CALLS\/SECONDS/],
    [['--port', '0', '--max-processing', '0'], {}, /--max-processing/],
    [['--port', '0', '--max-processing', '3', '--max-queued', '2'], {}, /--max-queued must be at least --max-processing/],
    [['--port', '0', '--log-level', 'loud'], {}, /--log-level/],
    [['--port', '0'], { TIDEMARK_MAX_QUEUED: 'abc' }, /--max-queued \(TIDEMARK_MAX_QUEUED=abc\)/],
    [['--port', '0'], { TIDEMARK_DAILY_QUOTA_MB: '-1' }, /--daily-quota-mb/],
    [['--port', '0', '--bogus-flag'], {}, /bogus-flag/],
  ];
  for (const [args, env, message] of cases) {
    const r = await runCli(['serve', '--data-dir', dir, ...args], { env, timeoutMs: 20_000 });
    const label = `${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}serve ${args.join(' ')}`;
    assert.notEqual(r.code, 0, `${label} must fail`);
    assert.equal(r.signal, null, `${label} exits by itself`);
    assert.match(r.stderr, message, `${label}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, `${label}: no stack trace`);
    assert.doesNotMatch(r.stdout, /listening on/, `${label} never listens`);
  }
});

test('rate limit: TIDEMARK_RATE_LIMIT reaches the server, --rate-limit beats it', async (t) => {
  const callsUntil606 = async (url: string, user: { clientId: string; clientSecret: string }): Promise<{ ok: number; message: string }> => {
    const api = await Api.login(url, user.clientId, user.clientSecret); // identity calls do not count
    for (let ok = 0; ok < 50; ok++) {
      const env = await api.json(`${BASE}.json`);
      if (!env.success) {
        assert.equal(env.errors[0].code, '606');
        return { ok, message: env.errors[0].message };
      }
    }
    throw new Error('no 606 within 50 calls');
  };
  // A store each: on PostgreSQL the calls are counted in the store (so the limit holds across
  // processes), and the first server's calls would still count against the second.
  const dir = tempDir(t, 'ratelimit');
  const fromEnv = await startServe(t, dir, [], { env: { TIDEMARK_RATE_LIMIT: '3/20' } });
  assert.deepEqual(await callsUntil606(fromEnv.url, await createUser(dir, 'rate@e2e')), { ok: 3, message: "Max rate limit '3' exceeded with in '20' secs" });
  assert.equal((await fromEnv.stop()).code, 0);

  const dir2 = tempDir(t, 'ratelimit2');
  const flagWins = await startServe(t, dir2, ['--rate-limit', '5/20'], { env: { TIDEMARK_RATE_LIMIT: '3/20' } });
  assert.deepEqual(await callsUntil606(flagWins.url, await createUser(dir2, 'rate@e2e')), { ok: 5, message: "Max rate limit '5' exceeded with in '20' secs" });
});

test('queue and quota settings: TIDEMARK_MAX_QUEUED/_MAX_PROCESSING/_DAILY_QUOTA_MB, flags win', async (t) => {
  const dir = tempDir(t, 'queue');
  await seedBulk(dir, { rows: 400_000, startMs: Date.UTC(2025, 0, 1), days: 31 });
  const user = await createUser(dir, 'queue@e2e');
  const env = { TIDEMARK_MAX_QUEUED: '1', TIDEMARK_MAX_PROCESSING: '1', TIDEMARK_DAILY_QUOTA_MB: '1', TIDEMARK_RATE_LIMIT: 'off' };

  // 1. Settings from the environment only.
  const first = await startServe(t, dir, [], { env });
  let api = await Api.login(first.url, user.clientId, user.clientSecret);
  const a = await api.create(...MONTH);
  const b = await api.create(...MONTH);
  assert.equal((await api.enqueue(a)).status, 'Queued');
  const full = await api.enqueueRaw(b);
  assert.deepEqual(full.errors, [{ code: '1029', message: 'Too many jobs in queue' }], 'TIDEMARK_MAX_QUEUED=1 reached the server');
  const done = await api.waitFor(a, ['Completed']);
  assert.ok(done.fileSize! > 1024 * 1024, `the export is over the 1 MB quota (${done.fileSize} bytes)`);
  const overQuota = { code: '1029', message: 'Export daily quota 1MB exceeded.' };
  assert.deepEqual((await api.enqueueRaw(b)).errors, [overQuota], 'TIDEMARK_DAILY_QUOTA_MB=1 reached the server (enqueue)');
  assert.deepEqual((await api.createRaw({ filter: { createdAt: { startAt: MONTH[0], endAt: MONTH[1] } } })).errors, [overQuota], '(create)');
  assert.equal((await first.stop()).code, 0);

  // 2. The same environment, overridden by flags.
  const second = await startServe(t, dir, ['--daily-quota-mb', '0', '--max-queued', '2'], { env });
  api = await Api.login(second.url, user.clientId, user.clientSecret);
  const c = await api.create(...MONTH);
  assert.equal((await api.enqueue(b)).status, 'Queued', '--daily-quota-mb 0 beats TIDEMARK_DAILY_QUOTA_MB=1');
  assert.equal((await api.enqueue(c)).status, 'Queued', '--max-queued 2 beats TIDEMARK_MAX_QUEUED=1');
  const d = await api.create(...MONTH);
  assert.deepEqual((await api.enqueueRaw(d)).errors, [{ code: '1029', message: 'Too many jobs in queue' }], 'but not 3');
  await api.waitFor(b, ['Processing', 'Completed'], { intervalMs: 20 });
  const waiting = await api.status(c);
  const running = await api.status(b);
  if (running.status === 'Processing') assert.equal(waiting.status, 'Queued', 'TIDEMARK_MAX_PROCESSING=1: one job at a time');
  for (const id of [b, c]) {
    const r = await api.cancel(id);
    assert.ok(r.success ? r.result[0].status === 'Cancelled' : /Completed/.test(r.errors[0].message), JSON.stringify(r));
  }
});

test('demo --days 2 writes a reproducible data set that serve exports', async (t) => {
  const dir = tempDir(t, 'demo');
  const dayBefore = Math.floor(Date.now() / 86_400_000);
  const r = await runCli(['demo', '--days', '2', '--data-dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  const m = /^wrote (\d+) demo activities, \d+ leads and \d+ program members in [\d.]+s; demo API user client_id=(\S+) client_secret=(\S+)\n$/.exec(r.stdout);
  assert.ok(m, `one summary line: ${JSON.stringify(r.stdout)}`);
  const written = Number(m[1]);
  assert.ok(written > 100, `wrote ${written}`);

  const again = await runCli(['demo', '--days', '2', '--data-dir', dir]);
  assert.equal(again.code, 0, again.stderr);
  const sameDay = Math.floor(Date.now() / 86_400_000) === dayBefore;
  if (sameDay) assert.match(again.stdout, /^wrote 0 demo activities/, 'the same seed and day write the same activities');

  const serve = await startServe(t, dir);
  const api = await Api.login(serve.url, m[2]!, m[3]!);
  const end = dayBefore * 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const id = await api.create(iso(end - 2 * 86_400_000), iso(end - 1000), { fields: ['marketoGUID', 'activityDate', 'activityTypeId', 'attributes', 'actionResult'] });
  await api.enqueue(id);
  const job = await api.waitFor(id, ['Completed']);
  if (sameDay) assert.equal(job.numberOfRecords, written, 'every demo activity lies in the last 2 days');
  const text = (await api.file(id)).bytes.toString('utf8');
  assert.equal(text.split('\n').length - 2, job.numberOfRecords);
  assert.ok(text.startsWith('marketoGUID,activityDate,activityTypeId,attributes,actionResult\n'));
});
