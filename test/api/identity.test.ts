/** `GET|POST /identity/oauth/token`: the answer's shape, token reuse and expiry, 401s, and no limits. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertError, BASE, heldCall, raw, untilAnswer } from '../helpers/api.js';

type Creds = { clientId: string; clientSecret: string };
const q = (c: Creds) => `grant_type=client_credentials&client_id=${c.clientId}&client_secret=${encodeURIComponent(c.clientSecret)}`;
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };

async function getToken(h: Harness, c: Creds) {
  const res = await h.call(`/identity/oauth/token?${q(c)}`);
  return { status: res.status, text: await res.clone().text(), body: await res.json(), type: res.headers.get('content-type') };
}

test('GET with query parameters: access_token, token_type bearer, expires_in 3600, scope = user name; no envelope', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user('read-only-activity', 'apis@acme.example');
  const r = await getToken(h, u);
  assert.equal(r.status, 200);
  assert.match(r.type ?? '', /application\/json/);
  assert.deepEqual(Object.keys(r.body), ['access_token', 'token_type', 'expires_in', 'scope']);
  assert.equal(typeof r.body.access_token, 'string');
  assert.ok(r.body.access_token.length > 20);
  assert.equal(r.body.token_type, 'bearer');
  assert.equal(r.body.expires_in, 3600);
  assert.equal(r.body.scope, 'apis@acme.example');
  assert.ok(!('requestId' in r.body) && !('success' in r.body));
  // The token works.
  assert.equal((await h.json(`${BASE}.json`, { token: r.body.access_token })).success, true);
});

test('POST with a form body, and POST with query parameters', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const form = await h.call('/identity/oauth/token', { method: 'POST', headers: FORM, body: q(u) });
  assert.equal(form.status, 200);
  const a = await form.json();
  assert.equal(a.token_type, 'bearer');
  const query = await h.call(`/identity/oauth/token?${q(u)}`, { method: 'POST' });
  assert.equal(query.status, 200);
  const b = await query.json();
  assert.equal(b.access_token, a.access_token, 'same user, same live token');
  assert.equal((await h.json(`${BASE}.json`, { token: b.access_token })).success, true);
});

test('a repeat call before expiry returns the same token with the seconds left; after expiry a new one', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const first = (await getToken(h, u)).body;
  h.clock.advance(100_000);
  const second = (await getToken(h, u)).body;
  assert.equal(second.access_token, first.access_token);
  assert.equal(second.expires_in, 3500);
  h.clock.advance(3277_000);
  const third = (await getToken(h, u)).body;
  assert.equal(third.access_token, first.access_token);
  assert.equal(third.expires_in, 223);
  assert.ok(third.expires_in < second.expires_in && second.expires_in < first.expires_in);
  h.clock.advance(223_000); // exactly 3600 s after issue
  const fresh = (await getToken(h, u)).body;
  assert.notEqual(fresh.access_token, first.access_token);
  assert.equal(fresh.expires_in, 3600);
  assertError(await h.json(`${BASE}.json`, { token: first.access_token }), '602', 'Access token expired');
  assert.equal((await h.json(`${BASE}.json`, { token: fresh.access_token })).success, true);
});

test('token churn (a new identity call before every request) keeps handing out the same token', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const tokens = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const { access_token } = (await getToken(h, u)).body;
    tokens.add(access_token);
    assert.equal((await h.json(`${BASE}.json`, { token: access_token })).success, true);
    h.clock.advance(1000);
  }
  assert.equal(tokens.size, 1);
});

test('two users get different tokens', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const a = (await getToken(h, await h.user())).body.access_token;
  const b = (await getToken(h, await h.user())).body.access_token;
  assert.notEqual(a, b);
});

test('401 invalid_client for a wrong secret, an unknown client id, a disabled user, and a missing secret', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const disabled = await h.user();
  await h.store.disableUser(disabled.clientId);
  const cases: [string, string][] = [
    ['wrong secret', q({ clientId: u.clientId, clientSecret: `${u.clientSecret}x` })],
    ['unknown client id', q({ clientId: randomUUID(), clientSecret: u.clientSecret })],
    ['disabled user', q(disabled)],
    ['no secret', `grant_type=client_credentials&client_id=${u.clientId}`],
    ['no client id', `grant_type=client_credentials&client_secret=${u.clientSecret}`],
  ];
  for (const [name, query] of cases) {
    for (const init of [{ path: `/identity/oauth/token?${query}` }, { path: '/identity/oauth/token', method: 'POST', body: query }]) {
      const res = await h.call(init.path, { method: init.method ?? 'GET', headers: init.body ? FORM : {}, body: init.body });
      assert.equal(res.status, 401, `${name} ${init.method ?? 'GET'}`);
      assert.equal(await res.text(), '{"error":"invalid_client","error_description":"Bad client credentials"}', name);
    }
  }
});

test('identity calls do not count toward 606, 607 or 615 and are not refused by them', async (t) => {
  const h = await startHarness(t.name, { rateLimit: { calls: 2, seconds: 20 }, dailyCallQuota: 3, maxConcurrentRequests: 1 });
  t.after(() => h.close());
  const u = await h.user();
  // 30 identity calls, 10 of them at once: none is refused, none is counted.
  for (let i = 0; i < 20; i++) assert.equal((await getToken(h, u)).status, 200);
  const parallel = await Promise.all(Array.from({ length: 10 }, () => getToken(h, u)));
  assert.ok(parallel.every((r) => r.status === 200), JSON.stringify(parallel.map((r) => r.status)));
  const token = parallel[0]!.body.access_token;
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  assertError(await h.json(`${BASE}.json`, { token }), '606');
  // With the rate limit spent, identity still answers.
  assert.equal((await getToken(h, u)).status, 200);
  h.clock.advance(20_000);
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  assertError(await h.json(`${BASE}.json`, { token }), '607', 'Daily quota reached');
  assert.equal((await getToken(h, u)).status, 200);
});

// Holding requests in flight relies on admission order, which is asynchronous on PostgreSQL
// (test/scale-out/shared-limits.test.ts covers 615 there).
test('identity answers while the in-flight limit is taken', process.env.TIDEMARK_TEST_STORE === 'postgres'
  ? { skip: 'admission is asynchronous on PostgreSQL (see test/scale-out/shared-limits.test.ts)' } : {}, async (t) => {
  const h = await startHarness(t.name, { maxConcurrentRequests: 1, rateLimit: undefined });
  t.after(() => h.close());
  const u = await h.user();
  const token = (await getToken(h, u)).body.access_token;
  const held = await heldCall(h, token);
  assertError(await untilAnswer(h, token, (b) => b.success === false), '615', "Concurrent access limit '1' reached");
  for (let i = 0; i < 3; i++) assert.equal((await getToken(h, u)).status, 200);
  assert.match(await held.finish(), /"status":"Created"/);
});

test('the identity path is reached through a /rest/.. prefix as well', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const res = await raw(h, { path: `/rest/../identity/oauth/token?${q(u)}` });
  assert.equal(res.status, 200);
  assert.equal(JSON.parse(res.text).token_type, 'bearer');
});
