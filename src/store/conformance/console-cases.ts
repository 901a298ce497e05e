/** Conformance cases: the console's queries (every owner's jobs, the queue order, data per day, roles). */
import assert from 'node:assert/strict';
import type { AllJobsQuery, Store } from '../store.js';
import { activity, job, T0, user } from './fixtures.js';
import { lead } from './lead-fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

const DAY = 86_400_000;

async function ids(store: Store, q: Partial<AllJobsQuery> = {}): Promise<{ ids: string[]; total: number }> {
  const page = await store.listAllJobs({ offset: 0, limit: 100, ...q });
  return { ids: page.jobs.map((j) => j.exportId), total: page.total };
}

export const consoleCases: Record<string, StoreCase> = {
  'listAllJobs: every owner, newest first, with the total that match': async (store) => {
    await store.insertJob(job('a1', { owner: 'client-a', createdAt: T0 }));
    await store.insertJob(job('b1', { owner: 'client-b', createdAt: T0 + 2, status: 'Queued', queuedAt: T0 + 3 }));
    await store.insertJob(job('a2', { owner: 'client-a', createdAt: T0 + 1, status: 'Cancelled', finishedAt: T0 + 4 }));
    // Jobs older than the list window of export.json still show: the console sees the whole table.
    await store.insertJob(job('c1', { owner: 'client-c', createdAt: T0 - 20 * DAY }));
    assert.deepEqual(await ids(store), { ids: ['b1', 'a2', 'a1', 'c1'], total: 4 });
    assert.deepEqual(await ids(store, { offset: 1, limit: 2 }), { ids: ['a2', 'a1'], total: 4 });
    assert.deepEqual(await ids(store, { offset: 4 }), { ids: [], total: 4 });
    assert.deepEqual(await ids(store, { owners: ['client-a'] }), { ids: ['a2', 'a1'], total: 2 });
    assert.deepEqual(await ids(store, { owners: ['client-a', 'client-c'], statuses: ['Created'] }), { ids: ['a1', 'c1'], total: 2 });
    assert.deepEqual(await ids(store, { statuses: ['Queued', 'Cancelled'] }), { ids: ['b1', 'a2'], total: 2 });
    assert.deepEqual(await ids(store, { statuses: ['Failed'] }), { ids: [], total: 0 });
    assert.deepEqual(await ids(store, { owners: ['nobody\0'] }), { ids: [], total: 0 });
    const [first] = (await store.listAllJobs({ owners: ['client-b'], offset: 0, limit: 1 })).jobs;
    assert.deepEqual(first, await store.getJob('b1'), 'the page holds whole job records');
  },
  'listAllJobs pages through a thousand jobs without gaps or repeats': async (store) => {
    for (let i = 0; i < 1000; i++) await store.insertJob(job(`j${String(i).padStart(4, '0')}`, { owner: `client-${i % 7}`, createdAt: T0 + (i % 250) }));
    const seen: string[] = [];
    for (let offset = 0; ; offset += 300) {
      const page = await store.listAllJobs({ offset, limit: 300 });
      assert.equal(page.total, 1000);
      seen.push(...page.jobs.map((j) => j.exportId));
      if (page.jobs.length < 300) break;
    }
    assert.equal(seen.length, 1000);
    assert.equal(new Set(seen).size, 1000);
  },
  'queuedJobIds: Queued jobs in claim order (queuedAt, then createdAt, then id)': async (store) => {
    await store.insertJob(job('late', { status: 'Queued', queuedAt: T0 + 30, createdAt: T0 }));
    await store.insertJob(job('early', { status: 'Queued', queuedAt: T0 + 10, createdAt: T0 + 5 }));
    await store.insertJob(job('tie-b', { status: 'Queued', queuedAt: T0 + 20, createdAt: T0 + 1 }));
    await store.insertJob(job('tie-a', { status: 'Queued', queuedAt: T0 + 20, createdAt: T0 + 1 }));
    await store.insertJob(job('running', { status: 'Processing', queuedAt: T0, startedAt: T0 + 1 }));
    await store.insertJob(job('new'));
    assert.deepEqual(await store.queuedJobIds(), ['early', 'tie-a', 'tie-b', 'late']);
    const claimed = await store.claimNextJob(T0 + 40, 5, { owner: 'conformance', until: Date.now() + DAY });
    assert.equal(claimed?.exportId, 'early', 'the scheduler claims the head of queuedJobIds');
    assert.deepEqual(await store.queuedJobIds(), ['tie-a', 'tie-b', 'late']);
  },
  'activityCountsByDay counts activities per UTC day and type': async (store) => {
    assert.deepEqual(await store.activityCountsByDay(), []);
    const day0 = Math.floor(T0 / DAY) * DAY;
    await store.importActivities([
      activity({ activityDate: day0, activityTypeId: 1 }),
      activity({ activityDate: day0 + DAY - 1000, activityTypeId: 1 }),
      activity({ activityDate: day0 + 5000, activityTypeId: 12 }),
      activity({ activityDate: day0 + DAY, activityTypeId: 1 }),
      activity({ activityDate: day0 + 3 * DAY + 7000, activityTypeId: 100001 }),
    ]);
    assert.deepEqual(await store.activityCountsByDay(), [
      { day: day0, activityTypeId: 1, count: 2 },
      { day: day0, activityTypeId: 12, count: 1 },
      { day: day0 + DAY, activityTypeId: 1, count: 1 },
      { day: day0 + 3 * DAY, activityTypeId: 100001, count: 1 },
    ]);
  },
  'leadCountsByDay counts active leads per UTC day of createdAt': async (store) => {
    assert.deepEqual(await store.leadCountsByDay(), []);
    const day0 = Math.floor(T0 / DAY) * DAY;
    const iso = (ms: number) => new Date(ms).toISOString();
    await store.importLeads([
      lead({ id: 1, createdAt: iso(day0) }),
      lead({ id: 2, createdAt: iso(day0 + DAY - 1000) }),
      lead({ id: 3, createdAt: iso(day0 + 2 * DAY + 5000) }),
      lead({ id: 4, createdAt: iso(day0 + 2 * DAY), deleted: true }),
      lead({ id: 5, createdAt: iso(day0 + 2 * DAY), mergedInto: 1 }),
      lead({ id: 6, createdAt: '1969-12-31T23:00:00Z' }),
    ]);
    // A lead known only from its activities has no createdAt and is no lead a lead export finds.
    await store.importActivities([activity({ leadId: 777 })]);
    assert.deepEqual(await store.leadCountsByDay(), [
      { day: -DAY, count: 1 },
      { day: day0, count: 2 },
      { day: day0 + 2 * DAY, count: 1 },
    ]);
    // An update that moves createdAt moves the count.
    await store.importLeads([lead({ id: 2, createdAt: iso(day0 + 2 * DAY) })]);
    assert.deepEqual((await store.leadCountsByDay()).filter((d) => d.day >= day0), [{ day: day0, count: 1 }, { day: day0 + 2 * DAY, count: 2 }]);
  },
  'setUserRole changes only that user and says whether it existed': async (store) => {
    await store.createUser(user('c-1'));
    await store.createUser(user('c-2'));
    assert.equal(await store.setUserRole('c-1', 'read-write-activity,read-only-lead'), true);
    assert.equal((await store.findUser('c-1'))?.role, 'read-write-activity,read-only-lead');
    assert.equal((await store.findUser('c-2'))?.role, 'read-only-activity');
    assert.equal(await store.setUserRole('nobody', 'none'), false);
  },
};
