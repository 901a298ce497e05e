/**
 * decisions.md "Wire format": the envelope (key order, no empty keys, string codes, requestId),
 * job objects (key order, keys per status, whole-second UTC times) — read from the raw JSON text.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { activity, startHarness, T0 } from '../helpers/harness.js';
import {
  BASE, cancel, completedJob, CREATE_BODY, createJob, enqueue, NO_LIMITS, oneJob, REQUEST_ID, requestIdTime, status,
  WHOLE_SECONDS_Z,
} from '../helpers/api.js';

const JOB_KEYS = ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt', 'finishedAt', 'numberOfRecords', 'fileSize', 'fileChecksum'];

/** The top-level keys of a JSON text in the order they appear. */
const keysOf = (text: string) => Object.keys(JSON.parse(text));

test('success envelope: requestId, result, success in that order, HTTP 200, JSON, no errors/warnings keys', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const res = await h.call(`${BASE}/create.json`, { method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: CREATE_BODY });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const text = await res.text();
  assert.deepEqual(keysOf(text), ['requestId', 'result', 'success']);
  assert.match(text, /^\{"requestId":"[0-9a-f]{4,5}#[0-9a-f]+","result":\[\{"exportId":"[0-9a-f-]{36}","format":"CSV","status":"Created","createdAt":"2026-01-15T12:00:00Z"\}\],"success":true\}$/);
  const list = await (await h.call(`${BASE}.json`, { token })).text();
  assert.deepEqual(keysOf(list), ['requestId', 'result', 'success']);
  assert.doesNotMatch(list, /"errors"|"warnings"|"nextPageToken"/);
});

test('error envelope: requestId, success false, errors with a string code; no result key; HTTP 200', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  for (const [path, init] of [
    [`${BASE}/${randomUUID()}/status.json`, { token }],
    [`${BASE}/create.json`, { method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: '{' }],
    [`${BASE}.json`, {}],
    ['/nope', {}],
  ] as const) {
    const res = await h.call(path, init);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.deepEqual(keysOf(text), ['requestId', 'success', 'errors'], path);
    const body = JSON.parse(text);
    assert.equal(body.success, false);
    assert.match(body.requestId, REQUEST_ID);
    assert.deepEqual(Object.keys(body.errors[0]), ['code', 'message']);
    assert.match(text, /"errors":\[\{"code":"\d+","message":"[^"]+"\}\]\}$/, 'code is a JSON string of digits');
  }
});

test('requestId is <4-5 hex>#<epoch ms in hex> of the request time, and differs between calls', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  const seen = new Set<string>();
  for (const at of [T0, T0 + 1234, Date.UTC(2030, 5, 1, 0, 0, 0, 7)]) {
    h.clock.set(at);
    const token = await h.token();
    for (let i = 0; i < 20; i++) {
      const body = await h.json(`${BASE}.json`, { token });
      assert.equal(body.success, true);
      assert.match(body.requestId, REQUEST_ID);
      assert.equal(requestIdTime(body.requestId), at);
      seen.add(body.requestId);
    }
  }
  assert.ok(seen.size >= 55, `requestIds should be (nearly) unique, got ${seen.size} of 60`);
});

