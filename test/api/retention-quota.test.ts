/**
 * Daily export quota (create and enqueue, reset at 00:00 America/Chicago, running jobs finish)
 * and status retention (30 days), over HTTP with the ManualClock.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { MB } from '../../src/domain/quota.js';
import { startHarness, T0, type Harness } from '../helpers/harness.js';
import {
  assertError, cancel, completedJob, createJob, DAY, enqueue, manyActivities, oneJob, status, tokenFor, userWithToken,
} from '../helpers/api.js';

/** T0 is 2026-01-15T12:00Z = 06:00 in Chicago (CST, UTC-6): today began 6 h ago, tomorrow starts in 18 h. */
const CHICAGO_TODAY = T0 - 6 * 3_600_000;
const CHICAGO_TOMORROW = T0 + 18 * 3_600_000;

async function seedCompleted(h: Harness, owner: string, fileSize: number, finishedAt: number): Promise<string> {
  const exportId = randomUUID();
  await h.store.insertJob({
    exportId, owner, format: 'CSV', status: 'Completed', createdAt: finishedAt - 60_000, queuedAt: finishedAt - 60_000,
    startedAt: finishedAt - 30_000, finishedAt, numberOfRecords: 1, fileSize, fileChecksum: `sha256:${'0'.repeat(64)}`,
    request: { kind: 'activities', format: 'CSV', fields: ['leadId'], columnHeaderNames: {}, filter: { startMs: 0, endMs: 1000 } },
  });
  return exportId;
}

test('a real export over 1 MiB spends a 1 MB quota: create and enqueue answer 1029; a queued job still completes', async (t) => {
  const h = await startHarness(t.name, { dailyQuotaMb: 1, maxProcessing: 1 });
  t.after(() => h.close());
  await h.store.importActivities(manyActivities(2_200, { big: true }));
  const token = await h.token();
  const later = await createJob(h, token); // Created before the quota is spent
  const first = await createJob(h, token);
  const second = await createJob(h, token);
  oneJob(await enqueue(h, token, first.exportId));
  oneJob(await enqueue(h, token, second.exportId)); // Queued before the quota is spent
  assert.equal(await h.tm.scheduler.waitForJob(first.exportId), 'Completed');
  assert.equal(await h.tm.scheduler.waitForJob(second.exportId), 'Completed', 'Marketo checks at create and enqueue only');
  const done = oneJob(await status(h, token, first.exportId));
  assert.ok(done.fileSize > MB, `the export must be over 1 MiB, was ${done.fileSize}`);

  assertError(await h.json('/bulk/v1/activities/export/create.json', {
    method: 'POST', token, headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filter: { createdAt: { startAt: '2026-01-15T00:00:00Z', endAt: '2026-01-15T01:00:00Z' } } }),
  }), '1029', 'Export daily quota 1MB exceeded.');
  assertError(await enqueue(h, token, later.exportId), '1029', 'Export daily quota 1MB exceeded.');
  assert.equal(oneJob(await status(h, token, later.exportId)).status, 'Created');
  // Looking at and cancelling jobs is not limited by the quota.
  assert.equal(oneJob(await cancel(h, token, later.exportId)).status, 'Cancelled');
});

test('the quota counts every user of the subscription and resets at 00:00 America/Chicago', async (t) => {
  const h = await startHarness(t.name, { dailyQuotaMb: 1 });
  t.after(() => h.close());
  const alice = await userWithToken(h);
  const bob = await userWithToken(h);
  await seedCompleted(h, alice.clientId, MB, CHICAGO_TODAY); // finished at 00:00 Chicago today: counts
  assertError(await h.json('/bulk/v1/activities/export/create.json', {
    method: 'POST', token: bob.token, headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filter: { createdAt: { startAt: '2026-01-15T00:00:00Z', endAt: '2026-01-15T01:00:00Z' } } }),
  }), '1029', 'Export daily quota 1MB exceeded.');

  h.clock.set(CHICAGO_TOMORROW - 1000);
  const bobToken = await tokenFor(h, bob); // the old token has expired
  await assert.rejects(createJob(h, bobToken), /1029/, 'one second before midnight in Chicago the quota is still spent');
  h.clock.set(CHICAGO_TOMORROW);
  assert.equal((await createJob(h, bobToken)).status, 'Created', 'a new Chicago day, a new quota');
});

test('bytes exported before 00:00 Chicago today do not count; under the quota create and enqueue pass', async (t) => {
  const h = await startHarness(t.name, { dailyQuotaMb: 1 });
  t.after(() => h.close());
  const u = await userWithToken(h);
  await seedCompleted(h, u.clientId, 10 * MB, CHICAGO_TODAY - 1000); // yesterday, Chicago time
  await seedCompleted(h, u.clientId, MB - 1, T0 - 60_000); // today, just under 1 MiB
  const job = await createJob(h, u.token);
  assert.equal(oneJob(await enqueue(h, u.token, job.exportId)).status, 'Queued');
  await h.tm.scheduler.waitForJob(job.exportId);
});

test('quota 0 means unlimited', async (t) => {
  const h = await startHarness(t.name, { dailyQuotaMb: 0 });
  t.after(() => h.close());
  const u = await userWithToken(h);
  await seedCompleted(h, u.clientId, 10_000 * MB, T0 - 60_000);
  const job = await createJob(h, u.token);
  assert.equal(oneJob(await enqueue(h, u.token, job.exportId)).status, 'Queued');
  await h.tm.scheduler.waitForJob(job.exportId);
});

test('the default quota message says 500MB', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await userWithToken(h);
  await seedCompleted(h, u.clientId, 500 * MB, T0 - 60_000);
  await assert.rejects(createJob(h, u.token), /Export daily quota 500MB exceeded\./);
});

test('job status is kept 30 days after the job finished, then answers 1003 not found', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  let token = await tokenFor(h, u);
  await h.store.importActivities(manyActivities(3));
  const job = await completedJob(h, token);
  const finishedAt = Date.parse(job.finishedAt);

  h.clock.set(finishedAt + 30 * DAY - 1000);
  token = await tokenFor(h, u);
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Completed');

  h.clock.set(finishedAt + 30 * DAY);
  token = await tokenFor(h, u);
  assertError(await status(h, token, job.exportId), '1003', `Export job '${job.exportId}' not found`);
  assertError(await cancel(h, token, job.exportId), '1003', `Export job '${job.exportId}' not found`);
  assertError(await enqueue(h, token, job.exportId), '1003', `Export job '${job.exportId}' not found`);
});

test('a job that never ran is kept 30 days after it was created', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const job = await createJob(h, await tokenFor(h, u));
  h.clock.advance(30 * DAY - 1000);
  assert.equal(oneJob(await status(h, await tokenFor(h, u), job.exportId)).status, 'Created');
  h.clock.advance(1000);
  assertError(await status(h, await tokenFor(h, u), job.exportId), '1003', `Export job '${job.exportId}' not found`);
});
