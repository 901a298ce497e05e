/**
 * The console's job endpoints: every job of every API user with paging and filters, a job's
 * detail, its file (download and a preview of the first lines), and cancel.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequest, JobNotFound } from '../../domain/errors.js';
import { DELIMITERS } from '../../domain/file-format.js';
import { parseStatusFilter, type JobRecord } from '../../domain/job.js';
import { shownJob } from '../../domain/marketo-timing.js';
import { DAY_MS } from '../../domain/dates.js';
import { fileExpired } from '../../domain/quota.js';
import { PLAIN_TEXT } from '../../errors/catalog.js';
import type { AppDeps } from '../deps.js';
import { json } from '../http/envelope.js';
import { sendRange } from '../http/send-range.js';
import { previewRows } from './file-preview.js';
import { createBodyOf, JOB_KINDS, timelineOf, toConsoleJob, type JobKind, type QueueState } from './job-view.js';
import { CONSOLE_BASE, consoleRoute } from './routes.js';

const MAX_PAGE = 200;
const PREVIEW_BYTES = 64 * 1024;
const EXTENSIONS = { CSV: 'csv', TSV: 'tsv', SSV: 'txt' } as const;

type Query = Record<string, string | string[] | undefined>;
type IdParams = { Params: { exportId: string } };

function single(q: Query, key: string): string | undefined {
  const v = q[key];
  return Array.isArray(v) ? v[0] : v;
}

function integer(q: Query, key: string, fallback: number, min: number, max: number): number {
  const raw = single(q, key);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw InvalidRequest.rule(key, `must be an integer from ${min} to ${max}`);
  return Number(raw);
}

/** The reads every job endpoint shares. */
function jobReads(deps: AppDeps) {
  const { store, clock, config, files } = deps;
  return {
    async queueState(): Promise<QueueState> {
      const [queuedIds, counts] = await Promise.all([store.queuedJobIds(), store.countJobsByStatus()]);
      return { queuedIds, processing: counts.Processing, maxProcessing: config.maxProcessing, timing: config.timing, now: clock.now() };
    },
    async userNames(): Promise<Map<string, string>> {
      return new Map((await store.listUsers()).map((u) => [u.clientId, u.name]));
    },
    async jobOf(exportId: string): Promise<JobRecord> {
      const job = exportId.length <= 100 ? await store.getJob(exportId) : undefined;
      if (!job) throw new JobNotFound(exportId);
      return job;
    },
    /** The size of the job's file if it can be served now (the rules of file.json); undefined otherwise. */
    liveFileSize(job: JobRecord): number | undefined {
      const size = files.size(job.exportId);
      if (job.status !== 'Completed' || size === undefined || size !== job.fileSize || fileExpired(job.finishedAt, clock.now(), config)) return undefined;
      return size;
    },
  };
}

/** The whole file, as an attachment; the same bytes as file.json gives the job's owner. */
function fileDownload(deps: AppDeps, reads: ReturnType<typeof jobReads>) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const { exportId } = req.params as IdParams['Params'];
    const job = exportId.length <= 100 ? await deps.store.getJob(exportId) : undefined;
    const size = job && reads.liveFileSize(job);
    if (!job || size === undefined) return reply.code(404).type('text/plain; charset=utf-8').send(PLAIN_TEXT.fileNotFound(exportId));
    reply.header('Content-Disposition', `attachment; filename="${job.exportId}.${EXTENSIONS[job.format]}"`)
      .header('Content-Length', size).header('Cache-Control', 'no-store').header('X-Content-Type-Options', 'nosniff')
      .type('application/octet-stream');
    return sendRange(reply, (buf, position, length) => deps.files.readAt(job.exportId, buf, position, length), 0, size - 1);
  };
}

