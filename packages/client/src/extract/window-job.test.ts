/** One window's job, alone, against the in-memory Marketo: the positions it reports and what it returns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarketoClient } from '../api/client.js';
import type { ExportJob } from '../api/types.js';
import { activities, FakeMarketo, SINCE, UNTIL } from '../testing/fake-marketo.js';
import { planExtraction, windowRequest } from './plan.js';
import type { ExtractParams } from './state.js';
import { MAX_JOB_ATTEMPTS, runWindowJob, type JobPosition, type WindowJobContext } from './window-job.js';

const params: ExtractParams = { endpoint: 'http://fake.test', since: SINCE, until: UNTIL, format: 'csv', out: 'unused.csv' };
const window0 = planExtraction(params).windows[0]!;
const request = windowRequest(params, window0);

function setup() {
  const server = new FakeMarketo(activities());
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: server.fetch, sleep: async () => {} });
  const steps: [JobPosition, string | undefined][] = [];
  let paced = 0;
  const ctx: WindowJobContext = {
    client, signal: new AbortController().signal,
    pace: async () => void paced++,
    poll: { firstMs: 1, backoff: 1, maxMs: 1, queueFullFirstMs: 1, queueFullMaxMs: 1 },
    onStep: (at, job?: ExportJob) => steps.push([at, job?.status]),
  };
  return { server, ctx, steps, paced: () => paced };
}

test('from pending: create, enqueue, poll to Completed; each move reported; every call paced', async () => {
  const s = setup();
  const done = await runWindowJob({ phase: 'pending' }, request, s.ctx);
  assert.deepEqual(s.steps, [[{ phase: 'created', exportId: 'job-0' }, 'Created'], [{ phase: 'queued', exportId: 'job-0' }, 'Queued']]);
  const job = s.server.jobs[0]!;
  assert.deepEqual([done.exportId, done.fileSize, done.job.status], ['job-0', job.file!.length, 'Completed']);
  assert.match(done.fileChecksum!, /^sha256:[0-9a-f]{64}$/);
  assert.equal(done.records, job.file!.toString().split('\n').length - 2);
  assert.equal(s.paced(), 2 + 2, 'create, enqueue and the two status polls');
});

test('resumed at queued with a job the server still has: no new job', async () => {
  const s = setup();
  await runWindowJob({ phase: 'pending' }, request, s.ctx);
  const again = setup();
  again.server.jobs = s.server.jobs;
  const done = await runWindowJob({ phase: 'queued', exportId: 'job-0' }, request, again.ctx);
  assert.equal(done.exportId, 'job-0');
  assert.equal(again.server.jobs.length, 1);
  assert.deepEqual(again.steps, []);
});

test('resumed with a job the server no longer knows (1003): back to pending, a new job', async () => {
  const s = setup();
  const done = await runWindowJob({ phase: 'created', exportId: 'gone' }, request, s.ctx);
  assert.deepEqual(s.steps.map(([at]) => at), [{ phase: 'pending' }, { phase: 'created', exportId: 'job-0' }, { phase: 'queued', exportId: 'job-0' }]);
  assert.equal(done.exportId, 'job-0');
});

test(`a job that fails is run again; after ${MAX_JOB_ATTEMPTS} failures the error names the window and the job`, async () => {
  const s = setup();
  s.server.failFirstJobOfWindow = 0;
  const done = await runWindowJob({ phase: 'pending' }, request, s.ctx);
  assert.equal(done.exportId, 'job-1');
  assert.deepEqual(s.steps.map(([at, status]) => [at.phase, status]), [['created', 'Created'], ['queued', 'Queued'], ['pending', 'Failed'], ['created', 'Created'], ['queued', 'Queued']]);

  const always = setup();
  const status = always.server.fetch;
  always.server.fetch = async (url, init) => {
    const res = await status(url, init);
    const job = always.server.jobs.find((j) => url.includes(`/${j.exportId}/status.json`) && j.status === 'Completed');
    if (job) job.status = 'Failed';
    return job ? Response.json({ requestId: 'x', success: true, result: [{ exportId: job.exportId, format: 'CSV', status: 'Failed', createdAt: '2026-01-15T12:00:00Z', errorMsg: 'disk full' }] }) : res;
  };
  always.ctx.client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: always.server.fetch, sleep: async () => {} });
  await assert.rejects(runWindowJob({ phase: 'pending' }, request, always.ctx),
    new RegExp(`^Error: window 2025-09-01T00:00:00Z\\.\\.2025-10-01T23:59:59Z: job job-2 ended Failed \\(disk full\\) ${MAX_JOB_ATTEMPTS} times$`));
});

test('while the server queue is full it waits and asks again, without creating another job', async () => {
  const s = setup();
  s.server.maxQueued = 0;
  let tries = 0;
  const enqueue = s.server.fetch;
  s.server.fetch = async (url, init) => {
    if (url.endsWith('/enqueue.json') && ++tries === 3) s.server.maxQueued = 10;
    return enqueue(url, init);
  };
  s.ctx.client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  await runWindowJob({ phase: 'pending' }, request, s.ctx);
  assert.equal(s.server.queueFullAnswers, 2);
  assert.equal(s.server.jobs.length, 1);
});

test('an enqueue whose answer was lost finds its job already past the queue (1003): the job is followed, not failed', async () => {
  const s = setup();
  const serve = s.server.fetch;
  let enqueues = 0;
  s.server.fetch = async (url, init) => {
    const res = await serve(url, init);
    // The first enqueue takes effect, but its answer is the one a retry gets from a fast server.
    if (!url.endsWith('/enqueue.json') || ++enqueues > 1) return res;
    return Response.json({ requestId: 'x', success: false, errors: [{ code: '1003', message: "Cannot enqueue export job 'job-0': its status is Completed" }] });
  };
  s.ctx.client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  const done = await runWindowJob({ phase: 'pending' }, request, s.ctx);
  assert.equal(done.exportId, 'job-0');
  assert.equal(done.job.status, 'Completed');
  assert.equal(s.server.jobs.length, 1, 'no second job');
});

test('a 1003 refusal of an enqueue whose job is still Created is not swallowed', async () => {
  const s = setup();
  const serve = s.server.fetch;
  s.server.fetch = async (url, init) => url.endsWith('/enqueue.json')
    ? Response.json({ requestId: 'x', success: false, errors: [{ code: '1003', message: 'Export job is not in a state to be enqueued' }] })
    : serve(url, init);
  s.ctx.client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  await assert.rejects(runWindowJob({ phase: 'pending' }, request, s.ctx), /not in a state to be enqueued/);
});
