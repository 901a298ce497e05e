/** The token provider with an injected `fetch` (no server): caching, refresh, sharing, errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMarketoError, MarketoApiError, MarketoTransportError } from './errors.js';
import { TokenProvider } from './token-provider.js';
import { BASE, deferred, scripted, tokenAnswer } from '../testing/scripted-fetch.js';

describe('TokenProvider', () => {
  test('fetches once with client credentials and caches the token', async () => {
    const { fetch, tokenCalls } = scripted([]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'my id', clientSecret: 's&cret', fetch });
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(tokenCalls.length, 1);
    const url = new URL(tokenCalls[0]!);
    assert.equal(url.origin + url.pathname, `${BASE}/identity/oauth/token`);
    assert.equal(url.searchParams.get('grant_type'), 'client_credentials');
    assert.equal(url.searchParams.get('client_id'), 'my id');
    assert.equal(url.searchParams.get('client_secret'), 's&cret');
  });

  test('refreshes the refresh margin before expiry, not earlier', async () => {
    let now = 1_000_000;
    const { fetch, tokenCalls } = scripted([]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'b', fetch, now: () => now });
    assert.equal(await tokens.get(), 'tok-1');
    now += 3600_000 - 60_000 - 1; // 60 s + 1 ms left: still cached (default margin 60 s)
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(tokenCalls.length, 1);
    now += 1; // exactly 60 s left: refreshed
    assert.equal(await tokens.get(), 'tok-2');
    assert.equal(tokenCalls.length, 2);
    now += 1000;
    assert.equal(await tokens.get(), 'tok-2');
    assert.equal(tokenCalls.length, 2);
  });

  test('honours a custom refresh margin and the expires_in the server gives', async () => {
    let now = 0;
    const { fetch, tokenCalls } = scripted([], [tokenAnswer('short', 100)]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'b', fetch, now: () => now, refreshMarginMs: 10_000 });
    assert.equal(await tokens.get(), 'short');
    now = 89_999;
    assert.equal(await tokens.get(), 'short');
    now = 90_000;
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(tokenCalls.length, 2);
  });

  test('concurrent get()s share one identity call', async () => {
    const gate = deferred<Response>();
    const { fetch, tokenCalls } = scripted([], [() => gate.promise]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'b', fetch });
    const all = Promise.all(Array.from({ length: 5 }, () => tokens.get()));
    await new Promise((r) => setImmediate(r));
    assert.equal(tokenCalls.length, 1);
    gate.resolve(tokenAnswer('shared'));
    assert.deepEqual(await all, ['shared', 'shared', 'shared', 'shared', 'shared']);
    assert.equal(tokenCalls.length, 1);
  });

  test('invalidate() makes the next get() ask again', async () => {
    const { fetch, tokenCalls } = scripted([]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'b', fetch });
    assert.equal(await tokens.get(), 'tok-1');
    tokens.invalidate();
    assert.equal(await tokens.get(), 'tok-2');
    assert.equal(tokenCalls.length, 2);
  });

  test('invalid_client surfaces as MarketoApiError, and a later get() tries again', async () => {
    const refused = new Response(JSON.stringify({ error: 'invalid_client', error_description: 'Bad client credentials' }), {
      status: 401, headers: { 'content-type': 'application/json' },
    });
    const { fetch, tokenCalls } = scripted([], [refused]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'wrong', fetch });
    const err = await tokens.get().then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof MarketoApiError, `got ${String(err)}`);
    assert.equal(err.code, 'invalid_client');
    assert.match(err.message, /Bad client credentials/);
    assert.ok(isMarketoError(err));
    assert.equal(await tokens.get(), 'tok-1');
    assert.equal(tokenCalls.length, 2);
  });

  test('a network error or a body that is not JSON is a MarketoTransportError', async () => {
    const html = new Response('<html>bad gateway</html>', { status: 502 });
    const { fetch } = scripted([], [new TypeError('fetch failed'), html]);
    const tokens = new TokenProvider({ baseUrl: BASE, clientId: 'a', clientSecret: 'b', fetch });
    await assert.rejects(tokens.get(), (e: unknown) => e instanceof MarketoTransportError && /fetch failed/.test(e.message));
    await assert.rejects(tokens.get(), (e: unknown) => e instanceof MarketoTransportError && e.status === 502);
  });
});
