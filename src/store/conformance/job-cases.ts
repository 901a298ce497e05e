/** Conformance cases: the job table and its state machine. */
import assert from 'node:assert/strict';
import { AlreadyQueued, InvalidTransition, JobNotFound, QueueFull } from '../../domain/errors.js';
import type { JobRecord, JobStatus } from '../../domain/job.js';
import type { Store } from '../store.js';
import { activity, job, request, T0, user } from './fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

const DAY = 86_400_000;
/** Leases are wall-clock; this one outlives any test. */
const LEASE = { owner: 'conformance', until: Date.now() + DAY };

async function insert(store: Store, ...jobs: JobRecord[]): Promise<void> {
  for (const j of jobs) await store.insertJob(j);
}
const statusOf = async (store: Store, id: string): Promise<JobStatus | undefined> => (await store.getJob(id))?.status;

/** A job in `status` with the timestamps that status implies. */
function at(id: string, status: JobStatus, over: Partial<JobRecord> = {}): JobRecord {
  const times: Partial<JobRecord> = {
    Created: {}, Queued: { queuedAt: T0 + 10 }, Processing: { queuedAt: T0 + 10, startedAt: T0 + 20 },
    Completed: { queuedAt: T0 + 10, startedAt: T0 + 20, finishedAt: T0 + 30, numberOfRecords: 2, fileSize: 100, fileChecksum: 'sha256:00' },
    Failed: { queuedAt: T0 + 10, startedAt: T0 + 20, finishedAt: T0 + 30, errorMsg: 'boom' },
    Cancelled: { queuedAt: T0 + 10, finishedAt: T0 + 30 },
  }[status];
  return job(id, { status, ...times, ...over });
}

