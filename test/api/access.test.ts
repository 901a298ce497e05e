/** Tokens and permissions: 601, 602, 603 on every bulk endpoint; Bearer header, and the access_token query only with --allow-query-token. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { marketo } from '../../src/errors/catalog.js';
import { assertError, BASE, createJob, CREATE_BODY, oneJob, raw, tokenFor, userWithToken } from '../helpers/api.js';

/** One call per bulk endpoint, with the given headers and query. */
function endpoints(id: string): { method: string; path: string; body?: string }[] {
  return [
    { method: 'POST', path: `${BASE}/create.json`, body: CREATE_BODY },
    { method: 'POST', path: `${BASE}/${id}/enqueue.json` },
    { method: 'GET', path: `${BASE}/${id}/status.json` },
    { method: 'POST', path: `${BASE}/${id}/cancel.json` },
    { method: 'GET', path: `${BASE}.json` },
    { method: 'GET', path: `${BASE}/${id}/file.json` },
    { method: 'GET', path: '/rest/v1/activities/types.json' },
  ];
}

async function expectEverywhere(h: Harness, headers: Record<string, string>, query: string, code: string, message: string) {
  for (const e of endpoints(randomUUID())) {
    const res = await raw(h, {
      method: e.method, path: `${e.path}${query}`,
      headers: { ...headers, ...(e.body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(e.body) } : {}) },
      body: e.body,
    });
    assert.equal(res.status, 200, `${e.method} ${e.path}`);
    assertError(JSON.parse(res.text), code, message);
  }
}

test('601 Access token invalid: no token, an unknown token, a malformed header', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await expectEverywhere(h, {}, '', '601', 'Access token invalid');
  await expectEverywhere(h, { Authorization: `Bearer ${randomUUID()}:tm` }, '', '601', 'Access token invalid');
  await expectEverywhere(h, { Authorization: 'Basic dXNlcjpwYXNz' }, '', '601', 'Access token invalid');
  await expectEverywhere(h, { Authorization: `Bearer ${'x'.repeat(500)}` }, '', '601', 'Access token invalid');
});

test('602 Access token expired after 3600 s; a new token works', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const token = await tokenFor(h, u);
  const job = await createJob(h, token);
  h.clock.advance(3599_000);
  assert.equal(oneJob(await h.json(`${BASE}/${job.exportId}/status.json`, { token })).status, 'Created', 'alive at 3599 s');
  h.clock.advance(2000);
  await expectEverywhere(h, { Authorization: `Bearer ${token}` }, '', '602', 'Access token expired');
  const fresh = await tokenFor(h, u);
  assert.notEqual(fresh, token);
  assert.equal(oneJob(await h.json(`${BASE}/${job.exportId}/status.json`, { token: fresh })).status, 'Created');
});

test('602 at exactly 3600 s', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  h.clock.advance(3600_000);
  assertError(await h.json(`${BASE}.json`, { token }), '602', 'Access token expired');
});

test('603 Access denied: a user whose role grants no activity access', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const none = await userWithToken(h, 'none');
  await expectEverywhere(h, { Authorization: `Bearer ${none.token}` }, '', '603', 'Access denied');
});

test('603 Access denied: a disabled user, with the token it got before', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const job = await createJob(h, u.token);
  assert.ok(await h.store.disableUser(u.clientId));
  await expectEverywhere(h, { Authorization: `Bearer ${u.token}` }, '', '603', 'Access denied');
  assertError(await h.json(`${BASE}/${job.exportId}/status.json`, { token: u.token }), '603', 'Access denied');
});

test('both roles with activity access may use every endpoint', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  for (const role of ['read-only-activity', 'read-write-activity'] as const) {
    const u = await userWithToken(h, role);
    const job = await createJob(h, u.token);
    assert.equal(oneJob(await h.json(`${BASE}/${job.exportId}/status.json`, { token: u.token })).status, 'Created', role);
    assert.equal((await h.json(`${BASE}.json`, { token: u.token })).success, true, role);
    assert.equal((await h.json('/rest/v1/activities/types.json', { token: u.token })).success, true, role);
  }
});

const QUERY_REFUSED = marketo.queryTokenRefused().message;

test('by default a token in the access_token query parameter is refused: 601 naming the Authorization header (Marketo removed it on 2026-08-31)', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  assert.match(QUERY_REFUSED, /^Access token invalid: .*'Authorization: Bearer' header$/);
  const u = await userWithToken(h, 'read-write-activity');
  const job = await createJob(h, u.token);
  // A live token, an unknown one, a repeated parameter: all as if no token came.
  for (const q of [`?access_token=${encodeURIComponent(u.token)}`, `?access_token=${randomUUID()}`, `?access_token=${encodeURIComponent(u.token)}&access_token=x`]) {
    await expectEverywhere(h, {}, q, '601', QUERY_REFUSED);
  }
  // `access_token[]` is not the parameter at all: no token.
  await expectEverywhere(h, {}, `?access_token[]=${encodeURIComponent(u.token)}`, '601', 'Access token invalid');
  assertError(await h.json(`${BASE}/${job.exportId}/status.json?access_token=${encodeURIComponent(u.token)}`), '601', QUERY_REFUSED);
  // Nothing happened to the job: enqueue through the query did not queue it.
  await h.json(`${BASE}/${job.exportId}/enqueue.json?access_token=${encodeURIComponent(u.token)}`, { method: 'POST' });
  assert.equal(oneJob(await h.json(`${BASE}/${job.exportId}/status.json`, { token: u.token })).status, 'Created');
  // The header still works, and wins over a query token (which is then not looked at).
  assert.equal((await h.json(`${BASE}.json?access_token=${encodeURIComponent(u.token)}`, { token: u.token })).success, true);
});

test('with --allow-query-token the access_token query parameter works like the Bearer header (601 and 602 too)', async (t) => {
  const h = await startHarness(t.name, { allowQueryToken: true });
  t.after(() => h.close());
  const u = await userWithToken(h);
  const q = `access_token=${encodeURIComponent(u.token)}`;
  const created = await h.json(`${BASE}/create.json?${q}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: CREATE_BODY });
  const id = oneJob(created).exportId;
  assert.equal(oneJob(await h.json(`${BASE}/${id}/enqueue.json?${q}`, { method: 'POST' })).status, 'Queued');
  await h.tm.scheduler.waitForJob(id);
  assert.equal(oneJob(await h.json(`${BASE}/${id}/status.json?${q}`)).status, 'Completed');
  const file = await h.call(`${BASE}/${id}/file.json?${q}`);
  assert.equal(file.status, 200);
  assert.match(await file.text(), /^marketoGUID,/);
  const list = await h.json(`${BASE}.json?${q}&status=Completed`);
  assert.deepEqual(list.result.map((j: { exportId: string }) => j.exportId), [id]);
  await expectEverywhere(h, {}, `?access_token=${randomUUID()}`, '601', 'Access token invalid');
  h.clock.advance(3601_000);
  await expectEverywhere(h, {}, `?${q}`, '602', 'Access token expired');
});

test('the Bearer scheme is case-insensitive; the header wins over an unknown query token', async (t) => {
  const h = await startHarness(t.name, { allowQueryToken: true });
  t.after(() => h.close());
  const u = await userWithToken(h);
  assert.equal((await h.json(`${BASE}.json`, { headers: { Authorization: `bearer ${u.token}` } })).success, true);
  assert.equal((await h.json(`${BASE}.json?access_token=nope`, { headers: { Authorization: `Bearer ${u.token}` } })).success, true);
});
