/**
 * Unit tests of the SDK's HTTP layer with an injected `fetch` (no server): the token provider,
 * Marketo's retry rules, the daily-quota error, paging, and the error brand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MarketoClient, normaliseEndpoint } from './client.js';
import { ExportQuotaError, isMarketoError, MarketoApiError, MarketoError, MarketoTransportError } from './errors.js';
import { TokenProvider, type FetchLike } from './token-provider.js';

const BASE = 'http://mkto.test';
const JOB = { exportId: 'e-1', format: 'CSV', status: 'Created', createdAt: '2026-01-15T12:00:00Z' };

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

type Answer = Response | Error | (() => Response | Promise<Response>);

const ok = (result: unknown[], extra: Record<string, unknown> = {}) =>
  Response.json({ requestId: 'a1b2#19bc1f2e3a0', result, success: true, ...extra });
const fail = (code: string, message: string) =>
  Response.json({ requestId: 'c3d4#19bc1f2e3a1', success: false, errors: [{ code, message }] });
const tokenAnswer = (token: string, expiresIn = 3600) =>
  Response.json({ access_token: token, token_type: 'bearer', expires_in: expiresIn, scope: 'etl@test' });

/**
 * A scripted fetch: identity calls get `tok-1`, `tok-2`, ... (or `identity` answers when given);
 * every other call takes the next answer of `script` (an Error is thrown, like a network failure).
 */
