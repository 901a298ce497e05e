/** A harness with the console on (an admin token set), and a signed-in session for its calls. */
import assert from 'node:assert/strict';
import type { Config } from '../../src/config/config.js';
import { ADMIN_TOKEN } from '../emulator/helpers.js';
import { startHarness, type Harness } from '../helpers/harness.js';

export const CONSOLE = '/tidemark/v1/console';

export interface Session {
  /** The Cookie header value. */
  cookie: string;
  csrf: string;
}

export async function startConsole(name: string, overrides: Partial<Config> = {}): Promise<Harness> {
  return startHarness(name, { adminToken: ADMIN_TOKEN, ...overrides });
}

/** Signs in with a one-time code, as the link `serve --demo` prints does; returns the cookie and CSRF token. */
export async function signIn(h: Harness): Promise<Session> {
  const code = h.tm.console!.issueSignInCode();
  const res = await h.call('/console/sign-in', {
    method: 'POST', redirect: 'manual', body: `code=${code}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: h.baseUrl, 'Sec-Fetch-Site': 'same-origin' },
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/console/');
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0]!;
  const session = await (await h.call(`${CONSOLE}/session`, { headers: { Cookie: cookie } })).json() as { result: [{ csrfToken: string }] };
  return { cookie, csrf: session.result[0].csrfToken };
}

/** A console call as the page makes it: the cookie, and for changes the CSRF header from the same origin. */
export async function consoleJson(h: Harness, s: Session, path: string, init: { method?: string; body?: unknown } = {}): Promise<any> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { Cookie: s.cookie };
  if (method !== 'GET') Object.assign(headers, { 'Content-Type': 'application/json', 'X-Tidemark-CSRF': s.csrf, Origin: h.baseUrl, 'Sec-Fetch-Site': 'same-origin' });
  const res = await h.call(`${CONSOLE}${path}`, { method, headers, ...(method !== 'GET' ? { body: JSON.stringify(init.body ?? {}) } : {}) });
  assert.equal(res.status, 200, `${method} ${path}: HTTP ${res.status}`);
  return res.json();
}
