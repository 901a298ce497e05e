import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { ConsoleAccess, cookieValues, isSameOrigin, SESSION_TTL_MS, sessionCookie, SIGN_IN_CODE_TTL_MS, SIGN_IN_FAILURE_LIMIT } from './console-auth.js';

const TOKEN = 'admin-token-0123456789abcdef';

test('a session verifies until it expires or is signed out; a forged or altered one never does', () => {
  let now = Date.parse('2026-01-15T12:00:00Z');
  const access = new ConsoleAccess(TOKEN, () => now);
  const cookie = access.newSession();
  const session = access.verifySession(cookie);
  assert.ok(session);
  const [issued, nonce, mac] = cookie.split('.');
  assert.equal(access.verifySession(`${issued}.${nonce}.${mac!.slice(0, -2)}AA`), undefined, 'altered MAC');
  assert.equal(access.verifySession(`${(now + 1).toString(36)}.${nonce}.${mac}`), undefined, 'altered issue time');
  assert.equal(access.verifySession(new ConsoleAccess('another-admin-token-xyz0123').newSession()), undefined, 'signed with another token');
  assert.equal(access.verifySession('garbage'), undefined);
  assert.equal(access.verifySession(''), undefined);
  now += SESSION_TTL_MS - 1;
  assert.ok(access.verifySession(cookie));
  now += 1;
  assert.equal(access.verifySession(cookie), undefined, 'expired');
  const other = new ConsoleAccess(TOKEN, () => now);
  const second = other.newSession();
  other.revoke(other.verifySession(second)!);
  assert.equal(other.verifySession(second), undefined, 'signed out');
});

test('a sign-in code works once and not after a day', () => {
  let now = 0;
  const access = new ConsoleAccess(TOKEN, () => now);
  const code = access.issueSignInCode();
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(access.redeemSignInCode(code), true);
  assert.equal(access.redeemSignInCode(code), false, 'used');
  const late = access.issueSignInCode();
  now += SIGN_IN_CODE_TTL_MS;
  assert.equal(access.redeemSignInCode(late), false, 'expired');
  assert.equal(access.redeemSignInCode('never-issued'), false);
});

test('the CSRF token belongs to one session', () => {
  const access = new ConsoleAccess(TOKEN);
  const a = access.verifySession(access.newSession())!;
  const b = access.verifySession(access.newSession())!;
  assert.notEqual(access.csrfToken(a), access.csrfToken(b));
  assert.equal(access.csrfToken(a), access.csrfToken(a));
});

const req = (over: Record<string, unknown>): FastifyRequest => ({ protocol: 'http', method: 'POST', headers: { host: '127.0.0.1:3000' }, ...over }) as unknown as FastifyRequest;

test('the cookie is HttpOnly and SameSite=Strict, and Secure with the __Host- name over HTTPS', () => {
  assert.equal(sessionCookie(req({}), 'v'), `tidemark_console=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`);
  assert.equal(sessionCookie(req({ protocol: 'https' }), 'v'), `__Host-tidemark_console=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}; Secure`);
  assert.equal(sessionCookie(req({}), ''), 'tidemark_console=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  assert.deepEqual(cookieValues('a=1; tidemark_console=x.y.z; b=2; tidemark_console=q', 'tidemark_console'), ['x.y.z', 'q']);
  assert.deepEqual(cookieValues(undefined, 'tidemark_console'), []);
});

test('same origin: Sec-Fetch-Site and Origin must both name this server when present', () => {
  const h = (headers: Record<string, string>) => req({ headers: { host: '127.0.0.1:3000', ...headers } });
  assert.equal(isSameOrigin(h({})), true, 'no browser headers (curl)');
  assert.equal(isSameOrigin(h({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' })), true);
  assert.equal(isSameOrigin(h({ origin: 'http://evil.example' })), false);
  assert.equal(isSameOrigin(h({ origin: 'null' })), false);
  assert.equal(isSameOrigin(h({ 'sec-fetch-site': 'cross-site' })), false);
  assert.equal(isSameOrigin(h({ 'sec-fetch-site': 'same-site' })), false);
  assert.equal(isSameOrigin(req({ protocol: 'https', headers: { host: 'h:1', origin: 'http://h:1' } })), false, 'the scheme counts');
});

test('failed sign-ins: an address that failed SIGN_IN_FAILURE_LIMIT times waits for the window to end; others do not', () => {
  let now = Date.parse('2026-01-15T12:00:00Z');
  const access = new ConsoleAccess(TOKEN, () => now);
  for (let i = 0; i < SIGN_IN_FAILURE_LIMIT.calls - 1; i++) access.signInFailed('203.0.113.9');
  assert.equal(access.signInWaitMs('203.0.113.9'), 0, 'one failure short of the limit');
  access.signInFailed('203.0.113.9');
  now += 1000;
  assert.equal(access.signInWaitMs('203.0.113.9'), SIGN_IN_FAILURE_LIMIT.seconds * 1000 - 1000);
  assert.equal(access.signInWaitMs('::ffff:203.0.113.9'), SIGN_IN_FAILURE_LIMIT.seconds * 1000 - 1000, 'the same address mapped into IPv6');
  assert.equal(access.signInWaitMs('203.0.113.10'), 0, 'another address');
  now += SIGN_IN_FAILURE_LIMIT.seconds * 1000;
  assert.equal(access.signInWaitMs('203.0.113.9'), 0, 'the window is over');
});
