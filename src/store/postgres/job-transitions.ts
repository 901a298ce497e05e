/**
 * The job queue's state changes on PostgreSQL, each one transaction on one client. Enqueue and
 * claim take the queue's advisory lock so that counting and changing are one step across every
 * process that shares the store; a job row is read FOR UPDATE before it changes.
 */
import { AlreadyQueued, InvalidTransition, JobNotFound, QueueFull } from '../../domain/errors.js';
import { cancelBlocker, enqueueBlocker, type JobRecord, type JobStatus } from '../../domain/job.js';
import { JOB_COLUMNS, toJob, type Row } from '../row-mappers.js';
import type { JobPatch, Lease } from '../store.js';
import { hasNul, type Client, type PgAccess } from './pg-access.js';
import { JOB_LIMIT_LOCK, SQL } from './sql.js';

/** Created -> Queued, unless Queued + Processing jobs already fill `maxQueued` (QueueFull). */
export async function enqueueJob(db: PgAccess, exportId: string, now: number, maxQueued: number): Promise<JobRecord> {
  return db.tx(async (c) => {
    // The queue limit holds across processes only if counting and queueing are one step.
    await c.query('SELECT pg_advisory_xact_lock($1)', [JOB_LIMIT_LOCK]);
    const job = await jobForUpdate(c, exportId);
    const blocker = enqueueBlocker(job.status);
    if (blocker === 'already-queued') throw new AlreadyQueued(exportId);
    if (blocker) throw new InvalidTransition(exportId, job.status, 'enqueue');
    if (((await c.query(SQL.countActive)).rows[0].n as number) >= maxQueued) throw new QueueFull(maxQueued);
    return (await patch(c, exportId, 'Created', { status: 'Queued', queuedAt: now }))!;
  });
}

/** Created, Queued or Processing -> Cancelled; a job already Cancelled stays as it is. */
export async function cancelJob(db: PgAccess, exportId: string, now: number): Promise<JobRecord> {
  return db.tx(async (c) => {
    const job = await jobForUpdate(c, exportId);
    const blocker = cancelBlocker(job.status);
    if (blocker === 'noop') return job;
    if (blocker) throw new InvalidTransition(exportId, job.status, 'cancel');
    return (await patch(c, exportId, job.status, { status: 'Cancelled', finishedAt: now }))!;
  });
}

/**
 * The oldest Queued job -> Processing under `lease`, if fewer than `maxProcessing` are Processing
 * (jobs whose lease ran out go back to the queue first) and `mayStart` agrees.
 */
export async function claimNextJob(
  db: PgAccess, now: number, maxProcessing: number, lease: Lease, mayStart?: (job: JobRecord) => boolean,
): Promise<JobRecord | undefined> {
  return db.tx(async (c) => {
    // Counting and claiming must be one step across processes, hence the lock; SKIP LOCKED keeps
    // the row pick from waiting on rows an enqueue or cancel holds.
    await c.query('SELECT pg_advisory_xact_lock($1)', [JOB_LIMIT_LOCK]);
    await c.query(SQL.requeueExpired, [Date.now()]);
    if (((await c.query(SQL.countProcessing)).rows[0].n as number) >= maxProcessing) return undefined;
    const id = (await c.query(SQL.oldestQueued)).rows[0]?.export_id as string | undefined;
    if (id === undefined) return undefined;
    if (mayStart && !mayStart(await jobForUpdate(c, id))) return undefined;
    await c.query(SQL.setLease, [lease.owner, lease.until, id]);
    return patch(c, id, 'Queued', { status: 'Processing', startedAt: now });
  });
}

async function jobForUpdate(c: Client, exportId: string): Promise<JobRecord> {
  if (hasNul(exportId)) throw new JobNotFound(exportId);
  const r = (await c.query(SQL.getJobForUpdate, [exportId])).rows[0] as Row | undefined;
  if (!r) throw new JobNotFound(exportId);
  return toJob(r);
}

/** Applies `p` to the job if it is still in status `from`; undefined if it is not. */
export async function patch(c: Client, exportId: string, from: JobStatus, p: JobPatch): Promise<JobRecord | undefined> {
  const entries = Object.entries(p);
  const sets = entries.map(([k], i) => {
    const column = JOB_COLUMNS[k as keyof JobPatch];
    if (!column) throw new Error(`unknown job field ${k}`);
    return `${column} = $${i + 3}`;
  });
  const r = await c.query(`UPDATE jobs SET ${sets.join(', ')} WHERE export_id = $1 AND status = $2 RETURNING *`,
    [exportId, from, ...entries.map(([, v]) => v ?? null)]);
  return r.rows[0] ? toJob(r.rows[0] as Row) : undefined;
}

