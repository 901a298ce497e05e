import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { activity, createBody, JSON_HEADERS, startHarness, T0 } from './helpers/harness.js';

test('smoke: create, enqueue, complete, download matches checksum', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity({ activityDate: T0 - 7200_000 })]);
  const token = await h.token();
  const created = await h.json('/bulk/v1/activities/export/create.json', {
    method: 'POST', token, headers: JSON_HEADERS, body: createBody('2026-01-15T00:00:00Z', '2026-01-16T00:00:00Z'),
  });
  assert.equal(created.success, true);
  const id = created.result[0].exportId;
  const queued = await h.json(`/bulk/v1/activities/export/${id}/enqueue.json`, { method: 'POST', token });
  assert.equal(queued.result[0].status, 'Queued');
  assert.equal(await h.tm.scheduler.waitForJob(id), 'Completed');
  const status = (await h.json(`/bulk/v1/activities/export/${id}/status.json`, { token })).result[0];
  assert.equal(status.numberOfRecords, 2);
  const bytes = Buffer.from(await (await h.call(`/bulk/v1/activities/export/${id}/file.json`, { token })).arrayBuffer());
  assert.equal(bytes.length, status.fileSize);
  assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, status.fileChecksum);
});
