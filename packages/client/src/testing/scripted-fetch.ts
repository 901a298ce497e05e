/**
 * Test support (not built, not shipped): a scripted `fetch` for the SDK's unit tests. Identity
 * calls get `tok-1`, `tok-2`, ...; every other call takes the next scripted answer.
 */
import type { MarketoClientOptions } from '../api/client.js';
import { MarketoClient } from '../api/client.js';
import type { FetchLike } from '../api/token-provider.js';
import type { RetryInfo } from '../api/transport.js';

export const BASE = 'http://mkto.test';
export const JOB = { exportId: 'e-1', format: 'CSV', status: 'Created', createdAt: '2026-01-15T12:00:00Z' };

export interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export type Answer = Response | Error | (() => Response | Promise<Response>);

export const ok = (result: unknown[], extra: Record<string, unknown> = {}) =>
  Response.json({ requestId: 'a1b2#19bc1f2e3a0', result, success: true, ...extra });
export const fail = (code: string, message: string) =>
  Response.json({ requestId: 'c3d4#19bc1f2e3a1', success: false, errors: [{ code, message }] });
export const tokenAnswer = (token: string, expiresIn = 3600) =>
  Response.json({ access_token: token, token_type: 'bearer', expires_in: expiresIn, scope: 'etl@test' });

/**
 * A scripted fetch: identity calls get `tok-1`, `tok-2`, ... (or `identity` answers when given);
 * every other call takes the next answer of `script` (an Error is thrown, like a network failure).
 */
export function scripted(script: Answer[], identity: Answer[] = []) {
  const calls: Call[] = [];
  const tokenCalls: string[] = [];
  let tokens = 0;
  const fetch: FetchLike = async (input, init = {}) => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    if (input.includes('/identity/oauth/token')) {
      tokenCalls.push(input);
      const a = identity.shift() ?? tokenAnswer(`tok-${++tokens}`);
      if (a instanceof Error) throw a;
      return typeof a === 'function' ? a() : a;
    }
    calls.push({ url: input, method: init.method ?? 'GET', headers, body: init.body as string | undefined });
    const a = script.shift();
    if (a === undefined) throw new Error(`unexpected call ${init.method} ${input}`);
    if (a instanceof Error) throw a;
    return typeof a === 'function' ? a() : a;
  };
  return { fetch, calls, tokenCalls };
}

export function clientWith(f: FetchLike, extra: Partial<MarketoClientOptions> = {}) {
  const delays: number[] = [];
  const retries: RetryInfo[] = [];
  const client = new MarketoClient({
    endpoint: `${BASE}/rest/`, clientId: 'id', clientSecret: 'secret', fetch: f,
    retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 10_000 },
    sleep: async (ms) => void delays.push(ms),
    onRetry: (info) => retries.push(info),
    ...extra,
  });
  return { client, delays, retries };
}

/** A promise with its resolve function outside. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
