/**
 * The SDK's HTTP layer with an injected `fetch` (no server): re-authentication on 601/602 and
 * Marketo's retry rules. The calls themselves, paging and the quota error: client-calls.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExportQuotaError, isMarketoError, MarketoApiError, MarketoTransportError } from './errors.js';
import { BASE, clientWith, fail, JOB, ok, scripted, tokenAnswer } from '../testing/scripted-fetch.js';

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

describe('MarketoClient: an endpoint that never answered', () => {
  const refused = () => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }) });

  test('gets connectRetries short retries (default 2, from 500 ms), then throws naming the cause', async () => {
    const { fetch, tokenCalls } = scripted([], [refused(), refused(), refused(), refused()]);
    const { client, delays, retries } = clientWith(fetch, { retry: { retries: 8, baseDelayMs: 1000 } });
    const err = await client.exportStatus('e-1').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof MarketoTransportError, String(err));
    assert.equal(err.causeCode, 'ECONNREFUSED');
    assert.equal(err.message, `GET /identity/oauth/token: cannot connect to ${BASE} (ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443)`);
    assert.equal(tokenCalls.length, 3, 'the first try and 2 retries');
    delays.forEach((d, i) => assert.ok(d >= 500 * 2 ** i * 0.75 && d <= 500 * 2 ** i * 1.25, `delay ${i} = ${d}`));
    assert.deepEqual(retries.map((r) => [r.attempt, r.retries, r.code]), [[1, 2, 'ECONNREFUSED'], [2, 2, 'ECONNREFUSED']]);
    assert.equal(retries[0]!.reason, err.message);
  });

  test('honours retry.connectRetries and connectDelayMs', async () => {
    const { fetch, tokenCalls } = scripted([], [refused(), refused(), refused(), refused(), refused()]);
    const { client, delays } = clientWith(fetch, { retry: { connectRetries: 3, connectDelayMs: 10 } });
    await assert.rejects(client.activityTypes(), MarketoTransportError);
    assert.equal(tokenCalls.length, 4);
    assert.equal(delays.length, 3);
    assert.ok(delays.every((d) => d < 100), delays.join());
  });

  test('once it has answered, a refused connection (a restart, say) gets the full retries', async () => {
    const { fetch, calls } = scripted([ok([JOB]), refused(), refused(), refused(), refused(), ok([JOB])]);
    const { client, delays } = clientWith(fetch, { retry: { retries: 4, baseDelayMs: 100, connectRetries: 1 } });
    await client.exportStatus('e-1');
    assert.equal((await client.exportStatus('e-1')).exportId, 'e-1');
    assert.equal(calls.length, 6);
    assert.equal(delays.length, 4);
  });

  test('authenticate() gets a token with the same short retries; refused credentials are not retried', async () => {
    const { fetch, tokenCalls } = scripted([], [refused(), tokenAnswer('t')]);
    const { client, delays } = clientWith(fetch);
    await client.authenticate();
    assert.equal(await client.tokens.get(), 't');
    assert.equal(tokenCalls.length, 2);
    assert.equal(delays.length, 1);

    const badCreds = Response.json({ error: 'invalid_client', error_description: 'Bad client credentials' }, { status: 401 });
    const second = scripted([], [badCreds]);
    const c2 = clientWith(second.fetch);
    await assert.rejects(c2.client.authenticate(), (e: unknown) => e instanceof MarketoApiError && e.code === 'invalid_client');
    assert.equal(second.tokenCalls.length, 1);
    assert.deepEqual(c2.delays, []);
  });
});
