/**
 * Who may use the web console (docs/console.md): its endpoints refuse API user tokens, missing,
 * forged, expired and signed-out sessions, and cross-site form posts; the Marketo paths never
 * accept the console's cookie; the sign-in code works once; and no code, cookie or CSRF token
 * reaches a log line. Both stores.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { defaultConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTidemark } from '../../src/server/main.js';
import { ADMIN_TOKEN } from '../emulator/helpers.js';
import { BASE } from '../helpers/api.js';
import { startHarness, T0, tempDir, type Harness } from '../helpers/harness.js';
import { CONSOLE, consoleJson, signIn, startConsole } from './helpers.js';

const CHANGES = ['/users', '/sign-out', '/jobs/00000000-0000-4000-8000-000000000000/cancel'];

async function status(h: Harness, path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await h.call(path, { redirect: 'manual', ...init });
  return { status: res.status, body: await res.text() };
}

test('without an admin token the console does not exist: its paths answer 610 like any unknown path', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  for (const path of ['/console/', '/console/sign-in', `${CONSOLE}/session`, `${CONSOLE}/jobs`]) {
    const r = await status(h, path);
    assert.equal(r.status, 200, path);
    assert.equal(JSON.parse(r.body).errors[0].code, '610', path);
  }
  assert.equal(h.tm.console, undefined);
});

test('console endpoints refuse a missing session, an API user token, a forged or signed-out session; the admin token opens them', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const apiToken = await h.token('read-write-activity');
  const s = await signIn(h);
  const [name, value] = s.cookie.split('=') as [string, string];
  const [issued, nonce] = value.split('.');
  const forged = [`${name}=${issued}.${nonce}.${'A'.repeat(43)}`, `${name}=${Date.now().toString(36)}.x.y`, `${name}=`, `other=${value}`];
  for (const path of [`${CONSOLE}/session`, `${CONSOLE}/jobs`, `${CONSOLE}/users`, `${CONSOLE}/overview`, `${CONSOLE}/events`]) {
    assert.equal((await status(h, path)).status, 401, `${path} without anything`);
    const withApiToken = await status(h, path, { headers: { Authorization: `Bearer ${apiToken}` } });
    assert.equal(withApiToken.status, 401, `${path} with an API user's token`);
    assert.deepEqual(JSON.parse(withApiToken.body), { error: 'invalid_token', error_description: 'Admin token missing or invalid' });
    assert.equal((await status(h, `${path}?access_token=${apiToken}`)).status, 401, `${path} with access_token`);
    for (const cookie of forged) assert.equal((await status(h, path, { headers: { Cookie: cookie } })).status, 401, `${path} with ${cookie}`);
    // A valid cookie does not help a wrong bearer: the bearer must be the admin token.
    assert.equal((await status(h, path, { headers: { Cookie: s.cookie, Authorization: `Bearer ${apiToken}` } })).status, 401);
  }
  const admin = await h.json(`${CONSOLE}/session`, { token: ADMIN_TOKEN });
  assert.equal(admin.result[0].signedInWith, 'admin token');
  assert.equal(admin.result[0].csrfToken, undefined, 'a bearer needs no CSRF token');
  assert.equal((await h.call(`${CONSOLE}/users`, { method: 'POST', token: ADMIN_TOKEN, body: JSON.stringify({ name: 'by-script', role: 'none' }) })).status, 200);

  // Signing out ends the session at once.
  assert.equal((await consoleJson(h, s, '/sign-out', { method: 'POST' })).result[0].signedOut, true);
  assert.equal((await status(h, `${CONSOLE}/session`, { headers: { Cookie: s.cookie } })).status, 401);
});

test('changes need the CSRF token from the same origin: cross-site form posts and foreign origins are refused', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const s = await signIn(h);
  const before = (await h.store.listUsers()).length;
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const attempts: Record<string, Record<string, string>> = {
    'a cross-site form post (the cookie sent anyway)': { ...form, Cookie: s.cookie, Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    'no CSRF header': { 'Content-Type': 'application/json', Cookie: s.cookie, Origin: h.baseUrl, 'Sec-Fetch-Site': 'same-origin' },
    'a wrong CSRF header': { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-Tidemark-CSRF': `${s.csrf}x` },
    'the right CSRF header from another origin': { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-Tidemark-CSRF': s.csrf, Origin: 'http://evil.example' },
    'the right CSRF header from a sandboxed page (Origin: null)': { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-Tidemark-CSRF': s.csrf, Origin: 'null' },
    'the right CSRF header, same-site but not same-origin': { 'Content-Type': 'application/json', Cookie: s.cookie, 'X-Tidemark-CSRF': s.csrf, 'Sec-Fetch-Site': 'same-site' },
  };
  for (const path of CHANGES) {
    for (const [what, headers] of Object.entries(attempts)) {
      const r = await status(h, `${CONSOLE}${path}`, { method: 'POST', headers, body: path === '/users' ? '{"name":"csrf","role":"none"}' : '' });
      assert.equal(r.status, 403, `${path}: ${what}`);
      assert.equal(JSON.parse(r.body).error, 'invalid_request', `${path}: ${what}`);
    }
  }
  assert.equal((await h.store.listUsers()).length, before, 'nothing was created');
  assert.equal((await status(h, `${CONSOLE}/session`, { headers: { Cookie: s.cookie } })).status, 200, 'the session survived (no sign-out went through)');
  const created = await consoleJson(h, s, '/users', { method: 'POST', body: { name: 'same-origin', role: 'none' } });
  assert.equal(created.result[0].name, 'same-origin');
});

test('Marketo paths never accept the console session or the admin token', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const s = await signIn(h);
  for (const headers of [{ Cookie: s.cookie }, { Authorization: `Bearer ${ADMIN_TOKEN}` }] as Record<string, string>[]) {
    const body = await h.json(`${BASE}.json`, { headers });
    assert.equal(body.errors[0].code, '601');
    const created = await h.json(`${BASE}/create.json`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json', 'X-Tidemark-CSRF': s.csrf }, body: '{}' });
    assert.equal(created.errors[0].code, '601');
  }
});

test('sign-in: a one-time code works once; the admin token works; anything else, or a post from another site, is refused', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const form = (body: string, extra: Record<string, string> = {}) =>
    status(h, '/console/sign-in', { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...extra } });
  const code = h.tm.console!.issueSignInCode();
  const first = await h.call('/console/sign-in', { method: 'POST', redirect: 'manual', body: `code=${code}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assert.equal(first.status, 303);
  // Plain HTTP here: no Secure flag, which a browser would refuse to store from http://.
  assert.match(first.headers.get('set-cookie')!, /^tidemark_console=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
  assert.equal((await form(`code=${code}`)).status, 401, 'the code is spent');
  assert.equal((await form(`token=${encodeURIComponent(ADMIN_TOKEN)}`)).status, 303);
  assert.equal((await form(`token=${encodeURIComponent(ADMIN_TOKEN)}x`)).status, 401);
  assert.equal((await form('token=')).status, 401);
  assert.equal((await form('')).status, 401);
  const crossSite = await form(`token=${encodeURIComponent(ADMIN_TOKEN)}`, { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(crossSite.status, 403, 'login CSRF refused');
  // The page itself sends strangers to sign-in; its files are public (they hold no data).
  const page = await status(h, '/console/');
  assert.equal(page.status, 303);
  assert.equal((await h.call('/console/', { redirect: 'manual' })).headers.get('location'), '/console/sign-in');
  assert.equal((await status(h, '/console/assets/app.js')).status, 200);
  const missing = await status(h, '/console/assets/nope.js');
  assert.equal(JSON.parse(missing.body).errors[0].code, '610');
  const signInPage = await h.call('/console/sign-in');
  assert.match(signInPage.headers.get('content-security-policy')!, /script-src 'self' 'sha256-/);
  assert.equal(signInPage.headers.get('x-frame-options'), 'DENY');
});

test('sign-in: after 10 failures in a minute from one address, even the right token waits (429, Retry-After), with no cookie', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const post = (body: string) => h.call('/console/sign-in', { method: 'POST', redirect: 'manual', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  for (let i = 0; i < 10; i++) assert.equal((await post(`token=wrong-${i}`)).status, 401);
  const refused = await post(`token=${encodeURIComponent(ADMIN_TOKEN)}`);
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get('retry-after')) > 0 && Number(refused.headers.get('retry-after')) <= 60);
  assert.equal(refused.headers.get('set-cookie'), null);
  assert.match(await refused.text(), /Too many failed sign-ins from this address; try again in \d+ s\./);
  assert.equal((await h.call(`${CONSOLE}/overview`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status, 200,
    'the admin bearer token of a script is not the sign-in form: unaffected');
});

test('no sign-in code, session cookie or CSRF token reaches a log line, even at trace level', async (t) => {
  const chunks: string[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c.toString('utf8')); cb(); } });
  const config = defaultConfig({ dataDir: tempDir(t.name), port: 0, emulatorControls: true, adminToken: ADMIN_TOKEN, logLevel: 'trace' });
  const tm = await createTidemark(config, { clock: new ManualClock(T0), log: createLogger('trace', sink), pollMs: 50 });
  t.after(() => tm.close());
  const url = await tm.app.listen({ host: '127.0.0.1', port: 0 });
  const h = { tm, baseUrl: url, call: (p: string, init: RequestInit = {}) => fetch(`${url}${p}`, init) } as unknown as Harness;
  const spent = tm.console!.issueSignInCode();
  const post = { method: 'POST', redirect: 'manual' as const, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
  await h.call('/console/sign-in', { ...post, body: `code=${spent}` });
  await h.call('/console/sign-in', { ...post, body: `code=${spent}` }); // refused: spent
  await h.call('/console/sign-in', { ...post, body: `token=${ADMIN_TOKEN}x` }); // refused: wrong
  const s = await signIn(h);
  await consoleJson(h, s, '/users', { method: 'POST', body: { name: 'logged', role: 'none' } });
  await consoleJson(h, s, '/emulator/clock', { method: 'POST', body: { advance: '1h' } });
  await h.call(`${CONSOLE}/users`, { method: 'POST', headers: { Cookie: s.cookie, 'X-Tidemark-CSRF': 'wrong' }, body: '{}' });
  await consoleJson(h, s, '/sign-out', { method: 'POST' });
  const log = chunks.join('');
  assert.match(log, /console: signed in/);
  assert.match(log, /console: sign-in refused/);
  for (const secret of [spent, s.cookie.split('=')[1]!, s.csrf, ADMIN_TOKEN]) assert.ok(!log.includes(secret), 'a secret was logged');
});
