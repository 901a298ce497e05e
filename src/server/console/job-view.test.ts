import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobRecord } from '../../domain/job.js';
import { createBodyOf, filterSummary, jobKind, timelineOf, toConsoleJob, waitReason } from './job-view.js';

const T0 = Date.parse('2026-01-15T12:00:00Z');
const job = (over: Partial<JobRecord> = {}): JobRecord => ({
  exportId: 'j1', owner: 'c1', format: 'CSV', status: 'Created', createdAt: T0,
  request: { kind: 'activities', format: 'CSV', fields: ['marketoGUID', 'leadId'], columnHeaderNames: {}, filter: { startMs: T0 - 86_400_000, endMs: T0 } },
  ...over,
});

test('waitReason: slots full, the next in line, a free slot, Created', () => {
  const queue = { queuedIds: ['a', 'b', 'c'], processing: 2, maxProcessing: 2 };
  assert.deepEqual(waitReason({ exportId: 'c', status: 'Queued' }, queue), { text: 'Processing slots full (2 of 2); position 3 in the queue', position: 3 });
  assert.deepEqual(waitReason({ exportId: 'a', status: 'Queued' }, queue), { text: 'Processing slots full (2 of 2); next in line', position: 1 });
  assert.deepEqual(waitReason({ exportId: 'a', status: 'Queued' }, { ...queue, processing: 1 }),
    { text: "next in line: a processing slot is free, it starts at the scheduler's next look", position: 1 });
  assert.deepEqual(waitReason({ exportId: 'c', status: 'Queued' }, { ...queue, processing: 1 }),
    { text: 'position 3 in the queue; 1 slot free for the jobs ahead', position: 3 });
  assert.deepEqual(waitReason({ exportId: 'x', status: 'Created' }, queue), { text: 'Created, not queued: it starts after enqueue' });
  assert.equal(waitReason({ exportId: 'x', status: 'Completed' }, queue), undefined);
  assert.deepEqual(waitReason({ exportId: 'gone', status: 'Queued' }, queue), { text: 'Queued: starting' });
});

test("waitReason with Marketo's timing: a Queued job also says when its queue wait ends", () => {
  const timing = { mode: 'marketo', refreshMs: 60_000, queueWaitMs: 90_000, queueJitterMs: 0, rowsPerSecond: 30, minProcessingMs: 0 } as const;
  const queue = { queuedIds: ['a'], processing: 0, maxProcessing: 2, timing, now: T0 + 30_000 };
  assert.deepEqual(waitReason({ exportId: 'a', status: 'Queued', queuedAt: T0 }, queue), {
    text: "next in line: a processing slot is free, it starts at the scheduler's next look; its queue wait (--timing marketo) ends 2026-01-15T12:01:30Z",
    position: 1,
  });
  assert.deepEqual(waitReason({ exportId: 'a', status: 'Queued', queuedAt: T0 }, { ...queue, now: T0 + 90_000 }),
    { text: "next in line: a processing slot is free, it starts at the scheduler's next look", position: 1 }, 'once the wait is over, no word of it');
});

test('createBodyOf gives back a create body in Marketo shape; filterSummary says it in a line', () => {
  const j = job();
  assert.ok(j.request.kind === 'activities');
  j.request.filter.activityTypeIds = [1, 6];
  j.request.filter.primaryAttributeValues = ['GL_OP_ALL_2026'];
  j.request.columnHeaderNames = { leadId: 'Lead' };
  assert.deepEqual(createBodyOf(j.request), {
    format: 'CSV', fields: ['marketoGUID', 'leadId'], columnHeaderNames: { leadId: 'Lead' },
    filter: { createdAt: { startAt: '2026-01-14T12:00:00Z', endAt: '2026-01-15T12:00:00Z' }, activityTypeIds: [1, 6], primaryAttributeValues: ['GL_OP_ALL_2026'] },
  });
  assert.equal(filterSummary(j.request), '2026-01-14 12:00:00 to 2026-01-15 12:00:00 UTC; types 1, 6; 1 primary attribute name');
});

test('timelineOf lists the steps that happened, in order; toConsoleJob carries every field', () => {
  const done = job({ status: 'Completed', queuedAt: T0 + 1000, startedAt: T0 + 2000, finishedAt: T0 + 5000, numberOfRecords: 3, fileSize: 90, fileChecksum: 'sha256:ab' });
  assert.deepEqual(timelineOf(done).map((s) => s.step), ['Created', 'Queued', 'Processing', 'Completed']);
  assert.deepEqual(timelineOf(job({ status: 'Cancelled', finishedAt: T0 + 10 })).map((s) => s.step), ['Created', 'Cancelled']);
  const view = toConsoleJob(done, 'etl', { queuedIds: [], processing: 0, maxProcessing: 2 });
  assert.equal(view.kind, 'activities');
  assert.equal(view.ownerName, 'etl');
  assert.equal(view.finishedAt, '2026-01-15T12:00:05Z');
  assert.equal(view.fileSize, 90);
  assert.equal(view.waiting, undefined);
  const leads = job({ request: { kind: 'leads', format: 'CSV', fields: ['id'], columnHeaderNames: {}, filter: { type: 'staticList', listId: 3001 } } });
  assert.equal(jobKind(leads), 'leads');
});

test('lead and program member jobs: their create bodies and filter lines', () => {
  const window = { type: 'updatedAt' as const, startMs: T0 - 86_400_000, endMs: T0 };
  const leads = job({ request: { kind: 'leads', format: 'TSV', fields: ['id', 'email'], columnHeaderNames: { id: 'Id' }, filter: window } });
  assert.deepEqual(createBodyOf(leads.request), {
    format: 'TSV', fields: ['id', 'email'], columnHeaderNames: { id: 'Id' },
    filter: { updatedAt: { startAt: '2026-01-14T12:00:00Z', endAt: '2026-01-15T12:00:00Z' } },
  });
  assert.equal(filterSummary(leads.request), 'updatedAt 2026-01-14 12:00:00 to 2026-01-15 12:00:00 UTC');
  const byName = job({ request: { kind: 'leads', format: 'CSV', fields: ['id'], columnHeaderNames: {}, filter: { type: 'smartList', listName: 'Hot' } } });
  assert.deepEqual(createBodyOf(byName.request).filter, { smartListName: 'Hot' });
  assert.equal(filterSummary(byName.request), "smart list 'Hot'");
  const members = job({
    request: {
      kind: 'programMembers', format: 'CSV', fields: ['leadId'], sources: ['member'], columnHeaderNames: {},
      filter: { programIds: [1001, 1002], several: true, statusNames: ['Member'], isExhausted: false },
    },
  });
  assert.deepEqual(createBodyOf(members.request).filter, { programIds: [1001, 1002], isExhausted: false, statusNames: ['Member'] });
  assert.equal(filterSummary(members.request), 'programs 1001, 1002; status Member; isExhausted false');
});