function scripted(script: Answer[], identity: Answer[] = []) {
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

function clientWith(f: FetchLike, extra: Partial<ConstructorParameters<typeof MarketoClient>[0]> = {}) {
  const delays: number[] = [];
  const retries: { attempt: number; delayMs: number; reason: string }[] = [];
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
function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

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

describe('MarketoClient: authentication', () => {
  for (const [code, message] of [['601', 'Access token invalid'], ['602', 'Access token expired']] as const) {
    test(`${code} re-authenticates and retries the call with the new token`, async () => {
      const { fetch, calls, tokenCalls } = scripted([fail(code, message), ok([JOB])]);
      const { client, delays } = clientWith(fetch);
      const job = await client.exportStatus('e-1');
      assert.equal(job.exportId, 'e-1');
      assert.equal(tokenCalls.length, 2);
      assert.equal(calls.length, 2);
      assert.equal(calls[0]!.headers.Authorization, 'Bearer tok-1');
      assert.equal(calls[1]!.headers.Authorization, 'Bearer tok-2');
      assert.deepEqual(delays, [], 'a token refresh needs no backoff');
    });
  }

  test('601 that persists after fresh tokens throws instead of looping', async () => {
    const { fetch, calls, tokenCalls } = scripted([fail('601', 'Access token invalid'), fail('601', 'Access token invalid'), fail('602', 'Access token expired'), ok([JOB])]);
    const { client } = clientWith(fetch);
    await assert.rejects(client.exportStatus('e-1'), (e: unknown) => e instanceof MarketoApiError && e.code === '602');
    assert.equal(calls.length, 3);
    assert.equal(tokenCalls.length, 3);
  });

  test('a token refresh does not use up the retry budget', async () => {
    const { fetch, calls } = scripted([fail('606', 'Max rate limit'), fail('602', 'Access token expired'), fail('606', 'Max rate limit'), ok([JOB])]);
    const { client, delays } = clientWith(fetch, { retry: { retries: 2, baseDelayMs: 100 } });
    assert.equal((await client.exportStatus('e-1')).exportId, 'e-1');
    assert.equal(calls.length, 4);
    assert.equal(delays.length, 2);
  });

  test('file downloads (rawRequest) re-authenticate on a 601 envelope', async () => {
    const { fetch, calls } = scripted([fail('601', 'Access token invalid'), new Response('a,b\n', { headers: { 'content-type': 'text/csv' } })]);
    const { client } = clientWith(fetch);
    const res = await client.rawRequest('GET', '/bulk/v1/activities/export/e-1/file.json', { Range: 'bytes=0-' });
    assert.equal(await res.text(), 'a,b\n');
    assert.equal(calls[1]!.headers.Authorization, 'Bearer tok-2');
    assert.equal(calls[1]!.headers.Range, 'bytes=0-');
  });
});

describe('MarketoClient: retries', () => {
  const retryable: [string, () => Response | Error][] = [
    ['606 rate limit', () => fail('606', "Max rate limit '100' exceeded with in '20' secs")],
    ['615 concurrency limit', () => fail('615', "Concurrent access limit '10' reached")],
    ['1029 Too many jobs in queue', () => fail('1029', 'Too many jobs in queue')],
    ['604 request timed out', () => fail('604', 'Request timed out')],
    ['608 API temporarily unavailable', () => fail('608', 'API Temporarily Unavailable')],
    ['611 system error', () => fail('611', 'System error')],
    ['713 transient error', () => fail('713', 'Transient Error')],
    ['HTTP 500', () => new Response('oops', { status: 500 })],
    ['HTTP 503 with a JSON body', () => Response.json({ message: 'unavailable' }, { status: 503 })],
    ['a network error (fetch throws)', () => new TypeError('fetch failed', { cause: new Error('ECONNRESET') })],
  ];

  for (const [name, answer] of retryable) {
    test(`retries ${name} with growing backoff, then succeeds`, async () => {
      const { fetch, calls } = scripted([answer(), answer(), answer(), ok([JOB])]);
      const { client, delays, retries } = clientWith(fetch);
      const job = await client.enqueueExport('e-1');
      assert.equal(job.exportId, 'e-1');
      assert.equal(calls.length, 4);
      assert.ok(calls.every((c) => c.method === 'POST' && c.url === `${BASE}/bulk/v1/activities/export/e-1/enqueue.json`));
      // base 100 ms doubling, +-25 % jitter
      assert.equal(delays.length, 3);
      delays.forEach((d, i) => assert.ok(d >= 100 * 2 ** i * 0.75 && d <= 100 * 2 ** i * 1.25, `delay ${i} = ${d}`));
      assert.deepEqual(retries.map((r) => r.attempt), [1, 2, 3]);
      assert.deepEqual(retries.map((r) => r.delayMs), delays);
    });

    test(`gives up on ${name} after retry.retries attempts`, async () => {
      const { fetch, calls } = scripted(Array.from({ length: 10 }, answer));
      const { client, delays } = clientWith(fetch, { retry: { retries: 3, baseDelayMs: 100 } });
      const err = await client.enqueueExport('e-1').then(() => undefined, (e: unknown) => e);
      assert.ok(isMarketoError(err), `got ${String(err)}`);
      assert.equal(calls.length, 4, 'the first try and 3 retries');
      assert.equal(delays.length, 3);
    });
  }

  test('backoff is capped by maxDelayMs', async () => {
    const { fetch } = scripted([...Array.from({ length: 6 }, () => fail('606', 'rate')), ok([JOB])]);
    const { client, delays } = clientWith(fetch, { retry: { retries: 8, baseDelayMs: 1000, maxDelayMs: 5000 } });
    await client.exportStatus('e-1');
    assert.equal(delays.length, 6);
    assert.ok(delays.slice(3).every((d) => d >= 3750 && d <= 6250), delays.join(','));
  });

  for (const [code, message] of [
    ['1003', "Export job 'x' not found"],
    ['609', 'Invalid JSON'],
    ['603', 'Access denied'],
    ['1029', 'Job already queued'],
    ['610', 'Requested resource not found'],
  ] as const) {
    test(`does not retry ${code} ${message}`, async () => {
      const { fetch, calls } = scripted([fail(code, message), ok([JOB])]);
      const { client, delays } = clientWith(fetch);
      const err = await client.createExport({ filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-02T00:00:00Z' } } })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof MarketoApiError, `got ${String(err)}`);
      assert.ok(!(err instanceof ExportQuotaError));
      assert.equal(err.code, code);
      assert.equal(err.requestId, 'c3d4#19bc1f2e3a1');
      assert.equal(err.message, `${code}: ${message}`);
      assert.equal(calls.length, 1);
      assert.deepEqual(delays, []);
    });
  }

  test('HTTP 4xx with a body that is not JSON is not retried', async () => {
    const { fetch, calls } = scripted([new Response('Payload Too Large', { status: 413 }), ok([JOB])]);
    const { client } = clientWith(fetch);
    await assert.rejects(client.exportStatus('e-1'), (e: unknown) => e instanceof MarketoTransportError && e.status === 413);
    assert.equal(calls.length, 1);
  });

  test('rawRequest retries 606 envelopes, 5xx and network errors, and throws other envelope codes', async () => {
    const csv = () => new Response('h\n', { headers: { 'content-type': 'text/csv' } });
    const { fetch, calls } = scripted([fail('606', 'rate'), new Response('down', { status: 502 }), new TypeError('fetch failed'), csv()]);
    const { client, delays } = clientWith(fetch);
    const res = await client.rawRequest('GET', '/bulk/v1/activities/export/e-1/file.json');
    assert.equal(await res.text(), 'h\n');
    assert.equal(calls.length, 4);
    assert.equal(delays.length, 3);

    const second = scripted([fail('1003', "Export job 'e-1' not found"), csv()]);
    const c2 = clientWith(second.fetch).client;
    await assert.rejects(c2.rawRequest('GET', '/bulk/v1/activities/export/e-1/file.json'), (e: unknown) => e instanceof MarketoApiError && e.code === '1003');
    assert.equal(second.calls.length, 1);
  });
});

describe('MarketoClient: the daily export quota', () => {
  // 00:00 America/Chicago is 06:00Z in winter (CST) and 05:00Z in summer (CDT).
  const cases: [string, string, string][] = [
    ['midday in winter', '2026-01-15T12:00:00Z', '2026-01-16T06:00:00.000Z'],
    ['one second before midnight', '2026-01-15T05:59:59Z', '2026-01-15T06:00:00.000Z'],
    ['exactly at midnight', '2026-01-15T06:00:00Z', '2026-01-16T06:00:00.000Z'],
    ['in summer', '2026-07-04T20:00:00Z', '2026-07-05T05:00:00.000Z'],
    ['the evening before DST starts', '2026-03-08T03:00:00Z', '2026-03-08T06:00:00.000Z'],
    ['the day DST starts', '2026-03-08T12:00:00Z', '2026-03-09T05:00:00.000Z'],
    ['the day DST ends', '2026-11-01T12:00:00Z', '2026-11-02T06:00:00.000Z'],
  ];
  for (const [name, now, resets] of cases) {
    test(`1029 "Export daily quota" throws ExportQuotaError resetting at the next Chicago midnight (${name})`, async () => {
      const { fetch, calls } = scripted([fail('1029', 'Export daily quota 500MB exceeded.'), ok([JOB])]);
      const { client, delays } = clientWith(fetch, { now: () => Date.parse(now) });
      const err = await client.createExport({ filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-02T00:00:00Z' } } })
        .then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ExportQuotaError, `got ${String(err)}`);
      assert.ok(err instanceof MarketoApiError);
      assert.ok(isMarketoError(err));
      assert.equal(err.name, 'ExportQuotaError');
      assert.equal(err.code, '1029');
      assert.match(err.message, /Export daily quota 500MB exceeded/);
      assert.equal(err.resetsAt.toISOString(), resets);
      assert.equal(calls.length, 1, 'the quota is never retried');
      assert.deepEqual(delays, []);
    });
  }

  test('the quota error on enqueue is not mistaken for a full queue', async () => {
    const { fetch, calls } = scripted([fail('1029', 'Export daily quota 1MB exceeded.'), ok([JOB])]);
    const { client } = clientWith(fetch);
    await assert.rejects(client.enqueueExport('e-1'), ExportQuotaError);
    assert.equal(calls.length, 1);
  });
});

describe('MarketoClient: calls', () => {
  test('createExport posts JSON with a Bearer token to the normalised endpoint', async () => {
    const { fetch, calls } = scripted([ok([JOB])]);
    const { client } = clientWith(fetch);
    const request = { format: 'CSV' as const, filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' }, activityTypeIds: [1, 6] } };
    assert.deepEqual(await client.createExport(request), JOB);
    const c = calls[0]!;
    assert.equal(c.method, 'POST');
    assert.equal(c.url, `${BASE}/bulk/v1/activities/export/create.json`);
    assert.equal(c.headers.Authorization, 'Bearer tok-1');
    assert.equal(c.headers['Content-Type'], 'application/json');
    assert.deepEqual(JSON.parse(c.body!), request);
  });

  test('listExports follows nextPageToken to the end', async () => {
    const jobs = [1, 2, 3, 4, 5].map((n) => ({ ...JOB, exportId: `e-${n}`, status: 'Queued' }));
    const { fetch, calls } = scripted([
      ok(jobs.slice(0, 2), { nextPageToken: 'page+2' }),
      ok(jobs.slice(2, 4), { nextPageToken: 'page3' }),
      ok(jobs.slice(4)),
    ]);
    const { client } = clientWith(fetch);
    const got = await client.listExports({ status: ['Queued', 'Processing'], batchSize: 2 });
    assert.deepEqual(got.map((j) => j.exportId), ['e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    assert.equal(calls.length, 3);
    const urls = calls.map((c) => new URL(c.url));
    assert.ok(urls.every((u) => u.pathname === '/bulk/v1/activities/export.json'));
    assert.ok(urls.every((u) => u.searchParams.get('status') === 'Queued,Processing' && u.searchParams.get('batchSize') === '2'));
    assert.deepEqual(urls.map((u) => u.searchParams.get('nextPageToken')), [null, 'page+2', 'page3']);
  });

  test('an empty result where a job is expected is a transport error, not undefined', async () => {
    const { fetch } = scripted([ok([])]);
    const { client } = clientWith(fetch);
    await assert.rejects(client.exportStatus('e-1'), MarketoTransportError);
  });

  test('waitForExport polls with growing intervals until the job settles', async () => {
    const { fetch, calls } = scripted([
      ok([{ ...JOB, status: 'Queued' }]), ok([{ ...JOB, status: 'Processing' }]), ok([{ ...JOB, status: 'Processing' }]),
      ok([{ ...JOB, status: 'Completed', fileSize: 10, fileChecksum: 'sha256:x' }]),
    ]);
    const { client, delays } = clientWith(fetch);
    const seen: string[] = [];
    const done = await client.waitForExport('e-1', { intervalMs: 100, maxIntervalMs: 200, onStatus: (j) => seen.push(j.status) });
    assert.equal(done.status, 'Completed');
    assert.deepEqual(seen, ['Queued', 'Processing', 'Processing', 'Completed']);
    assert.deepEqual(delays, [100, 150, 200]);
    assert.equal(calls.length, 4);
  });

  test('waitForExport: a gentler backoff, and a pacing hook awaited before every status call', async () => {
    const { fetch, calls } = scripted([
      ok([{ ...JOB, status: 'Queued' }]), ok([{ ...JOB, status: 'Processing' }]), ok([{ ...JOB, status: 'Processing' }]),
      ok([{ ...JOB, status: 'Processing' }]), ok([{ ...JOB, status: 'Completed', fileSize: 10, fileChecksum: 'sha256:x' }]),
    ]);
    const { client, delays } = clientWith(fetch);
    let paced = 0;
    const done = await client.waitForExport('e-1', {
      intervalMs: 100, maxIntervalMs: 120, backoff: 1.1,
      beforePoll: async () => {
        assert.equal(calls.length, paced, 'the hook runs before its call, not after');
        paced++;
      },
    });
    assert.equal(done.status, 'Completed');
    assert.deepEqual(delays.map((d) => Math.round(d * 100) / 100), [100, 110, 120, 120]);
    assert.equal(paced, 5);
  });

  test('waitForExport stops when its signal aborts', async () => {
    const abort = new AbortController();
    const { fetch } = scripted(Array.from({ length: 5 }, () => ok([{ ...JOB, status: 'Queued' }])));
    const { client } = clientWith(fetch, { sleep: () => new Promise(() => undefined) });
    const waiting = client.waitForExport('e-1', { signal: abort.signal });
    setTimeout(() => abort.abort(new Error('stop')), 10);
    await assert.rejects(waiting, /stop/);
  });
});

describe('errors and endpoints', () => {
  test('isMarketoError is true for every SDK error and false for anything else', () => {
    assert.equal(isMarketoError(new MarketoApiError('1003', 'x')), true);
    assert.equal(isMarketoError(new MarketoTransportError('x')), true);
    assert.equal(isMarketoError(new ExportQuotaError('q', undefined, new Date())), true);
    assert.equal(isMarketoError(new MarketoError('x')), true);
    assert.equal(isMarketoError(new Error('x')), false);
    assert.equal(isMarketoError(new TypeError('fetch failed')), false);
    assert.equal(isMarketoError(Object.assign(new Error('x'), { code: '1003' })), false);
    assert.equal(isMarketoError(null), false);
    assert.equal(isMarketoError(undefined), false);
    assert.equal(isMarketoError('601'), false);
    assert.equal(isMarketoError({ __tidemarkMarketoError: 'yes' }), false);
    // The brand works across copies of the package (instanceof would not).
    assert.equal(isMarketoError({ __tidemarkMarketoError: true, message: 'from another copy' }), true);
  });

  test('MarketoApiError carries code, message and requestId', () => {
    const e = new MarketoApiError('606', 'Max rate limit', 'ab12#1');
    assert.equal(e.code, '606');
    assert.equal(e.requestId, 'ab12#1');
    assert.equal(e.message, '606: Max rate limit');
    assert.equal(e.name, 'MarketoApiError');
    assert.ok(e instanceof Error);
  });

  test('normaliseEndpoint strips trailing slashes and a /rest suffix', () => {
    assert.equal(normaliseEndpoint('https://123-ABC-456.mktorest.com/rest'), 'https://123-ABC-456.mktorest.com');
    assert.equal(normaliseEndpoint('https://123-ABC-456.mktorest.com/rest/'), 'https://123-ABC-456.mktorest.com');
    assert.equal(normaliseEndpoint('https://123-ABC-456.mktorest.com/rest//'), 'https://123-ABC-456.mktorest.com');
    assert.equal(normaliseEndpoint('https://123-ABC-456.mktorest.com'), 'https://123-ABC-456.mktorest.com');
    assert.equal(normaliseEndpoint('https://123-ABC-456.mktorest.com/'), 'https://123-ABC-456.mktorest.com');
    assert.equal(normaliseEndpoint('http://127.0.0.1:3000'), 'http://127.0.0.1:3000');
    assert.equal(normaliseEndpoint('http://127.0.0.1:3000/'), 'http://127.0.0.1:3000');
    // Only a whole trailing `rest` segment is removed.
    assert.equal(normaliseEndpoint('http://proxy.test/marketo-rest'), 'http://proxy.test/marketo-rest');
    assert.equal(normaliseEndpoint('http://proxy.test/mkto/rest'), 'http://proxy.test/mkto');
  });

  test('the client calls the endpoint without the /rest suffix', async () => {
    const { fetch, calls, tokenCalls } = scripted([ok([])]);
    const client = new MarketoClient({ endpoint: 'https://123-ABC-456.mktorest.com/rest', clientId: 'a', clientSecret: 'b', fetch });
    await client.activityTypes();
    assert.match(tokenCalls[0]!, /^https:\/\/123-ABC-456\.mktorest\.com\/identity\/oauth\/token\?/);
    assert.equal(calls[0]!.url, 'https://123-ABC-456.mktorest.com/rest/v1/activities/types.json');
  });
});
