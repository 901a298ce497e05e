/**
 * Running one window's job on the server until it is Completed: create, enqueue (waiting while
 * the server's queue is full), poll, and run it again when it fails. After a restart it first asks
 * what became of the job the state remembers. Only API calls; the caller keeps the state.
 */
import type { MarketoClient } from '../api/client.js';
import { MarketoApiError } from '../api/errors.js';
import type { CreateExportRequest, ExportJob } from '../api/types.js';
import { sleep } from '../lib/sleep.js';
import type { WindowPhase } from './state.js';

/** Failed jobs of one window before the extraction gives up. */
export const MAX_JOB_ATTEMPTS = 3;

/** Where a window's job stands: its phase and, once created, its id. */
export interface JobPosition {
  phase: WindowPhase;
  exportId?: string;
}

/** The Completed job: what the download needs. */
export interface CompletedJob {
  exportId: string;
  fileSize?: number;
  fileChecksum?: string;
  records?: number;
  job: ExportJob;
}

export interface PollSettings {
  /** First status poll delay; each next one `backoff` times the last, up to `maxMs`. */
  firstMs: number;
  backoff: number;
  maxMs: number;
  /** Wait between enqueues while the queue is full, doubling up to `queueFullMaxMs`. */
  queueFullFirstMs: number;
  queueFullMaxMs: number;
}

export interface WindowJobContext {
  client: MarketoClient;
  /** Awaited before each API call: the run's call budget. */
  pace: () => Promise<void>;
  poll: PollSettings;
  signal: AbortSignal;
  /** A new position, to be saved (a later run resumes from it); `job` is the answer that moved it. */
  onStep: (position: JobPosition, job?: ExportJob) => void;
  /** Each status the polling sees. */
  onStatus?: (job: ExportJob) => void;
}

/**
 * Drives a window's job from `start` to Completed.
 * @example const done = await runWindowJob({ phase: 'pending' }, windowRequest(params, w), ctx)
 */
export async function runWindowJob(start: JobPosition, request: CreateExportRequest, ctx: WindowJobContext): Promise<CompletedJob> {
  let at: JobPosition = { ...start };
  const step = (next: JobPosition, job?: ExportJob) => {
    at = next;
    ctx.onStep(next, job);
  };
  for (let attempt = 1; ; attempt++) {
    ctx.signal.throwIfAborted();
    if (at.phase !== 'pending') at = await reconcile(at, ctx, step);
    if (at.phase === 'pending') {
      const job = await paced(ctx, () => ctx.client.createExport(request));
      step({ phase: 'created', exportId: job.exportId }, job);
    }
    const exportId = at.exportId!;
    if (at.phase === 'created') step({ phase: 'queued', exportId }, await enqueueWhenRoom(exportId, ctx));
    const done = await ctx.client.waitForExport(exportId, {
      intervalMs: ctx.poll.firstMs, maxIntervalMs: ctx.poll.maxMs, backoff: ctx.poll.backoff,
      beforePoll: ctx.pace, signal: ctx.signal, ...(ctx.onStatus ? { onStatus: ctx.onStatus } : {}),
    });
    if (done.status === 'Completed') {
      return { exportId, fileSize: done.fileSize, fileChecksum: done.fileChecksum, records: done.numberOfRecords, job: done };
    }
    if (attempt >= MAX_JOB_ATTEMPTS) {
      const { startAt, endAt } = request.filter.createdAt;
      throw new Error(`window ${startAt}..${endAt}: job ${exportId} ended ${done.status}${done.errorMsg ? ` (${done.errorMsg})` : ''} ${attempt} times`);
    }
    step({ phase: 'pending' }, done);
  }
}

function paced<T>(ctx: WindowJobContext, call: () => Promise<T>): Promise<T> {
  return ctx.pace().then(call);
}

/** After a restart, asks the server what became of the job; a job it no longer knows starts over. */
async function reconcile(at: JobPosition, ctx: WindowJobContext, step: (p: JobPosition, job?: ExportJob) => void): Promise<JobPosition> {
  let job: ExportJob;
  try {
    job = await paced(ctx, () => ctx.client.exportStatus(at.exportId!));
  } catch (err) {
    if (err instanceof MarketoApiError && err.code === '1003') {
      step({ phase: 'pending' });
      return { phase: 'pending' };
    }
    throw err;
  }
  if (job.status === 'Created') return { phase: 'created', exportId: job.exportId };
  if (job.status === 'Queued' || job.status === 'Processing' || job.status === 'Completed') return { phase: 'queued', exportId: job.exportId };
  step({ phase: 'pending' }, job);
  return { phase: 'pending' };
}

/** Enqueues, waiting (with backoff) while the server's queue is full; never piles jobs on it. */
async function enqueueWhenRoom(exportId: string, ctx: WindowJobContext): Promise<ExportJob> {
  let delay = ctx.poll.queueFullFirstMs;
  for (;;) {
    try {
      return await paced(ctx, () => ctx.client.enqueueExport(exportId));
    } catch (err) {
      if (!(err instanceof MarketoApiError)) throw err;
      // An enqueue whose answer was lost (and was retried) finds its job already queued (1029), or
      // already past the queue (1003: processing, even completed, on a fast server).
      if (err.code === '1003' || (err.code === '1029' && /already queued/i.test(err.message))) return movedOn(exportId, ctx, err);
      if (!(err.code === '1029' && /too many jobs/i.test(err.message))) throw err;
    }
    await sleep(delay, ctx.signal);
    delay = Math.min(delay * 2, ctx.poll.queueFullMaxMs);
  }
}

/** The job of a refused enqueue, when an earlier enqueue of it took effect; else the refusal. */
async function movedOn(exportId: string, ctx: WindowJobContext, refusal: MarketoApiError): Promise<ExportJob> {
  const job = await paced(ctx, () => ctx.client.exportStatus(exportId));
  if (job.status === 'Created') throw refusal;
  return job;
}