export function registerConsoleJobs(app: FastifyInstance, deps: AppDeps): void {
  const { store, clock, config, files, scheduler } = deps;
  const reads = jobReads(deps);
  const { queueState, userNames, jobOf, liveFileSize } = reads;

  app.get(`${CONSOLE_BASE}/jobs`, consoleRoute("Console: every API user's jobs, newest first (status, user, type, offset, limit)"), json(async (req) => {
    const q = (req.query ?? {}) as Query;
    const statuses = parseStatusFilter(q.status);
    if (statuses && 'invalid' in statuses) throw InvalidRequest.rule('status', `unknown status '${statuses.invalid}'`);
    const type = single(q, 'type');
    if (type && !(JOB_KINDS as readonly string[]).includes(type)) throw InvalidRequest.rule('type', `must be one of ${JOB_KINDS.join(', ')}`);
    const user = single(q, 'user');
    const offset = integer(q, 'offset', 0, 0, 100_000_000);
    const limit = integer(q, 'limit', 50, 1, MAX_PAGE);
    const kinds = type ? [type as JobKind] : undefined;
    const page = await store.listAllJobs({ ...(statuses ? { statuses } : {}), ...(kinds ? { kinds } : {}), ...(user ? { owners: [user] } : {}), offset, limit });
    const [queue, names] = await Promise.all([queueState(), userNames()]);
    return { result: [{ total: page.total, offset, limit, jobs: page.jobs.map((j) => toConsoleJob(j, names.get(j.owner), queue)) }] };
  }));

  app.get<IdParams>(`${CONSOLE_BASE}/jobs/:exportId`, consoleRoute("Console: a job's detail: create body, timeline, file"), json(async (req) => {
    const job = await jobOf((req.params as IdParams['Params']).exportId);
    const [queue, names] = await Promise.all([queueState(), userNames()]);
    const size = liveFileSize(job);
    const expiresAt = job.status === 'Completed' && job.finishedAt !== undefined ? new Date(job.finishedAt + config.fileRetentionDays * DAY_MS).toISOString() : null;
    return {
      result: [{
        job: toConsoleJob(job, names.get(job.owner), queue), createBody: createBodyOf(job.request), timeline: timelineOf(job),
        file: { available: size !== undefined, size: size ?? null, expiresAt },
        // What the owner's status.json says now: with --timing marketo, the job as at its last refresh.
        shownStatus: shownJob(job, clock.now(), config.timing).status,
      }],
    };
  }));

  app.get<IdParams>(`${CONSOLE_BASE}/jobs/:exportId/preview`, consoleRoute("Console: the first lines of a job's file as a table (rows)"), json(async (req) => {
    const job = await jobOf((req.params as IdParams['Params']).exportId);
    const rows = integer((req.query ?? {}) as Query, 'rows', 20, 1, 200);
    const size = liveFileSize(job);
    if (size === undefined) throw InvalidRequest.rule('exportId', `job '${job.exportId}' has no file to preview (status ${job.status}, or the file expired)`);
    const buf = Buffer.alloc(Math.min(size, PREVIEW_BYTES));
    const read = await files.readAt(job.exportId, buf, 0, buf.length);
    const text = buf.subarray(0, read).toString('utf8');
    return { result: [{ ...previewRows(text, DELIMITERS[job.format], rows, read === size), format: job.format }] };
  }));

  app.get(`${CONSOLE_BASE}/jobs/:exportId/file`, { ...consoleRoute("Console: download a Completed job's file"), exposeHeadRoute: false }, fileDownload(deps, reads));

  app.post<IdParams>(`${CONSOLE_BASE}/jobs/:exportId/cancel`, consoleRoute('Console: cancel a Created, Queued or Processing job'), json(async (req) => {
    const { exportId } = req.params as IdParams['Params'];
    const before = await jobOf(exportId);
    const job = await store.cancelJob(exportId, clock.now());
    if (before.status !== 'Cancelled') {
      await scheduler.cancel(exportId);
      req.log.info({ exportId, from: before.status }, 'console: export job cancelled');
    }
    const [queue, names] = await Promise.all([queueState(), userNames()]);
    return { result: [toConsoleJob(job, names.get(job.owner), queue)] };
  }));
}
