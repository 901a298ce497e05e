/**
 * decisions.md "Error codes ... job look-ups": not found (unknown and foreign alike), already
 * queued, transitions a status does not allow, idempotent cancel, and the 10-job queue limit.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { JobRecord } from '../../src/domain/job.js';
import { activity, startHarness, T0, type Harness } from '../helpers/harness.js';
import {
  assertError, BASE, cancel, completedJob, createJob, enqueue, NO_LIMITS, oneJob, status, userWithToken,
} from '../helpers/api.js';

const ACTIONS = [
  ['status', (h: Harness, token: string, id: string) => status(h, token, id)],
  ['enqueue', (h: Harness, token: string, id: string) => enqueue(h, token, id)],
  ['cancel', (h: Harness, token: string, id: string) => cancel(h, token, id)],
] as const;

/** A job row in `status`, stored directly (for states the API cannot hold still on its own). */
async function seedJob(h: Harness, owner: string, jobStatus: JobRecord['status'], extra: Partial<JobRecord> = {}): Promise<string> {
  const exportId = randomUUID();
  const now = h.clock.now();
  await h.store.insertJob({
    exportId, owner, format: 'CSV', status: jobStatus, createdAt: now,
    request: { kind: 'activities', format: 'CSV', fields: ['leadId'], columnHeaderNames: {}, filter: { startMs: now - 3_600_000, endMs: now } },
    ...(jobStatus !== 'Created' ? { queuedAt: now } : {}),
    ...(jobStatus !== 'Created' && jobStatus !== 'Queued' ? { startedAt: now } : {}),
    ...extra,
  });
  return exportId;
}

test('unknown exportId: 1003 Export job not found on status, enqueue and cancel', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  for (const id of [randomUUID(), 'not-a-uuid', '0']) {
    for (const [, act] of ACTIONS) assertError(await act(h, token, id), '1003', `Export job '${id}' not found`);
  }
});

test("another user's job: the same 1003 as an unknown id, and the job is untouched", async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const alice = await userWithToken(h);
  const bob = await userWithToken(h);
  const job = await createJob(h, alice.token);
  const unknown = randomUUID();
  for (const [name, act] of ACTIONS) {
    const foreign = assertError(await act(h, bob.token, job.exportId), '1003');
    const missing = assertError(await act(h, bob.token, unknown), '1003');
    assert.equal(foreign, `Export job '${job.exportId}' not found`, name);
    assert.equal(foreign.replace(job.exportId, 'X'), missing.replace(unknown, 'X'), `${name}: foreign and unknown must read alike`);
  }
  // Bob's failed enqueue and cancel changed nothing.
  assert.equal(oneJob(await status(h, alice.token, job.exportId)).status, 'Created');
});

test('a user with read-write role cannot see a read-only user\'s job either', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const ro = await userWithToken(h, 'read-only-activity');
  const rw = await userWithToken(h, 'read-write-activity');
  const job = await createJob(h, ro.token);
  assertError(await status(h, rw.token, job.exportId), '1003', `Export job '${job.exportId}' not found`);
  assert.equal(oneJob(await status(h, ro.token, job.exportId)).status, 'Created');
});

test('enqueue a Queued job: 1029 Job already queued', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.tm.scheduler.stop(); // nothing leaves Queued
  const token = await h.token();
  const job = await createJob(h, token);
  assert.equal(oneJob(await enqueue(h, token, job.exportId)).status, 'Queued');
  assertError(await enqueue(h, token, job.exportId), '1029', 'Job already queued');
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Queued');
});

test('enqueue a Processing job: 1029 Job already queued', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  const id = await seedJob(h, u.clientId, 'Processing');
  assert.equal(oneJob(await status(h, u.token, id)).status, 'Processing');
  assertError(await enqueue(h, u.token, id), '1029', 'Job already queued');
});

test('enqueue a Completed job: 1003 naming the status', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity()]);
  const token = await h.token();
  const job = await completedJob(h, token);
  assertError(await enqueue(h, token, job.exportId), '1003', /Completed/);
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Completed');
});

test('enqueue a Cancelled job: 1003 naming the status', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const job = await createJob(h, token);
  assert.equal(oneJob(await cancel(h, token, job.exportId)).status, 'Cancelled');
  assertError(await enqueue(h, token, job.exportId), '1003', /Cancelled/);
});

