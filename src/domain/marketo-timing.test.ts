import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobRecord } from './job.js';
import {
  FAST_TIMING, firstRefreshFrom, lastRefresh, MARKETO_TIMING_DEFAULTS, mayStart, outcomeTime, processingTime, queueWait,
  shownJob, storedStatusesFor, type JobTiming,
} from './marketo-timing.js';

const T = Date.UTC(2026, 0, 15, 12, 0, 0);
const S = 1000;
const M = 60 * S;
const timing: JobTiming = { mode: 'marketo', refreshMs: M, queueWaitMs: M, queueJitterMs: 0, rowsPerSecond: 100, minProcessingMs: 5 * M };
const t = timing as Extract<JobTiming, { mode: 'marketo' }>;

const request = { kind: 'activities' } as unknown as JobRecord['request'];
function job(over: Partial<JobRecord>): JobRecord {
  return { exportId: 'e-1', owner: 'c', format: 'CSV', status: 'Queued', request, createdAt: T - 50 * S, queuedAt: T, ...over };
}

test('refreshes come at the enqueue and every refreshMs after it', () => {
  const cases: [number, number, number][] = [
    // now, last refresh, first refresh from now
    [T - 5 * S, T, T],
    [T, T, T],
    [T + 1, T, T + M],
    [T + M - 1, T, T + M],
    [T + M, T + M, T + M],
    [T + 3 * M + 7 * S, T + 3 * M, T + 4 * M],
  ];
  for (const [now, last, next] of cases) {
    assert.equal(lastRefresh(T, now, t), last, `last refresh at ${now - T} ms`);
    assert.equal(firstRefreshFrom(T, now, t), next, `first refresh from ${now - T} ms`);
  }
});

test('the queue wait is the fixed wait plus a jitter in whole seconds, the same for the same export id', () => {
  const jittery = { ...t, queueJitterMs: 120 * S };
  const ids = Array.from({ length: 200 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const waits = ids.map((id) => queueWait(id, jittery));
  for (const w of waits) {
    assert.ok(w >= M && w <= 3 * M, `wait ${w} within [60 s, 180 s]`);
    assert.equal(w % S, 0, 'whole seconds');
  }
  assert.deepEqual(ids.map((id) => queueWait(id, jittery)), waits, 'reproducible');
  assert.ok(new Set(waits).size > 50, 'the jitter spreads the waits');
  assert.ok(Math.min(...waits) < 80 * S && Math.max(...waits) > 160 * S, 'over the whole range');
  assert.equal(queueWait(ids[0]!, t), M, 'no jitter: the fixed wait');
});

test('a queued job may start once its wait is over; fast timing starts at once', () => {
  const j = job({});
  assert.equal(mayStart(j, T + M - 1, timing), false);
  assert.equal(mayStart(j, T + M, timing), true);
  assert.equal(mayStart(j, T, FAST_TIMING), true);
});

test('processing time: rows / rowsPerSecond, rounded up to seconds, never under the minimum', () => {
  assert.equal(processingTime(0, t), 5 * M);
  assert.equal(processingTime(30_000, t), 5 * M, '300 s is the minimum itself');
  assert.equal(processingTime(30_001, t), 301 * S);
  assert.equal(processingTime(1_000_000, t), 10_000 * S, 'ten times the rows, ten times the time');
  assert.equal(processingTime(100_000, t) * 10, processingTime(1_000_000, t));
});

test('an outcome finishes at the end of the modelled time (or of the run, if later) and is recorded at the next refresh', () => {
  const started = job({ status: 'Processing', startedAt: T + 90 * S });
  // Run ended at once; 1,000 rows take the 5-minute minimum: finished at T+390 s, shown from the refresh at T+420 s.
  assert.deepEqual(outcomeTime(started, T + 91 * S, 1_000, timing), { finishedAt: T + 390 * S, publishAt: T + 7 * M });
  // A run that ended after its modelled time finishes when it ended.
  assert.deepEqual(outcomeTime(started, T + 10 * M + 1, 1_000, timing), { finishedAt: T + 10 * M + 1, publishAt: T + 11 * M });
  // Ending exactly on a refresh shows at that refresh.
  assert.deepEqual(outcomeTime(started, T + 8 * M, 1_000, timing), { finishedAt: T + 8 * M, publishAt: T + 8 * M });
  // A failure finishes when it happened.
  assert.deepEqual(outcomeTime(started, T + 91 * S, undefined, timing), { finishedAt: T + 91 * S, publishAt: T + 2 * M });
  assert.equal(outcomeTime(started, T + 91 * S, 1_000, FAST_TIMING), undefined, 'fast: recorded at once');
});

test('shownJob: the job as it stood at its last refresh', () => {
  const completed = job({
    status: 'Completed', startedAt: T + 90 * S, finishedAt: T + 390 * S, numberOfRecords: 1000, fileSize: 5000, fileChecksum: 'sha256:ab',
  });
  const queued = { ...job({}), status: 'Queued' as const };
  const processing = { ...job({}), status: 'Processing' as const, startedAt: T + 90 * S };
  // [now, what the stored Completed job shows]
  assert.deepEqual(shownJob(completed, T + 90 * S, timing), queued, 'before the refresh that saw it start: Queued, no startedAt');
  assert.deepEqual(shownJob(completed, T + 2 * M, timing), processing, 'started before this refresh: Processing, no outcome fields');
  assert.deepEqual(shownJob(completed, T + 7 * M - 1, timing), processing);
  assert.deepEqual(shownJob(completed, T + 7 * M, timing), completed, 'finished before this refresh: as stored');
  const failed = job({ status: 'Failed', startedAt: T + 90 * S, finishedAt: T + 100 * S, errorMsg: 'boom' });
  assert.deepEqual(shownJob(failed, T + 119 * S, timing), { ...job({}), status: 'Queued' });
  assert.deepEqual(shownJob(failed, T + 2 * M, timing), failed);
  // Created, Queued and Cancelled show at once; fast timing shows the stored job.
  for (const j of [job({ status: 'Created', queuedAt: undefined }), job({}), job({ status: 'Cancelled', startedAt: T + 1, finishedAt: T + 2 })]) {
    assert.equal(shownJob(j, T + 1, timing), j);
  }
  assert.equal(shownJob(completed, T + 90 * S, FAST_TIMING), completed);
});

test('a list filter on Queued also reads stored Processing jobs with Marketo timing', () => {
  assert.deepEqual(storedStatusesFor(['Queued'], timing), ['Queued', 'Processing']);
  assert.deepEqual(storedStatusesFor(['Queued', 'Processing'], timing), ['Queued', 'Processing']);
  assert.deepEqual(storedStatusesFor(['Completed'], timing), ['Completed']);
  assert.deepEqual(storedStatusesFor(['Queued'], FAST_TIMING), ['Queued']);
});

test('the defaults: a 60 s refresh (Marketo docs), 60-180 s in the queue, 20 min at least, 30 rows/s', () => {
  assert.deepEqual(MARKETO_TIMING_DEFAULTS, { refreshMs: M, queueWaitMs: M, queueJitterMs: 2 * M, rowsPerSecond: 30, minProcessingMs: 20 * M });
});
