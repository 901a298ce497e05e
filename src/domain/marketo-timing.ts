/**
 * Marketo's timing (`serve --timing marketo`, docs/timing.md): what a job shows to clients and
 * when it may move on, given its record, the clock's now and the parameters. Pure.
 *
 * The model, in Marketo's words where it has them (notes §1.4, bulk-extract.md):
 * - "The status for a given job will not be updated more frequently than once every 60 seconds":
 *   a job's status refreshes at its enqueue and every `refreshMs` after it; between refreshes,
 *   status.json shows the job as it stood at the last one. Create, enqueue and cancel answers
 *   show their change at once, as Marketo's do.
 * - "Once enqueued, the jobs are pulled from the queue and started when computing resources
 *   become available": a Queued job may not start before a wait (fixed plus a jitter derived
 *   from the export id, so a run can be reproduced).
 * - Processing takes time in proportion to rows, with a minimum.
 * The scheduler publishes an outcome only at the refresh where it shows, so a job's stored status
 * never runs ahead of what it shows except for the start (Processing in the store, Queued on show
 * until the next refresh).
 */
import type { JobRecord, JobStatus } from './job.js';

export interface MarketoTiming {
  /** Status and its progressive fields change at most this often (Marketo: 60 s). */
  refreshMs: number;
  /** A Queued job waits at least this long before it may start. */
  queueWaitMs: number;
  /** Up to this much more wait, the same for a given export id (whole seconds). */
  queueJitterMs: number;
  /** Processing time per row: rows / rowsPerSecond seconds... */
  rowsPerSecond: number;
  /** ...but never less than this. */
  minProcessingMs: number;
}

/** `fast`: jobs start when a slot is free and show every change at once (the default). */
export type JobTiming = { mode: 'fast' } | ({ mode: 'marketo' } & MarketoTiming);

export const FAST_TIMING: JobTiming = { mode: 'fast' };

/**
 * The defaults and where each comes from (docs/timing.md): the 60 s refresh is Marketo's
 * documented rule; the rest is read off the two timed examples in Marketo's bulk extract docs
 * (77 s and 180 s in the queue; 21 min for 1,776 records; 68 min for 122,323 records) and is a guess.
 */
export const MARKETO_TIMING_DEFAULTS: MarketoTiming = {
  refreshMs: 60_000,
  queueWaitMs: 60_000,
  queueJitterMs: 120_000,
  rowsPerSecond: 30,
  minProcessingMs: 20 * 60_000,
};

type Timed = Pick<JobRecord, 'exportId' | 'queuedAt'>;

/** The job's refresh at or before `now`: its enqueue, then every `refreshMs`. */
export function lastRefresh(queuedAt: number, now: number, t: MarketoTiming): number {
  if (now <= queuedAt) return queuedAt;
  return queuedAt + Math.floor((now - queuedAt) / t.refreshMs) * t.refreshMs;
}

/** The job's first refresh at or after `at`: when a change made at `at` shows. */
export function firstRefreshFrom(queuedAt: number, at: number, t: MarketoTiming): number {
  if (at <= queuedAt) return queuedAt;
  return queuedAt + Math.ceil((at - queuedAt) / t.refreshMs) * t.refreshMs;
}

/**
 * How long this job waits in the queue at least: the fixed wait plus its jitter, a share of
 * `queueJitterMs` that a hash of the export id (FNV-1a, then murmur3's finaliser) picks (whole seconds), so the same id always waits
 * as long.
 */
export function queueWait(exportId: string, t: MarketoTiming): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < exportId.length; i++) {
    h ^= exportId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // murmur3's finaliser: FNV's high bits barely move when only the last characters differ.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return t.queueWaitMs + Math.round((h / 2 ** 32) * (t.queueJitterMs / 1000)) * 1000;
}

/** Whether the scheduler may start this Queued job now. Fast timing: always. */
export function mayStart(job: Timed, now: number, timing: JobTiming): boolean {
  if (timing.mode === 'fast' || job.queuedAt === undefined) return true;
  return now >= job.queuedAt + queueWait(job.exportId, timing);
}

/** Modelled processing time of `rows` rows, rounded up to whole seconds. */
export function processingTime(rows: number, t: MarketoTiming): number {
  const byRows = Math.ceil(rows / t.rowsPerSecond) * 1000;
  return Math.max(t.minProcessingMs, byRows);
}

/** When an outcome takes effect: the job's finishedAt, and the moment the scheduler may record it. */
export interface OutcomeTime {
  finishedAt: number;
  publishAt: number;
}

/**
 * The outcome of a run that ended at `endedAt` (clock time) with `rows` rows (undefined for a
 * failure). A success finishes when the modelled processing time is over, or when the run ended
 * if that is later; a failure finishes when it happened. Either is recorded at the first refresh
 * at or after it, so that the job shows it from the moment it is stored. Undefined with fast
 * timing: record at once, as before.
 */
export function outcomeTime(
  job: Pick<JobRecord, 'queuedAt' | 'startedAt'>, endedAt: number, rows: number | undefined, timing: JobTiming,
): OutcomeTime | undefined {
  if (timing.mode === 'fast' || job.queuedAt === undefined || job.startedAt === undefined) return undefined;
  const finishedAt = rows === undefined ? endedAt : Math.max(endedAt, job.startedAt + processingTime(rows, timing));
  return { finishedAt, publishAt: firstRefreshFrom(job.queuedAt, finishedAt, timing) };
}

/**
 * The job as clients see it at `now`: as it stood at its last refresh. Created and Cancelled jobs
 * show at once (create and cancel are the client's own acts); a Queued job shows Queued. A job
 * that started or finished after the last refresh shows the stage it was in then, without the
 * fields of the later stage. Fast timing: the job as stored.
 */
export function shownJob(job: JobRecord, now: number, timing: JobTiming): JobRecord {
  if (timing.mode === 'fast' || job.queuedAt === undefined) return job;
  if (job.status === 'Created' || job.status === 'Cancelled' || job.status === 'Queued') return job;
  const refreshed = lastRefresh(job.queuedAt, now, timing);
  const ended = job.status === 'Completed' || job.status === 'Failed';
  if (ended && job.finishedAt !== undefined && job.finishedAt <= refreshed) return job;
  const { exportId, owner, format, request, createdAt, queuedAt, startedAt } = job;
  const base = { exportId, owner, format, request, createdAt, queuedAt };
  if (startedAt !== undefined && startedAt <= refreshed) return { ...base, status: 'Processing', startedAt };
  return { ...base, status: 'Queued' };
}

/**
 * The stored statuses a list filter must read so that filtering the shown jobs is exact: a job
 * stored Processing may still show Queued. (Stored Completed and Failed jobs always show as such:
 * the scheduler records them only at the refresh where they show.)
 */
export function storedStatusesFor(shown: JobStatus[], timing: JobTiming): JobStatus[] {
  if (timing.mode === 'fast' || !shown.includes('Queued') || shown.includes('Processing')) return shown;
  return [...shown, 'Processing'];
}