test('job keys appear in order, only once they apply: Created, Queued, Processing, Completed, Cancelled', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity()]);
  const u = await h.user();
  const token = (await h.json(`/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${u.clientSecret}`)).access_token;

  const created = await createJob(h, token);
  assert.deepEqual(Object.keys(created), JOB_KEYS.slice(0, 4));

  h.clock.advance(61_000);
  const queued = oneJob(await enqueue(h, token, created.exportId));
  assert.deepEqual(Object.keys(queued), JOB_KEYS.slice(0, 5));
  assert.equal(queued.queuedAt, '2026-01-15T12:01:01Z');
  assert.equal(queued.createdAt, '2026-01-15T12:00:00Z');

  assert.equal(await h.tm.scheduler.waitForJob(created.exportId), 'Completed');
  const text = await (await h.call(`${BASE}/${created.exportId}/status.json`, { token })).text();
  const done = JSON.parse(text).result[0];
  assert.deepEqual(Object.keys(done), JOB_KEYS);
  assert.equal(done.numberOfRecords, 2);
  assert.equal(typeof done.fileSize, 'number');
  assert.match(done.fileChecksum, /^sha256:[0-9a-f]{64}$/);
  assert.ok(!('errorMsg' in done));
  for (const k of ['createdAt', 'queuedAt', 'startedAt', 'finishedAt']) assert.match(done[k], WHOLE_SECONDS_Z, k);

  // Processing (a row held there directly, since real exports finish in milliseconds).
  const id = randomUUID();
  await h.store.insertJob({
    exportId: id, owner: u.clientId, format: 'TSV', status: 'Processing', createdAt: T0, queuedAt: T0 + 1000, startedAt: T0 + 2000,
    request: { kind: 'activities', format: 'TSV', fields: ['leadId'], columnHeaderNames: {}, filter: { startMs: 0, endMs: 1000 } },
  });
  const processing = oneJob(await status(h, token, id));
  assert.deepEqual(Object.keys(processing), JOB_KEYS.slice(0, 6));
  assert.equal(processing.format, 'TSV');
  assert.equal(processing.startedAt, '2026-01-15T12:00:02Z');

  // Cancelled from Created: no queuedAt, startedAt or finishedAt; the spelling is Cancelled.
  const c = await createJob(h, token);
  const cancelled = oneJob(await cancel(h, token, c.exportId));
  assert.deepEqual(Object.keys(cancelled), JOB_KEYS.slice(0, 4));
  assert.equal(cancelled.status, 'Cancelled');
});

test('times are UTC whole seconds with Z even when the clock has milliseconds', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  h.clock.set(T0 + 999);
  const token = await h.token();
  const job = await createJob(h, token);
  assert.equal(job.createdAt, '2026-01-15T12:00:00Z');
  h.clock.set(T0 + 1_500);
  const queued = oneJob(await enqueue(h, token, job.exportId));
  assert.equal(queued.queuedAt, '2026-01-15T12:00:01Z');
  await h.tm.scheduler.waitForJob(job.exportId);
  const done = oneJob(await status(h, token, job.exportId));
  for (const k of ['createdAt', 'queuedAt', 'startedAt', 'finishedAt']) assert.match(done[k], WHOLE_SECONDS_Z, k);
});

test('a Completed job with 0 records shows numberOfRecords 0 and a header-sized fileSize', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const done = await completedJob(h, token);
  assert.deepEqual(Object.keys(done), JOB_KEYS);
  assert.equal(done.numberOfRecords, 0);
  assert.equal(done.fileSize, Buffer.byteLength('marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n'));
});

test('every JSON answer of the bulk API is an envelope with a requestId (list, status, enqueue, cancel, types)', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const job = await createJob(h, token);
  for (const [path, method] of [
    [`${BASE}.json`, 'GET'], [`${BASE}/${job.exportId}/status.json`, 'GET'], [`${BASE}/${job.exportId}/enqueue.json`, 'POST'],
    [`${BASE}/${job.exportId}/cancel.json`, 'POST'], ['/rest/v1/activities/types.json', 'GET'],
  ] as const) {
    const text = await (await h.call(path, { method, token })).text();
    assert.deepEqual(keysOf(text), ['requestId', 'result', 'success'], path);
    assert.ok(Array.isArray(JSON.parse(text).result));
  }
});

test('611 System error for anything unexpected: the cause never reaches the client', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const job = await createJob(h, token);
  const original = h.store.getJob.bind(h.store);
  h.store.getJob = async () => {
    throw new Error('boom at /var/secret/tidemark.sqlite');
  };
  try {
    for (const [path, method] of [[`${BASE}/${job.exportId}/status.json`, 'GET'], [`${BASE}/${job.exportId}/cancel.json`, 'POST']] as const) {
      const res = await h.call(path, { method, token });
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.doesNotMatch(text, /boom|secret|sqlite/i);
      const body = JSON.parse(text);
      assert.deepEqual(body.errors, [{ code: '611', message: 'System error' }]);
      assert.deepEqual(Object.keys(body), ['requestId', 'success', 'errors']);
    }
  } finally {
    h.store.getJob = original;
  }
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Created', 'the server keeps working');
});

test('HTTP 414 for a URI over 8 KB, before the token is looked at', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const res = await h.call(`${BASE}.json?status=${'Completed,'.repeat(900)}`);
  assert.equal(res.status, 414);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
});
