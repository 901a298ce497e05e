/** The SDK's calls with an injected `fetch` (no server): paths and bodies, paging, polling, the quota error, errors and endpoints. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MarketoClient, normaliseEndpoint } from './client.js';
import { ExportQuotaError, isMarketoError, MarketoApiError, MarketoError, MarketoTransportError } from './errors.js';
import { BASE, clientWith, fail, JOB, ok, scripted } from '../testing/scripted-fetch.js';

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

  test('paginateExports yields one page at a time and asks for the next only when the loop wants it', async () => {
    const jobs = [1, 2, 3].map((n) => ({ ...JOB, exportId: `e-${n}`, status: 'Completed' }));
    const { fetch, calls } = scripted([ok(jobs.slice(0, 2), { nextPageToken: 'p2' }), ok(jobs.slice(2))]);
    const { client } = clientWith(fetch);
    const pages: string[][] = [];
    for await (const page of client.paginateExports({ status: ['Completed'], batchSize: 2 })) {
      pages.push(page.map((j) => j.exportId));
      assert.equal(calls.length, pages.length, 'the next page is asked for after this one was used');
    }
    assert.deepEqual(pages, [['e-1', 'e-2'], ['e-3']]);
    // Leaving the loop early asks for nothing more.
    const again = scripted([ok(jobs.slice(0, 2), { nextPageToken: 'p2' }), ok(jobs.slice(2))]);
    for await (const page of clientWith(again.fetch).client.paginateExports()) {
      assert.equal(page.length, 2);
      break;
    }
    assert.equal(again.calls.length, 1);
  });

  test('the token travels only in the Authorization header, never as access_token in the URL', async () => {
    const csv = new Response('h\n', { headers: { 'content-type': 'text/csv' } });
    const { fetch, calls, tokenCalls } = scripted([ok([JOB]), ok([JOB]), ok([JOB]), ok([JOB]), ok([JOB]), ok([{ id: 1, name: 'Visit Webpage' }]), csv]);
    const { client } = clientWith(fetch);
    await client.createExport({ filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-02T00:00:00Z' } } });
    await client.enqueueExport('e-1');
    await client.exportStatus('e-1');
    await client.cancelExport('e-1');
    await client.listExports();
    await client.activityTypes();
    await client.rawRequest('GET', '/bulk/v1/activities/export/e-1/file.json');
    assert.equal(calls.length, 7);
    for (const c of calls) {
      assert.equal(new URL(c.url).searchParams.has('access_token'), false, c.url);
      assert.equal(c.headers.Authorization, 'Bearer tok-1', c.url);
    }
    assert.equal(tokenCalls.length, 1);
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
