/**
 * The job lifecycle over HTTP with real exports: Created -> Queued -> Processing -> Completed,
 * cancelling a Processing job (worker stopped, no file left), the max-processing limit and FIFO.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { silentLogger } from '../../src/lib/logger.js';
import { createTidemark } from '../../src/server/main.js';
import { activity, startHarness, T0, type Harness } from '../helpers/harness.js';
import {
  assertError, BASE, cancel, createJob, download, enqueue, manyActivities, NO_LIMITS, oneJob, status,
} from '../helpers/api.js';


/** Polls the job's status until it leaves Queued (bounded); returns that status. */
async function pastQueued(h: Harness, token: string, exportId: string) {
  let view = oneJob(await status(h, token, exportId));
  for (let i = 0; view.status === 'Queued' && i < 100; i++) {
    await new Promise((r) => setImmediate(r));
    view = oneJob(await status(h, token, exportId));
  }
  return view;
}

test('Created -> Queued -> Completed, with times from the clock', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity(), activity()]);
  const token = await h.token();
  const job = await createJob(h, token);
  assert.equal(job.status, 'Created');
  assert.equal(oneJob(await status(h, token, job.exportId)).status, 'Created');
  h.clock.advance(30_000);
  const queued = oneJob(await enqueue(h, token, job.exportId));
  assert.equal(queued.status, 'Queued');
  assert.equal(queued.queuedAt, '2026-01-15T12:00:30Z');
  assert.equal(await h.tm.scheduler.waitForJob(job.exportId), 'Completed');
  const done = oneJob(await status(h, token, job.exportId));
  assert.equal(done.status, 'Completed');
  assert.equal(done.createdAt, '2026-01-15T12:00:00Z');
  assert.equal(done.startedAt, '2026-01-15T12:00:30Z');
  assert.equal(done.finishedAt, '2026-01-15T12:00:30Z');
  assert.equal(done.numberOfRecords, 3);
  const file = await download(h, token, job.exportId);
  assert.equal(file.body.length, done.fileSize);
  assert.equal(file.text.split('\n').length, 5);
});

test('cancel a Processing job: it stops at once, no file (final or partial) is left, and it never completes', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  await h.store.importActivities(manyActivities(100_000, { big: true })); // an export of ~50 MB: most of a second
  const token = await h.token();
  const job = await createJob(h, token);
  const exportsDir = join(h.dataDir, 'exports');
  oneJob(await enqueue(h, token, job.exportId));
  const view = await pastQueued(h, token, job.exportId);
  assert.equal(view.status, 'Processing');
  assert.deepEqual(Object.keys(view), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt']);

  const cancelled = oneJob(await cancel(h, token, job.exportId));
  assert.equal(cancelled.status, 'Cancelled');
  assert.ok(cancelled.startedAt, 'the job had started');
  // When cancel answers, the worker is gone and its partial output deleted.
  assert.deepEqual(readdirSync(exportsDir).filter((f) => f.startsWith(job.exportId)), []);
  assert.equal(await h.tm.scheduler.waitForJob(job.exportId), 'Cancelled');
  const after = oneJob(await status(h, token, job.exportId));
  assert.equal(after.status, 'Cancelled');
  assert.ok(!('numberOfRecords' in after) && !('fileSize' in after) && !('fileChecksum' in after) && !('finishedAt' in after));
  assert.equal((await download(h, token, job.exportId)).status, 404);
  assert.equal(existsSync(join(exportsDir, `${job.exportId}.export`)), false);
  assert.equal(existsSync(join(exportsDir, `${job.exportId}.export.part`)), false);
  // Cancel again is idempotent; enqueue is refused.
  assert.deepEqual(oneJob(await cancel(h, token, job.exportId)), cancelled);
  assertError(await enqueue(h, token, job.exportId), '1003', /Cancelled/);

  // The processing slot is free again: a new job runs to completion.
  const next = await createJob(h, token, {}, { activityTypeIds: [6] });
  oneJob(await enqueue(h, token, next.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(next.exportId), 'Completed');
});

test('never more than maxProcessing (2) jobs Processing at once; the rest wait Queued; all complete', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  await h.store.importActivities(manyActivities(60_000, { big: true }));
  const token = await h.token();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await createJob(h, token)).exportId);
  for (const id of ids) oneJob(await enqueue(h, token, id));

  const samples: Record<string, number>[] = [];
  const firstSeenProcessing: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const list = await h.json(`${BASE}.json`, { token });
    const counts: Record<string, number> = {};
    for (const j of list.result as { exportId: string; status: string }[]) {
      counts[j.status] = (counts[j.status] ?? 0) + 1;
      if (j.status === 'Processing' && !firstSeenProcessing.includes(j.exportId)) firstSeenProcessing.push(j.exportId);
    }
    samples.push(counts);
    if (counts.Completed === 5) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.equal(samples.at(-1)!.Completed, 5, 'all jobs complete');
  assert.ok(samples.every((c) => (c.Processing ?? 0) <= 2), `at most 2 Processing: ${JSON.stringify(samples.filter((c) => (c.Processing ?? 0) > 2))}`);
  assert.equal(samples[0]!.Processing, 2, `right after enqueueing 5, 2 run and 3 wait: ${JSON.stringify(samples[0])}`);
  assert.equal(samples[0]!.Queued, 3);
  assert.ok(samples.length > 3, 'the exports were slow enough to be sampled');
  // FIFO by queuedAt (equal times here, so by creation): the first two start first.
  assert.deepEqual(new Set(firstSeenProcessing.slice(0, 2)), new Set(ids.slice(0, 2)));
});