export const jobCases: Record<string, StoreCase> = {
  'insertJob and getJob round-trip every field': async (store) => {
    const full = at('j-1', 'Completed', { owner: 'c-9', format: 'SSV' });
    full.request = { ...request({ startMs: T0 + 500, endMs: T0 + DAY, activityTypeIds: [24, 25], primaryAttributeValues: ['Ünï', ''] },
      ['actionResult', 'leadId'], 'SSV'), columnHeaderNames: { leadId: 'Lead, "ID"' } };
    const bare = job('j-2');
    await insert(store, full, bare);
    assert.deepEqual(await store.getJob('j-1'), full);
    assert.deepEqual(await store.getJob('j-2'), bare);
    assert.equal(await store.getJob('j-3'), undefined);
  },
  "listJobs: the owner's jobs, newest first, since createdSince": async (store) => {
    await insert(store, job('a1', { createdAt: T0 }), job('a2', { createdAt: T0 + 2 }), job('a3', { createdAt: T0 + 1 }),
      job('b1', { owner: 'client-b', createdAt: T0 + 3 }), job('a0', { createdAt: T0 - 8 * DAY }));
    const ids = async (q: Partial<Parameters<Store['listJobs']>[0]>): Promise<string[]> =>
      (await store.listJobs({ owner: 'client-a', createdSince: T0 - 7 * DAY, offset: 0, limit: 300, ...q })).map((j) => j.exportId);
    assert.deepEqual(await ids({}), ['a2', 'a3', 'a1']);
    assert.deepEqual(await ids({ createdSince: T0 + 1 }), ['a2', 'a3'], 'createdSince is inclusive');
    assert.deepEqual(await ids({ createdSince: T0 - 9 * DAY }), ['a2', 'a3', 'a1', 'a0']);
    assert.deepEqual(await ids({ offset: 1, limit: 1 }), ['a3']);
    assert.deepEqual(await ids({ offset: 2, limit: 5 }), ['a1']);
    assert.deepEqual(await ids({ offset: 3 }), []);
    assert.deepEqual(await ids({ owner: 'client-b' }), ['b1']);
    assert.deepEqual(await ids({ owner: 'client-c' }), []);
  },
  'listJobs filters by status': async (store) => {
    await insert(store, at('q', 'Queued', { createdAt: T0 + 1 }), at('c', 'Completed', { createdAt: T0 + 2 }),
      at('x', 'Cancelled', { createdAt: T0 + 3 }), at('p', 'Processing', { createdAt: T0 + 4 }));
    const ids = async (statuses: JobStatus[]): Promise<string[]> =>
      (await store.listJobs({ owner: 'client-a', createdSince: 0, offset: 0, limit: 300, statuses })).map((j) => j.exportId);
    assert.deepEqual(await ids(['Queued', 'Processing']), ['p', 'q']);
    assert.deepEqual(await ids(['Cancelled']), ['x']);
    assert.deepEqual(await ids(['Failed']), []);
  },
  'enqueueJob moves Created to Queued with queuedAt': async (store) => {
    await insert(store, job('j'));
    const queued = await store.enqueueJob('j', T0 + 5_000, 10);
    assert.deepEqual(queued, { ...job('j'), status: 'Queued', queuedAt: T0 + 5_000 });
    assert.deepEqual(await store.getJob('j'), queued);
  },
  'enqueueJob refuses Queued and Processing jobs with AlreadyQueued': async (store) => {
    await insert(store, at('q', 'Queued'), at('p', 'Processing'));
    for (const id of ['q', 'p']) await assert.rejects(store.enqueueJob(id, T0, 10), AlreadyQueued);
    assert.deepEqual(await store.getJob('q'), at('q', 'Queued'));
  },
  'enqueueJob refuses finished jobs with InvalidTransition naming the status': async (store) => {
    for (const status of ['Completed', 'Failed', 'Cancelled'] as const) {
      await insert(store, at(status, status));
      await assert.rejects(store.enqueueJob(status, T0, 10), (err: unknown) => {
        assert.ok(err instanceof InvalidTransition);
        assert.equal(err.status, status);
        assert.equal(err.action, 'enqueue');
        return true;
      });
      assert.equal(await statusOf(store, status), status);
    }
  },
  'enqueueJob throws QueueFull at maxQueued, counting Queued and Processing of every owner': async (store) => {
    await insert(store, at('q', 'Queued'), at('p', 'Processing', { owner: 'client-b' }), at('done', 'Completed'), job('new'), job('new2'));
    await assert.rejects(store.enqueueJob('new', T0, 2), QueueFull);
    assert.equal(await statusOf(store, 'new'), 'Created');
    assert.equal((await store.enqueueJob('new', T0, 3)).status, 'Queued');
    await assert.rejects(store.enqueueJob('new2', T0, 3), QueueFull);
  },
  'enqueueJob of an unknown job throws JobNotFound': async (store) => {
    await assert.rejects(store.enqueueJob('nope', T0, 10), (err: unknown) => err instanceof JobNotFound && err.exportId === 'nope');
  },
  'cancelJob cancels Created, Queued and Processing jobs': async (store) => {
    for (const status of ['Created', 'Queued', 'Processing'] as const) {
      await insert(store, at(status, status));
      const cancelled = await store.cancelJob(status, T0 + 99);
      assert.equal(cancelled.status, 'Cancelled');
      assert.equal(cancelled.finishedAt, T0 + 99);
      assert.equal(cancelled.queuedAt, at(status, status).queuedAt);
      assert.deepEqual(await store.getJob(status), cancelled);
    }
  },
  'cancelJob returns a Cancelled job unchanged': async (store) => {
    await insert(store, at('x', 'Cancelled'));
    assert.deepEqual(await store.cancelJob('x', T0 + DAY), at('x', 'Cancelled'));
    assert.deepEqual(await store.getJob('x'), at('x', 'Cancelled'));
  },
  'cancelJob refuses Completed and Failed jobs; unknown jobs are JobNotFound': async (store) => {
    for (const status of ['Completed', 'Failed'] as const) {
      await insert(store, at(status, status));
      await assert.rejects(store.cancelJob(status, T0), (err: unknown) => err instanceof InvalidTransition && err.status === status && err.action === 'cancel');
      assert.deepEqual(await store.getJob(status), at(status, status));
    }
    await assert.rejects(store.cancelJob('nope', T0), JobNotFound);
  },
  'claimNextJob takes Queued jobs FIFO by queuedAt, within maxProcessing': async (store) => {
    await insert(store, job('late', { createdAt: T0 }), job('early', { createdAt: T0 + 1 }), job('middle', { createdAt: T0 + 2 }));
    await store.enqueueJob('early', T0 + 100, 10);
    await store.enqueueJob('middle', T0 + 200, 10);
    await store.enqueueJob('late', T0 + 300, 10);
    const first = await store.claimNextJob(T0 + 1_000, 2, LEASE);
    assert.deepEqual(first, { ...job('early', { createdAt: T0 + 1 }), status: 'Processing', queuedAt: T0 + 100, startedAt: T0 + 1_000 });
    assert.equal((await store.claimNextJob(T0 + 1_001, 2, LEASE))?.exportId, 'middle');
    assert.equal(await store.claimNextJob(T0 + 1_002, 2, LEASE), undefined, 'two already Processing');
    assert.equal(await statusOf(store, 'late'), 'Queued');
    await store.transitionJob('early', 'Processing', { status: 'Completed', finishedAt: T0 + 2_000, numberOfRecords: 0, fileSize: 10 });
    assert.equal((await store.claimNextJob(T0 + 2_001, 2, LEASE))?.exportId, 'late');
    assert.equal(await store.claimNextJob(T0 + 2_002, 5, LEASE), undefined, 'nothing Queued');
  },
  'claimNextJob with mayStart: the head of the queue starts only when it says yes, and blocks the rest': async (store) => {
    await insert(store, job('head'), job('next', { createdAt: T0 + 1 }));
    await store.enqueueJob('head', T0 + 100, 10);
    await store.enqueueJob('next', T0 + 200, 10);
    const asked: string[] = [];
    const notHead = (j: JobRecord) => {
      asked.push(`${j.exportId}:${j.status}:${j.queuedAt}`);
      return j.exportId !== 'head';
    };
    assert.equal(await store.claimNextJob(T0 + 1_000, 2, LEASE, notHead), undefined, 'the head is not ready, and the job behind it waits');
    assert.deepEqual(asked, [`head:Queued:${T0 + 100}`], 'only the head is asked, with its stored record');
    assert.deepEqual([await statusOf(store, 'head'), await statusOf(store, 'next')], ['Queued', 'Queued']);
    const started = await store.claimNextJob(T0 + 2_000, 2, LEASE, (j) => j.exportId === 'head');
    assert.equal(started?.exportId, 'head');
    assert.equal(started?.startedAt, T0 + 2_000);
    assert.equal((await store.claimNextJob(T0 + 2_001, 2, LEASE, () => true))?.exportId, 'next');
  },
  'claimNextJob returns undefined on an empty table and ignores Created jobs': async (store) => {
    assert.equal(await store.claimNextJob(T0, 2, LEASE), undefined);
    await insert(store, job('c'));
    assert.equal(await store.claimNextJob(T0, 2, LEASE), undefined);
    assert.equal(await statusOf(store, 'c'), 'Created');
  },
  'transitionJob is a compare-and-set on the status': async (store) => {
    await insert(store, at('p', 'Processing'));
    const patch = { status: 'Completed', finishedAt: T0 + 50, numberOfRecords: 7, fileSize: 1234, fileChecksum: 'sha256:ab' } as const;
    assert.equal(await store.transitionJob('p', 'Queued', patch), undefined, 'wrong from-status');
    assert.equal(await statusOf(store, 'p'), 'Processing');
    const done = await store.transitionJob('p', 'Processing', patch);
    assert.deepEqual(done, { ...at('p', 'Processing'), ...patch });
    assert.equal(await store.transitionJob('p', 'Processing', { status: 'Failed', errorMsg: 'late' }), undefined, 'already moved on');
    assert.deepEqual(await store.getJob('p'), done);
    assert.equal(await store.transitionJob('nope', 'Processing', patch), undefined);
  },
  'transitionJob loses to a cancel that came first': async (store) => {
    await insert(store, at('p', 'Processing'));
    await store.cancelJob('p', T0 + 40);
    assert.equal(await store.transitionJob('p', 'Processing', { status: 'Completed', finishedAt: T0 + 50 }), undefined);
    assert.equal(await statusOf(store, 'p'), 'Cancelled');
  },
  'requeueProcessing puts every Processing job back, keeping queuedAt': async (store) => {
    await insert(store, at('p1', 'Processing'), at('p2', 'Processing', { queuedAt: T0 + 11 }), at('q', 'Queued'), at('c', 'Completed'));
    assert.equal(await store.requeueProcessing(), 2);
    const p2 = await store.getJob('p2');
    assert.equal(p2?.status, 'Queued');
    assert.equal(p2?.queuedAt, T0 + 11);
    assert.equal(p2?.startedAt, undefined, 'a Queued job has not started');
    assert.equal(await statusOf(store, 'c'), 'Completed');
    assert.equal(await store.requeueProcessing(), 0);
  },
  'requeueProcessing with ids touches only those Processing jobs': async (store) => {
    await insert(store, at('p1', 'Processing'), at('p2', 'Processing'), at('q', 'Queued'));
    assert.equal(await store.requeueProcessing(['p1', 'q', 'nope']), 1);
    assert.equal(await statusOf(store, 'p1'), 'Queued');
    assert.equal(await statusOf(store, 'p2'), 'Processing');
    assert.equal(await store.requeueProcessing([]), 0);
    assert.equal(await statusOf(store, 'p2'), 'Processing');
  },
  'requeued jobs are claimed before jobs queued after them': async (store) => {
    await insert(store, job('a'), job('b'), job('c'));
    await store.enqueueJob('a', T0 + 100, 10);
    await store.enqueueJob('b', T0 + 200, 10);
    await store.claimNextJob(T0 + 300, 2, LEASE);
    await store.claimNextJob(T0 + 301, 2, LEASE);
    await store.enqueueJob('c', T0 + 400, 10);
    await store.requeueProcessing(['b']);
    assert.equal((await store.claimNextJob(T0 + 500, 2, LEASE))?.exportId, 'b');
    await store.requeueProcessing();
    assert.deepEqual([(await store.claimNextJob(T0 + 600, 3, LEASE))?.exportId, (await store.claimNextJob(T0 + 601, 3, LEASE))?.exportId], ['a', 'b']);
    assert.equal((await store.claimNextJob(T0 + 602, 3, LEASE))?.exportId, 'c');
  },
  'exportedBytesSince sums fileSize of jobs Completed at or after since': async (store) => {
    assert.equal(await store.exportedBytesSince(0), 0);
    await insert(store,
      at('c1', 'Completed', { finishedAt: T0, fileSize: 1_000 }),
      at('c2', 'Completed', { finishedAt: T0 + 10, fileSize: 500_000_000 }),
      at('old', 'Completed', { finishedAt: T0 - 1, fileSize: 7 }),
      at('f', 'Failed', { finishedAt: T0 + 10, fileSize: 99 }),
      at('x', 'Cancelled', { finishedAt: T0 + 10, fileSize: 98 }),
      at('p', 'Processing', { fileSize: 97 }));
    assert.equal(await store.exportedBytesSince(T0), 500_001_000);
    assert.equal(await store.exportedBytesSince(T0 + 11), 0);
    assert.equal(await store.exportedBytesSince(T0 - 1), 500_001_007);
  },
  'jobOwnership gives status, finishedAt and the lease of Processing jobs, for the ids that exist': async (store) => {
    await insert(store, at('c1', 'Completed', { finishedAt: T0 }), at('f', 'Failed', { finishedAt: T0 - 5 }), at('q', 'Queued', { queuedAt: T0 }));
    await store.insertJob({ ...at('p', 'Queued', { queuedAt: T0 - 1 }) });
    const claimed = await store.claimNextJob(T0, 2, { owner: 'host:1:abc', until: T0 + 30_000 });
    assert.equal(claimed?.exportId, 'p');
    const owners = (await store.jobOwnership(['c1', 'f', 'q', 'p', 'nope', 'x\0'])).sort((a, b) => a.exportId.localeCompare(b.exportId));
    assert.deepEqual(owners, [
      { exportId: 'c1', status: 'Completed', finishedAt: T0 },
      { exportId: 'f', status: 'Failed', finishedAt: T0 - 5 },
      { exportId: 'p', status: 'Processing', lease: { owner: 'host:1:abc', until: T0 + 30_000 } },
      { exportId: 'q', status: 'Queued' },
    ]);
    assert.deepEqual(await store.jobOwnership([]), []);
  },
  'deleteJobsEndedBefore deletes ended jobs and old Created jobs, never Queued or Processing': async (store) => {
    const old = T0 - 40 * DAY;
    await insert(store,
      at('c-old', 'Completed', { createdAt: old, finishedAt: old + 1 }), at('f-old', 'Failed', { createdAt: old, finishedAt: old + 1 }),
      at('x-old', 'Cancelled', { createdAt: old, finishedAt: old + 1 }), job('created-old', { createdAt: old }),
      at('q-old', 'Queued', { createdAt: old, queuedAt: old }), at('p-old', 'Processing', { createdAt: old, queuedAt: old, startedAt: old }),
      at('c-recent', 'Completed', { createdAt: old, finishedAt: T0 }), job('created-recent', { createdAt: T0 }));
    assert.equal(await store.deleteJobsEndedBefore(T0 - 30 * DAY), 4);
    for (const gone of ['c-old', 'f-old', 'x-old', 'created-old']) assert.equal(await store.getJob(gone), undefined, gone);
    for (const kept of ['q-old', 'p-old', 'c-recent', 'created-recent']) assert.ok(await store.getJob(kept), kept);
    assert.equal(await store.deleteJobsEndedBefore(T0 - 30 * DAY), 0);
  },
  'claimNextJob requeues Processing jobs whose lease ran out, then claims them again': async (store) => {
    await insert(store, at('dead', 'Queued'), at('next', 'Queued', { queuedAt: T0 + 50 }));
    assert.equal((await store.claimNextJob(T0 + 100, 1, { owner: 'w1', until: Date.now() - 1 }))?.exportId, 'dead');
    // w1 died: its lease is already past, so w2 gets the same job back (it is oldest in the queue).
    const again = await store.claimNextJob(T0 + 200, 1, { owner: 'w2', until: Date.now() + DAY });
    assert.equal(again?.exportId, 'dead');
    assert.equal(again?.startedAt, T0 + 200);
    assert.equal(await store.claimNextJob(T0 + 300, 1, { owner: 'w2', until: Date.now() + DAY }), undefined, 'the limit counts the live claim');
  },
  'renewLeases keeps only the jobs the owner still holds in Processing': async (store) => {
    await insert(store, at('a', 'Queued'), at('b', 'Queued', { queuedAt: T0 + 50 }), at('c', 'Queued', { queuedAt: T0 + 60 }));
    await store.claimNextJob(T0, 3, { owner: 'w1', until: Date.now() + DAY });
    await store.claimNextJob(T0, 3, { owner: 'w1', until: Date.now() + DAY });
    await store.claimNextJob(T0, 3, { owner: 'w2', until: Date.now() + DAY });
    await store.cancelJob('b', T0 + 1);
    assert.deepEqual((await store.renewLeases('w1', ['a', 'b', 'c'], Date.now() + DAY)).sort(), ['a']);
    assert.deepEqual(await store.renewLeases('w1', [], Date.now()), []);
  },
  'countJobsByStatus counts every status, 0 for the empty ones': async (store) => {
    assert.deepEqual(await store.countJobsByStatus(), { Created: 0, Queued: 0, Processing: 0, Completed: 0, Failed: 0, Cancelled: 0 });
    await insert(store, at('a', 'Queued'), at('b', 'Queued', { queuedAt: T0 + 50 }), at('c', 'Completed'), at('d', 'Cancelled'));
    assert.deepEqual(await store.countJobsByStatus(), { Created: 0, Queued: 2, Processing: 0, Completed: 1, Failed: 0, Cancelled: 1 });
  },
  'resetData deletes jobs and tokens, keeps users; activities and leads only when asked': async (store) => {
    await store.createUser(user('c-1'));
    await insert(store, at('a', 'Queued'), at('b', 'Processing'), at('c', 'Completed'));
    await store.saveToken({ tokenHash: 't-1', nonce: 'n-1', clientId: 'c-1', issuedAt: T0, expiresAt: T0 + DAY });
    await store.importActivities([activity({ leadId: 77 }), activity({ leadId: 78 })]);
    assert.deepEqual(await store.resetData({ activities: false }), { jobs: 3, tokens: 1, activities: 0 });
    assert.equal(await store.getJob('a'), undefined);
    assert.equal(await store.findToken('t-1'), undefined);
    assert.equal(await store.countActivities(), 2, 'activities stay unless asked');
    assert.ok(await store.findUser('c-1'), 'users stay');
    assert.equal(await store.claimNextJob(T0, 2, LEASE), undefined, 'nothing left to claim');
    assert.deepEqual(await store.resetData({ activities: true }), { jobs: 0, tokens: 0, activities: 2 });
    assert.equal(await store.countActivities(), 0);
    assert.equal((await store.knownLeads([77, 78])).size, 0, 'leads go with their activities');
    await insert(store, at('d', 'Queued'));
    assert.equal((await store.claimNextJob(T0, 2, LEASE))?.exportId, 'd', 'the job table works after a reset');
  },
};
