/**
 * `tidemark serve --emulator-controls` and `tidemark emulator ...` as separate processes: the flags
 * and TIDEMARK_ADMIN_TOKEN reach the server, every emulator command prints the server's answer as
 * JSON, a wrong token exits 1 and bad arguments exit 2, and the clock moved by the CLI expires a
 * real file.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Api, BASE, createUser, runCli, startServe, tempDir } from './cli.js';

const ADMIN = 'e2e-admin-token-5f1c9a0b7d3e';

test('serve refuses --emulator-controls without an admin token, and never prints the token it refuses', async (t) => {
  const dir = tempDir(t, 'emu-flags');
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--emulator-controls'], {}, /--emulator-controls needs --admin-token \(TIDEMARK_ADMIN_TOKEN\)/],
    [['--emulator-controls'], { TIDEMARK_ADMIN_TOKEN: 'short' }, /--admin-token \(TIDEMARK_ADMIN_TOKEN=<hidden>\): must be at least 16 characters/],
    [['--emulator-controls', '--role', 'api'], { TIDEMARK_ADMIN_TOKEN: ADMIN }, /needs --role all/],
  ];
  for (const [args, env, message] of cases) {
    const r = await runCli(['serve', '--port', '0', '--data-dir', dir, ...args], { env, timeoutMs: 20_000 });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.ok(!r.stderr.includes('short') || !env.TIDEMARK_ADMIN_TOKEN, 'the refused token is not echoed');
  }
});

test('tidemark emulator drives a live server: state, clock, faults, quota, reset; the file expires after clock --advance 8d', async (t) => {
  const dir = tempDir(t, 'emu-cli');
  const user = await createUser(dir, 'emu@e2e');
  const serve = await startServe(t, dir, ['--emulator-controls'], { env: { TIDEMARK_ADMIN_TOKEN: ADMIN } });
  const env = { TIDEMARK_ADMIN_TOKEN: ADMIN, TIDEMARK_ENDPOINT: serve.url };
  const emu = async (...args: string[]) => {
    const r = await runCli(['emulator', ...args], { env });
    assert.equal(r.code, 0, `emulator ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };

  const before = await emu('state');
  assert.deepEqual(before.jobFaults, { pendingFailures: 0, delayMs: 0 });
  assert.ok(Math.abs(before.offsetMs) < 5000, 'the clock starts at real time');

  const api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const id = await api.create('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z');
  await api.enqueue(id);
  await api.waitFor(id, ['Completed']);
  assert.equal((await api.file(id)).status, 200);

  const moved = await emu('clock', '--advance', '8d');
  assert.equal(moved.advancedMs, 8 * 86_400_000);
  assert.ok(moved.offsetMs >= 8 * 86_400_000 - 5000);
  assert.equal((await api.json(`${BASE}/${id}/status.json`)).errors[0].code, '602', 'the old token expired');
  const api2 = await Api.login(serve.url, user.clientId, user.clientSecret);
  const expired = await api2.file(id);
  assert.equal(expired.status, 404);
  assert.equal((await api2.status(id)).status, 'Completed');

  assert.equal((await emu('fail-jobs', '--count', '2', '--message', 'Export failed: e2e')).jobFaults.pendingFailures, 2);
  assert.equal((await emu('delay-jobs', '--delay', '2s')).jobFaults.delayMs, 2000);
  assert.deepEqual((await emu('force-calls', '--code', '615', '--count', '1')).forcedCalls, { code: '615', remaining: 1 });
  assert.equal((await api2.json(`${BASE}.json`)).errors[0].code, '615');
  assert.ok((await emu('exhaust-quota')).quotaExhaustedUntil);
  assert.equal((await api2.createRaw({ filter: { createdAt: { startAt: '2025-01-01', endAt: '2025-01-02' } } })).errors[0].code, '1029');
  assert.deepEqual(await emu('clear-faults').then((s) => [s.jobFaults, s.forcedCalls, s.quotaExhaustedUntil]), [{ pendingFailures: 0, delayMs: 0 }, null, null]);
  // One job, its file already expired and swept; one token (a new token purges those expired over a day ago).
  assert.deepEqual(await emu('reset'), { jobs: 1, tokens: 1, activities: 0, files: 0 });

  // A wrong token exits 1 with the server's refusal; bad arguments exit 2 before any call.
  const wrong = await runCli(['emulator', 'state'], { env: { ...env, TIDEMARK_ADMIN_TOKEN: `${ADMIN}-not` } });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /invalid_token: Admin token missing or invalid/);
  for (const [args, message] of [
    [['clock', '--advance', 'soon'], /invalid --advance 'soon'/],
    [['force-calls', '--code', '607'], /invalid --code '607'/],
    [['fail-jobs', '--count', 'many'], /invalid --count 'many'/],
  ] as const) {
    const r = await runCli(['emulator', ...args], { env });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const noToken = await runCli(['emulator', 'state', '--endpoint', serve.url]);
  assert.equal(noToken.code, 2);
  assert.match(noToken.stderr, /--admin-token \(or TIDEMARK_ADMIN_TOKEN\) is required/);
  assert.ok(!serve.stderr().includes(ADMIN), 'the admin token never reaches the log');
});

test('serve --timing marketo: a job waits in real time, and `tidemark emulator clock` walks it to Completed', async (t) => {
  const dir = tempDir(t, 'emu-timing');
  const user = await createUser(dir, 'timing@e2e');
  const bad = await runCli(['serve', '--port', '0', '--data-dir', dir, '--timing', 'marketo', '--marketo-queue-wait', '90'], { timeoutMs: 20_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /invalid --marketo-queue-wait \(TIDEMARK_MARKETO_QUEUE_WAIT=90\): expected a duration with its unit/);

  const serve = await startServe(t, dir, ['--emulator-controls', '--timing', 'marketo', '--marketo-queue-jitter', '0'], {
    env: { TIDEMARK_ADMIN_TOKEN: ADMIN, TIDEMARK_MARKETO_MIN_PROCESSING: '5m' },
  });
  const env = { TIDEMARK_ADMIN_TOKEN: ADMIN, TIDEMARK_ENDPOINT: serve.url };
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const id = await api.create('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z');
  assert.equal((await api.enqueue(id)).status, 'Queued');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal((await api.status(id)).status, 'Queued', 'in real time the 60 s queue wait is far from over');
  assert.equal((await api.file(id)).status, 404);

  const advance = async (by: string) => {
    const r = await runCli(['emulator', 'clock', '--advance', by], { env });
    assert.equal(r.code, 0, r.stderr);
  };
  await advance('2m'); // the wait is over: it starts, and shows from its next refresh
  await advance('1m');
  const processing = await api.status(id);
  assert.equal(processing.status, 'Processing');
  await advance('5m'); // past the 5-minute minimum and the refresh after it
  const done = await api.status(id);
  assert.equal(done.status, 'Completed', JSON.stringify(done));
  assert.equal(Date.parse(done.finishedAt!) - Date.parse(done.startedAt!), 5 * 60_000, 'finished when the modelled time was over');
  assert.equal((await api.file(id)).status, 200);
});