test('a job whose export fails: Failed with errorMsg; enqueue and cancel answer 1003 naming Failed', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  // A stored request naming a column the store cannot build makes the export worker throw: the
  // scheduler must record Failed (not 611, not a stuck Processing).
  const id = randomUUID();
  await h.store.insertJob({
    exportId: id, owner: u.clientId, format: 'CSV', status: 'Queued', createdAt: T0, queuedAt: T0,
    request: { kind: 'activities', format: 'CSV', fields: ['noSuchColumn' as never], columnHeaderNames: {}, filter: { startMs: T0 - 3_600_000, endMs: T0 } },
  });
  h.tm.scheduler.kick();
  assert.equal(await h.tm.scheduler.waitForJob(id), 'Failed');
  const view = oneJob(await status(h, u.token, id));
  assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt', 'finishedAt', 'errorMsg']);
  assert.equal(view.status, 'Failed');
  assert.match(view.errorMsg, /^Export failed/);
  assert.doesNotMatch(view.errorMsg, /noSuchColumn|SQLITE|column/i, 'the cause goes to the log, not to the client');
  assertError(await enqueue(h, u.token, id), '1003', /Failed/);
  assertError(await cancel(h, u.token, id), '1003', /Failed/);
  const file = await h.call(`${BASE}/${id}/file.json`, { token: u.token });
  assert.equal(file.status, 404);
  assert.deepEqual((await h.store.listJobs({ owner: u.clientId, createdSince: 0, offset: 0, limit: 10 })).map((j) => j.status), ['Failed']);
});

test('cancel a Completed job: 1003 naming the status; the job and file stay', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity()]);
  const token = await h.token();
  const job = await completedJob(h, token);
  assertError(await cancel(h, token, job.exportId), '1003', /Completed/);
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Completed');
  assert.equal((await h.call(`${BASE}/${job.exportId}/file.json`, { token })).status, 200);
});

test('cancel a Cancelled job returns the job again (success, unchanged)', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const job = await createJob(h, token);
  const first = await cancel(h, token, job.exportId);
  h.clock.advance(5000);
  const second = await cancel(h, token, job.exportId);
  assert.equal(second.success, true);
  assert.deepEqual(oneJob(second), oneJob(first));
  assert.equal(oneJob(second).status, 'Cancelled');
});

test('cancel works from Created and from Queued', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.tm.scheduler.stop();
  const token = await h.token();
  const a = await createJob(h, token);
  assert.equal(oneJob(await cancel(h, token, a.exportId)).status, 'Cancelled');
  const b = await createJob(h, token);
  oneJob(await enqueue(h, token, b.exportId));
  const cancelled = oneJob(await cancel(h, token, b.exportId));
  assert.equal(cancelled.status, 'Cancelled');
  assert.ok(cancelled.queuedAt, 'a cancelled job keeps the queuedAt it had');
});

test('10 jobs Queued + Processing: the 11th enqueue answers 1029 Too many jobs in queue', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  await h.tm.scheduler.stop(); // jobs stay Queued, so the count is exact
  const token = await h.token();
  const ids: string[] = [];
  for (let i = 0; i < 11; i++) ids.push((await createJob(h, token)).exportId);
  for (const id of ids.slice(0, 10)) assert.equal(oneJob(await enqueue(h, token, id)).status, 'Queued');
  assertError(await enqueue(h, token, ids[10]!), '1029', 'Too many jobs in queue');
  assert.equal(oneJob(await status(h, token, ids[10]!)).status, 'Created', 'a refused enqueue leaves the job Created');
  // Creating is still allowed; only enqueue is limited.
  assert.equal((await createJob(h, token)).status, 'Created');
  // Cancelling one frees a place.
  oneJob(await cancel(h, token, ids[0]!));
  assert.equal(oneJob(await enqueue(h, token, ids[10]!)).status, 'Queued');
});

test('the queue limit counts Processing jobs and every user of the subscription (maxQueued 2)', async (t) => {
  const h = await startHarness(t.name, { maxQueued: 2, maxProcessing: 1 });
  t.after(() => h.close());
  await h.tm.scheduler.stop();
  const alice = await userWithToken(h);
  const bob = await userWithToken(h);
  await seedJob(h, alice.clientId, 'Processing');
  const a = await createJob(h, alice.token);
  const b = await createJob(h, bob.token);
  assert.equal(oneJob(await enqueue(h, alice.token, a.exportId)).status, 'Queued');
  assertError(await enqueue(h, bob.token, b.exportId), '1029', 'Too many jobs in queue');
});
