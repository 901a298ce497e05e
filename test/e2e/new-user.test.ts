/**
 * Tried as a new user would: `tidemark serve --demo`, the printed demo credentials, and the usual
 * first mistakes. Each gets a clear, documented error (decisions.md) and the server keeps working:
 * a valid export afterwards still completes and its bytes match the checksum.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Api, BASE, sha256, startServe, tempDir } from './cli.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

test('a new user against serve --demo: mistakes get clear errors, the server keeps working', async (t) => {
  const dir = tempDir(t, 'newuser');
  const serve = await startServe(t, dir, ['--demo'], { timeoutMs: 120_000 });
  const m = /client_id=(\S+) client_secret=(\S+)/.exec(serve.stdout());
  assert.ok(m, `serve --demo prints the demo credentials: ${serve.stdout()}`);
  const [, clientId, clientSecret] = m;
  const base = serve.url;
  // The demo data ends today 00:00 UTC; use the last full week.
  const today = Math.floor(Date.now() / DAY) * DAY;

  await t.test('wrong client secret: HTTP 401 invalid_client', async () => {
    const r = await fetch(`${base}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=not-the-secret`);
    assert.equal(r.status, 401);
    assert.deepEqual(await r.json(), { error: 'invalid_client', error_description: 'Bad client credentials' });
  });

  const api = await Api.login(base, clientId!, clientSecret!);

  await t.test('no token, or a made-up one: 601', async () => {
    const none = await (await fetch(`${base}${BASE}.json`)).json();
    assert.deepEqual(none.errors, [{ code: '601', message: 'Access token invalid' }]);
    const madeUp = await (await fetch(`${base}${BASE}.json`, { headers: { Authorization: 'Bearer abc' } })).json();
    assert.equal(madeUp.errors[0].code, '601');
    // The access_token query parameter is refused by default (Marketo removed it), even with a live token.
    const viaQuery = await (await fetch(`${base}${BASE}.json?access_token=${encodeURIComponent(api.token)}`)).json();
    assert.equal(viaQuery.errors[0].code, '601');
    assert.match(viaQuery.errors[0].message, /Authorization: Bearer/);
  });

  await t.test('a 40-day window: 1003 naming the span', async () => {
    const env = await api.createRaw({ format: 'CSV', filter: { createdAt: { startAt: iso(today - 40 * DAY), endAt: iso(today) } } });
    assert.equal(env.success, false);
    assert.equal(env.errors[0].code, '1003');
    assert.match(env.errors[0].message, /31 days/);
    assert.match(env.errors[0].message, /40 days/);
    assert.match(env.requestId, /^[0-9a-f]{4,5}#[0-9a-f]+$/);
  });

  await t.test("a misspelt field 'marketoGuid': 1003 naming the field", async () => {
    const env = await api.createRaw({ fields: ['marketoGuid', 'activityDate'], filter: { createdAt: { startAt: iso(today - DAY), endAt: iso(today) } } });
    assert.equal(env.errors[0].code, '1003');
    assert.match(env.errors[0].message, /'marketoGuid'/);
    assert.match(env.errors[0].message, /marketoGUID/, 'and the allowed spelling');
  });

  await t.test('a body that is not JSON: 609; a wrong path: 610', async () => {
    const notJson = await api.json(`${BASE}/create.json`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{filter:' });
    assert.deepEqual(notJson.errors, [{ code: '609', message: 'Invalid JSON' }]);
    const wrongPath = await api.json('/bulk/v1/activity/export/create.json', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    assert.deepEqual(wrongPath.errors, [{ code: '610', message: 'Requested resource not found' }]);
  });

  await t.test('an unknown export id: 1003 not found; its file.json is a plain-text 404', async () => {
    const unknown = '3f1c2a54-8b7e-4c1d-9f00-123456789abc';
    const status = await api.json(`${BASE}/${unknown}/status.json`);
    assert.deepEqual(status.errors, [{ code: '1003', message: `Export job '${unknown}' not found` }]);
    const enqueue = await api.enqueueRaw(unknown);
    assert.equal(enqueue.errors[0].code, '1003');
    const file = await api.call(`${BASE}/${unknown}/file.json`);
    assert.equal(file.status, 404);
    assert.match(file.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await file.text(), new RegExp(unknown));
    // Not even a UUID: still a clean 404, no system error.
    const garbage = await api.call(`${BASE}/..%2F..%2Fetc/file.json`);
    assert.equal(garbage.status, 404);
  });

  await t.test('a valid export still completes; a Range past its end is 416; the file matches', async () => {
    const id = await api.create(iso(today - 7 * DAY), iso(today));
    assert.equal((await api.enqueue(id)).status, 'Queued');
    const again = await api.enqueueRaw(id);
    assert.ok(again.success === false && ['1029', '1003'].includes(again.errors[0].code), `a second enqueue is refused: ${JSON.stringify(again)}`);
    const job = await api.waitFor(id, ['Completed'], { intervalMs: 300 });
    assert.ok(job.numberOfRecords! > 1000, `a week of demo data (${job.numberOfRecords})`);
    const past = await api.file(id, { Range: `bytes=${job.fileSize}-${job.fileSize! + 100}` });
    assert.equal(past.status, 416);
    assert.equal(past.headers.get('content-range'), `bytes */${job.fileSize}`);
    const whole = await api.file(id);
    assert.equal(whole.status, 200);
    assert.equal(whole.bytes.length, job.fileSize);
    assert.equal(sha256(whole.bytes), job.fileChecksum);
    assert.match(whole.headers.get('content-type') ?? '', /^text\/csv/);
  });

  // Nothing above took the server down or filled its log with unexpected errors.
  assert.equal(serve.child.exitCode, null);
  assert.doesNotMatch(serve.stderr(), /unexpected error|"level":50/, 'no 611 / error-level log lines');
});
