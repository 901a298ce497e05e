/**
 * The emulator controls over HTTP, driven through the SDK's EmulatorClient: who may call them,
 * clock travel, injected job failures and delays, forced 606/615, an exhausted export quota, and
 * the store reset. docs/emulator.md describes each.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmulatorClient, MarketoApiError } from '@tidemark/client';
import { startHarness } from '../helpers/harness.js';
import {
  assertError, BASE, cancel, completedJob, createJob, DAY, download, enqueue, oneJob, status, tokenFor, userWithToken,
} from '../helpers/api.js';
import { ADMIN_TOKEN, startEmulator } from './helpers.js';

const CONTROLS = ['', '/clock', '/faults/jobs', '/faults/calls', '/faults/clear', '/quota/exhaust', '/reset'];
const POSTS = new Set(['/clock', '/faults/jobs', '/faults/calls', '/faults/clear', '/quota/exhaust', '/reset']);
const path = (p: string) => `/tidemark/v1/emulator${p}`;

test('without --emulator-controls every control answers 610, with or without a token', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  for (const p of CONTROLS) {
    const method = POSTS.has(p) ? 'POST' : 'GET';
    for (const headers of [{}, { Authorization: `Bearer ${ADMIN_TOKEN}` }] as Record<string, string>[]) {
      const r = await h.call(path(p), { method, headers });
      assert.equal(r.status, 200, `${method} ${p}`);
      assertError(await r.json(), '610', 'Requested resource not found');
    }
  }
  await assert.rejects(new EmulatorClient({ endpoint: h.baseUrl, adminToken: ADMIN_TOKEN }).state(), (e: MarketoApiError) => e.code === '610');
});

test('with the controls on: no token, a wrong token or an API token answer HTTP 401; the admin token works', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const apiToken = await h.token('read-write-activity');
  const wrong = [undefined, 'Bearer', `Bearer ${ADMIN_TOKEN}x`, `Bearer ${ADMIN_TOKEN.slice(0, -1)}`, `Bearer ${apiToken}`, `Basic ${ADMIN_TOKEN}`, ADMIN_TOKEN];
  for (const p of CONTROLS) {
    const method = POSTS.has(p) ? 'POST' : 'GET';
    for (const authorization of wrong) {
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
      const r = await h.call(path(p), { method, headers });
      assert.equal(r.status, 401, `${method} ${p} with ${authorization}`);
      assert.deepEqual(await r.json(), { error: 'invalid_token', error_description: 'Admin token missing or invalid' });
    }
    // The admin token in the access_token query parameter is not accepted either.
    const q = await h.call(`${path(p)}?access_token=${ADMIN_TOKEN}`, { method });
    assert.equal(q.status, 401);
  }
  // Nothing changed: the clock and the faults are as they were.
  const state = await h.emu.state();
  assert.equal(state.now, new Date(h.clock.now()).toISOString());
  assert.deepEqual(state.jobFaults, { pendingFailures: 0, delayMs: 0 });
  await assert.rejects(new EmulatorClient({ endpoint: h.baseUrl, adminToken: 'not-the-token-at-all' }).state(), (e: MarketoApiError) => e.code === 'invalid_token');
  // The admin token is no Marketo token.
  assertError(await h.json(`${BASE}.json`, { token: ADMIN_TOKEN }), '601');
});

test('admin calls are not counted against the call limits', async (t) => {
  const h = await startEmulator(t.name, { rateLimit: { calls: 2, seconds: 20 } });
  t.after(() => h.close());
  for (let i = 0; i < 5; i++) await h.emu.state();
  const token = await h.token();
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  assertError(await h.json(`${BASE}.json`, { token }), '606');
});

test('clock travel: tokens expire, files expire after 7 days (404) while the status stays Completed, status goes after 30 days', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  await h.store.importActivities([(await import('../helpers/harness.js')).activity()]);
  const u = await userWithToken(h);
  const job = await completedJob(h, u.token);
  assert.equal((await download(h, u.token, job.exportId)).status, 200);

  const before = h.clock.now();
  const moved = await h.emu.advanceClock('1h');
  assert.equal(moved.advancedMs, 3_600_000);
  assert.equal(h.clock.now(), before + 3_600_000);
  assertError(await status(h, u.token, job.exportId), '602', 'Access token expired');

  let token = await tokenFor(h, u);
  await h.emu.advanceClock('6d22h59m59s'); // 1 s before the file's 7 days are up
  assert.equal((await download(h, token, job.exportId)).status, 200);
  await h.emu.advanceClock('1s');
  token = await tokenFor(h, u);
  const gone = await download(h, token, job.exportId);
  assert.equal(gone.status, 404);
  assert.equal(gone.text, `Export file for job '${job.exportId}' not found or not available`);
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Completed', 'the status outlives the file');

  await h.emu.advanceClock(23 * DAY); // 30 days after it finished
  token = await tokenFor(h, u);
  assertError(await status(h, token, job.exportId), '1003', `Export job '${job.exportId}' not found`);
  assert.equal(Date.parse((await h.emu.state()).now), before + 30 * DAY, '1 h + (7 d - 1 h) + 23 d');
});

test('clock travel refuses bad durations: 1002 without advance, 1003 for text that is no duration or a negative one, 609 for bad JSON', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const post = (body: string) => h.json(path('/clock'), { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' }, body });
  const before = h.clock.now();
  assertError(await post('{}'), '1002', "Missing value for required parameter 'advance'");
  assertError(await post(''), '1002');
  for (const bad of ['"soon"', '"-1d"', '-5', '1.5', 'null', 'true', '"99999d"', '[1]']) {
    assertError(await post(`{"advance":${bad}}`), '1003', /^Invalid value for 'advance'/);
  }
  assertError(await post('{"advance":'), '609', 'Invalid JSON');
  assertError(await post('[1]'), '1003', "Invalid value for 'body': must be a JSON object");
  assert.equal(h.clock.now(), before, 'a refused call moves nothing');
});

test('the next N jobs fail with the given errorMsg; the one after completes', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const state = await h.emu.failNextJobs(2, 'Export failed: simulated outage');
  assert.equal(state.jobFaults.pendingFailures, 2);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const job = await createJob(h, token);
    oneJob(await enqueue(h, token, job.exportId));
    await h.tm.scheduler.waitForJob(job.exportId);
    ids.push(job.exportId);
  }
  const [a, b, c] = await Promise.all(ids.map(async (id) => oneJob(await status(h, token, id))));
  for (const failed of [a, b]) {
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.errorMsg, 'Export failed: simulated outage');
    assert.ok(failed.finishedAt && failed.startedAt, 'a failed job has started and finished');
    assert.equal((await download(h, token, failed.exportId)).status, 404);
  }
  assert.equal(c.status, 'Completed');
  assert.equal((await h.emu.state()).jobFaults.pendingFailures, 0);
  // The default message.
  await h.emu.failNextJobs(1);
  const d = await createJob(h, token);
  oneJob(await enqueue(h, token, d.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(d.exportId), 'Failed');
  assert.equal(oneJob(await status(h, token, d.exportId)).errorMsg, 'Export failed: injected by the emulator');
});

test('a processing delay keeps jobs Processing; cancel during the delay is prompt; delay 0 switches it off', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const token = await h.token();
  assert.equal((await h.emu.delayJobs('600ms')).jobFaults.delayMs, 600);
  const job = await createJob(h, token);
  const started = Date.now();
  oneJob(await enqueue(h, token, job.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(job.exportId), 'Completed');
  assert.ok(Date.now() - started >= 600, `the job took ${Date.now() - started} ms`);

  await h.emu.delayJobs('1h');
  const slow = await createJob(h, token);
  oneJob(await enqueue(h, token, slow.exportId));
  for (let i = 0; i < 100 && oneJob(await status(h, token, slow.exportId)).status !== 'Processing'; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 300)); // the export itself is done by now; the delay holds it
  assert.equal(oneJob(await status(h, token, slow.exportId)).status, 'Processing');
  const t0 = Date.now();
  assert.equal(oneJob(await cancel(h, token, slow.exportId)).status, 'Cancelled');
  assert.equal(await h.tm.scheduler.waitForJob(slow.exportId, 5000), 'Cancelled');
  assert.ok(Date.now() - t0 < 2000, 'cancel does not wait out the delay');

  await h.emu.delayJobs(0);
  const quick = await createJob(h, token);
  oneJob(await enqueue(h, token, quick.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(quick.exportId, 10_000), 'Completed');
});

test('an exhausted quota answers 1029 on create and enqueue until 00:00 America/Chicago of the server clock', async (t) => {
  const h = await startEmulator(t.name, { dailyQuotaMb: 0 });
  t.after(() => h.close());
  const u = await userWithToken(h);
  const created = await createJob(h, u.token);
  const state = await h.emu.exhaustQuota();
  // T0 is 06:00 in Chicago, so the quota day ends 18 h later, at 06:00Z the next day.
  assert.equal(state.quotaExhaustedUntil, '2026-01-16T06:00:00.000Z');
  const body = JSON.stringify({ filter: { createdAt: { startAt: '2026-01-15T00:00:00Z', endAt: '2026-01-15T01:00:00Z' } } });
  const create = () => h.json(`${BASE}/create.json`, { method: 'POST', token: u.token, headers: { 'Content-Type': 'application/json' }, body });
  assertError(await create(), '1029', 'Export daily quota 500MB exceeded.');
  assertError(await enqueue(h, u.token, created.exportId), '1029', 'Export daily quota 500MB exceeded.');
  // The SDK recognises it as the quota error.
  const client = await h.client();
  await assert.rejects(client.createExport(JSON.parse(body)), (e: Error) => e.name === 'ExportQuotaError');

  await h.emu.advanceClock('17h59m59s');
  u.token = await tokenFor(h, u);
  assertError(await create(), '1029');
  await h.emu.advanceClock('1s');
  u.token = await tokenFor(h, u);
  assert.equal((await create()).success, true, 'a new quota day');
  assert.equal((await h.emu.state()).quotaExhaustedUntil, null);
});

test('forced 606 and 615 answer the next N admitted calls, then the server answers normally; identity is never forced', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const list = () => h.json(`${BASE}.json`, { token: u.token });
  await h.emu.forceCalls('606', 2);
  assert.equal((await tokenFor(h, u)), u.token, 'identity is not forced');
  assertError(await h.json(`${BASE}.json`, { token: 'bogus' }), '601'); // refused for its token: uses nothing up
  assertError(await list(), '606', "Max rate limit '100' exceeded with in '20' secs");
  assertError(await list(), '606');
  assert.equal((await list()).success, true);

  const state = await h.emu.forceCalls('615', 1);
  assert.deepEqual(state.forcedCalls, { code: '615', remaining: 1 });
  assertError(await list(), '615', "Concurrent access limit '10' reached");
  assert.equal((await list()).success, true);

  // The SDK retries 606/615 with backoff and gets through.
  await h.emu.forceCalls('606', 3);
  const retries: string[] = [];
  const { MarketoClient } = await import('@tidemark/client');
  const client = new MarketoClient({
    endpoint: h.baseUrl, clientId: u.clientId, clientSecret: u.clientSecret, sleep: async () => undefined,
    onRetry: (i) => retries.push(i.reason),
  });
  assert.deepEqual(await client.listExports(), []);
  assert.equal(retries.length, 3);
  assert.ok(retries.every((r) => r.startsWith('606')), retries.join('; '));

  await h.emu.forceCalls('606', 5);
  await h.emu.clearFaults();
  assert.equal((await list()).success, true, 'clear-faults drops pending refusals');
  const bad = await h.json(path('/faults/calls'), { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: '{"code":"607"}' });
  assertError(bad, '1003', "Invalid value for 'code': must be '606' or '615'");
});

test('reset deletes jobs, files and tokens (users and activities stay); with activities, the data goes too', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const { activity } = await import('../helpers/harness.js');
  await h.store.importActivities([activity(), activity()]);
  const u = await userWithToken(h);
  const done = await completedJob(h, u.token);
  assert.equal(done.numberOfRecords, 2);
  await h.emu.delayJobs('1h');
  const running = await createJob(h, u.token);
  oneJob(await enqueue(h, u.token, running.exportId));
  const created = await createJob(h, u.token);
  await h.emu.failNextJobs(3);

  const counts = await h.emu.reset();
  assert.deepEqual(counts, { jobs: 3, tokens: 1, activities: 0, files: 1 });
  assert.deepEqual((await h.emu.state()).jobFaults, { pendingFailures: 0, delayMs: 0 }, 'reset clears the faults');
  assertError(await status(h, u.token, done.exportId), '601'); // the token is gone
  const token = await tokenFor(h, u); // the user is still there
  for (const id of [done.exportId, running.exportId, created.exportId]) assertError(await status(h, token, id), '1003');
  assert.equal((await download(h, token, done.exportId)).status, 404);
  assert.deepEqual((await h.json(`${BASE}.json`, { token })).result, []);
  const again = await completedJob(h, token);
  assert.equal(again.numberOfRecords, 2, 'activities stay');

  const all = await h.emu.reset({ activities: true });
  assert.deepEqual(all, { jobs: 1, tokens: 1, activities: 2, files: 1 });
  const empty = await completedJob(h, await tokenFor(h, u));
  assert.equal(empty.numberOfRecords, 0);
});