test('maxProcessing 1 runs jobs one at a time in enqueue order (FIFO), not creation order', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS, maxProcessing: 1 });
  t.after(() => h.close());
  await h.store.importActivities(manyActivities(30_000, { big: true }));
  const token = await h.token();
  const a = await createJob(h, token);
  const b = await createJob(h, token);
  const c = await createJob(h, token);
  const order = [c, a, b].map((j) => j.exportId);
  for (const [i, id] of order.entries()) {
    h.clock.set(T0 + (i + 1) * 1000); // distinct queuedAt
    oneJob(await enqueue(h, token, id));
  }
  const seen: string[] = [];
  for (let i = 0; i < 3000 && seen.length < 3; i++) {
    const list = (await h.json(`${BASE}.json`, { token })).result as { exportId: string; status: string }[];
    const processing = list.filter((j) => j.status === 'Processing');
    assert.ok(processing.length <= 1, JSON.stringify(processing));
    // A job that finished between two samples started before one now Processing: rank it first.
    const rank = (st: string) => (st === 'Processing' ? 1 : 0);
    const fresh = list.filter((j) => j.status !== 'Queued' && !seen.includes(j.exportId)).sort((x, y) => rank(x.status) - rank(y.status));
    seen.push(...fresh.map((j) => j.exportId));
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.deepEqual(seen, order);
  for (const id of order) assert.equal(await h.tm.scheduler.waitForJob(id), 'Completed');
  const started = await Promise.all(order.map(async (id) => oneJob(await status(h, token, id)).startedAt));
  assert.deepEqual([...started].sort(), started, 'startedAt follows queue order');
});

test('a restart loses no job: a Processing job is queued again and completes after the restart', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  await h.store.importActivities(manyActivities(60_000, { big: true }));
  const token = await h.token();
  const job = await createJob(h, token);
  oneJob(await enqueue(h, token, job.exportId));
  const view = await pastQueued(h, token, job.exportId);
  assert.equal(view.status, 'Processing');
  await h.tm.close(); // the first instance goes away mid-export (its data dir stays)

  const tm = await createTidemark(h.config, { clock: h.clock, log: silentLogger, pollMs: 50 });
  t.after(async () => {
    await tm.close();
    rmSync(h.dataDir, { recursive: true, force: true });
  });
  const base = await tm.app.listen({ host: '127.0.0.1', port: 0 });
  const get = async (path: string) => (await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } }));
  assert.equal(await tm.scheduler.waitForJob(job.exportId), 'Completed');
  const done = oneJob(await (await get(`${BASE}/${job.exportId}/status.json`)).json());
  assert.equal(done.status, 'Completed');
  assert.equal(done.numberOfRecords, 60_000);
  const bytes = Buffer.from(await (await get(`${BASE}/${job.exportId}/file.json`)).arrayBuffer());
  assert.equal(bytes.length, done.fileSize);
  assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, done.fileChecksum);
  assert.deepEqual(readdirSync(join(h.dataDir, 'exports')), [`${job.exportId}.export`], 'no temporary file is left behind');
});
