/**
 * The six endpoints of a bulk export kind (create, enqueue, status, file, cancel, list) under its
 * base path. Every kind shares one jobs table, so the queue limits, FIFO order and the daily
 * quota count all kinds together; a job is found only under its own kind's path (notes Q11).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ExportQuotaExceeded, InvalidRequest, JobNotFound } from '../../domain/errors.js';
import type { ExportKind, ExportRequest } from '../../domain/export-kind.js';
import { parseStatusFilter, toJobView, type JobRecord } from '../../domain/job.js';
import { shownJob, storedStatusesFor } from '../../domain/marketo-timing.js';
import type { Access } from '../../domain/permissions.js';
import { fileExpired, listWindowStart, quotaResetsAt, quotaSpent, quotaWindowStart, statusExpired } from '../../domain/quota.js';
import { PLAIN_TEXT } from '../../errors/catalog.js';
import { newExportId } from '../../lib/ids.js';
import type { AppDeps } from '../deps.js';
import { json } from '../http/envelope.js';
import { parseJsonBody } from '../http/json-body.js';
import { parseRange } from '../http/range.js';
import { readCache } from '../http/read-cache.js';
import { sendRange } from '../http/send-range.js';

const BULK_BODY_LIMIT = 10 * 1024 * 1024;
const MAX_BATCH = 300;

const CONTENT_TYPES = { CSV: 'text/csv; charset=utf-8', TSV: 'text/tab-separated-values; charset=utf-8', SSV: 'text/plain; charset=utf-8' };

type IdParams = { Params: { exportId: string } };

/** What sets one export kind apart: where it lives, who may use it, and how a create body becomes a request. */
export interface BulkExportKind {
  kind: ExportKind;
  /** `/bulk/v1/activities/export`, ... */
  basePath: string;
  access: Access;
  /**
   * The create body (parsed JSON) as a request, or the domain error of the first rule it breaks;
   * it may look things up in the store (names to ids). The daily quota is checked after it.
   */
  prepare(body: unknown, deps: AppDeps): Promise<ExportRequest>;
}

/** Registers every kind's endpoints; they share one cache of job reads. */
export function registerBulkExports(app: FastifyInstance, deps: AppDeps, kinds: readonly BulkExportKind[]): void {
  // Jobs as the store has them now (kept while the store is unchanged; status polls read them most).
  const getJob = readCache(deps.store, (exportId) => deps.store.getJob(exportId));
  for (const kind of kinds) registerKind(app, deps, kind, getJob);
}

function registerKind(app: FastifyInstance, deps: AppDeps, spec: BulkExportKind, getJob: (id: string) => Promise<JobRecord | undefined>): void {
  const { store, clock, config, scheduler, files } = deps;
  const base = spec.basePath;
  const route = { config: { access: spec.access }, bodyLimit: BULK_BODY_LIMIT };
  /** The job as clients see it now: with Marketo's timing, as it stood at its last status refresh. */
  const view = (job: JobRecord) => toJobView(shownJob(job, clock.now(), config.timing));

  /** The caller's job of this kind, or JobNotFound for unknown, foreign, other-kind and expired ids alike (never say which). */
  async function ownedJob(req: FastifyRequest, exportId: string): Promise<JobRecord> {
    const job = await getJob(exportId);
    if (!job || job.owner !== req.ctx.user!.clientId || job.request.kind !== spec.kind || statusExpired(job, clock.now(), config)) {
      throw new JobNotFound(exportId);
    }
    return job;
  }

  async function assertExportQuota(): Promise<void> {
    const now = clock.now();
    // The emulator's "exhaust the quota" (with --daily-quota-mb 0 the message names Marketo's 500).
    if (deps.emulator?.quotaExhausted(now)) throw new ExportQuotaExceeded(config.dailyQuotaMb || 500, quotaResetsAt(now));
    if (config.dailyQuotaMb === 0) return;
    const used = await store.exportedBytesSince(quotaWindowStart(now));
    if (quotaSpent(used, config.dailyQuotaMb)) throw new ExportQuotaExceeded(config.dailyQuotaMb, quotaResetsAt(now));
  }

  app.post(`${base}/create.json`, route, json(async (req) => {
    const request = await spec.prepare(parseJsonBody(req.body), deps);
    await assertExportQuota();
    const job: JobRecord = {
      exportId: newExportId(), owner: req.ctx.user!.clientId, format: request.format, status: 'Created', request,
      createdAt: clock.now(),
    };
    await store.insertJob(job);
    req.log.info({ exportId: job.exportId, kind: spec.kind }, 'export job created');
    return { result: [toJobView(job)] };
  }));

  app.post<IdParams>(`${base}/:exportId/enqueue.json`, route, json(async (req) => {
    const { exportId } = req.params as IdParams['Params'];
    const job = await ownedJob(req, exportId);
    if (job.status === 'Created') await assertExportQuota();
    const queued = await store.enqueueJob(exportId, clock.now(), config.maxQueued);
    req.log.info('export job queued');
    scheduler.kick();
    return { result: [view(queued)] };
  }));

  app.get<IdParams>(`${base}/:exportId/status.json`, route, json(async (req) => {
    const job = await ownedJob(req, (req.params as IdParams['Params']).exportId);
    return { result: [view(job)] };
  }));

  app.post<IdParams>(`${base}/:exportId/cancel.json`, route, json(async (req) => {
    const { exportId } = req.params as IdParams['Params'];
    const before = await ownedJob(req, exportId);
    const job = await store.cancelJob(exportId, clock.now());
    if (before.status !== 'Cancelled') {
      await scheduler.cancel(exportId);
      req.log.info({ from: before.status }, 'export job cancelled');
    }
    return { result: [view(job)] };
  }));

  app.get(`${base}.json`, route, json(async (req) => {
    const q = (req.query ?? {}) as Record<string, string | string[] | undefined>;
    const statuses = parseStatusFilter(q.status);
    if (statuses && 'invalid' in statuses) throw InvalidRequest.rule('status', `unknown status '${statuses.invalid}'`);
    const limit = readBatchSize(q.batchSize);
    const offset = readPageToken(q.nextPageToken);
    // The filter applies to the jobs as shown; the store is asked for every status they may be stored in.
    const jobs = await store.listJobs({
      owner: req.ctx.user!.clientId, kind: spec.kind, createdSince: listWindowStart(clock.now(), config),
      statuses: statuses && storedStatusesFor(statuses, config.timing), offset, limit: limit + 1,
    });
    const page = jobs.slice(0, limit).map((job) => view(job)).filter((job) => !statuses || statuses.includes(job.status));
    return {
      result: page,
      ...(jobs.length > limit ? { nextPageToken: Buffer.from(JSON.stringify({ o: offset + limit })).toString('base64url') } : {}),
    };
  }));

  /** The file: whole, or one Range; plain-text 404 for anything that is not a live Completed file of this kind. */
  const file = async (req: FastifyRequest, reply: FastifyReply) => {
    const { exportId } = req.params as IdParams['Params'];
    const job = await getJob(exportId);
    const now = clock.now();
    const size = files.size(exportId);
    // Marketo answers 404 until the job shows Completed (with its timing, from its next status refresh).
    if (!job || job.owner !== req.ctx.user!.clientId || job.request.kind !== spec.kind || shownJob(job, now, config.timing).status !== 'Completed' ||
        size === undefined || size !== job.fileSize || fileExpired(job.finishedAt, now, config)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(PLAIN_TEXT.fileNotFound(exportId));
    }
    const etag = `"${(job.fileChecksum ?? '').replace('sha256:', '')}"`;
    const ifRange = req.headers['if-range'];
    const range = ifRange !== undefined && ifRange !== etag ? { kind: 'whole' as const } : parseRange(req.headers.range, size);
    reply.header('Accept-Ranges', 'bytes').header('ETag', etag).type(CONTENT_TYPES[job.format]);
    if (job.finishedAt) reply.header('Last-Modified', new Date(job.finishedAt).toUTCString());
    if (range.kind === 'unsatisfiable') {
      return reply.code(416).header('Content-Range', `bytes */${size}`).type('text/plain; charset=utf-8')
        .send(`Range not satisfiable: the file has ${size} bytes`);
    }
    const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
    if (range.kind === 'partial') reply.code(206).header('Content-Range', `bytes ${start}-${end}/${size}`);
    reply.header('Content-Length', end - start + 1);
    if (req.method === 'HEAD') return reply.send();
    return sendRange(reply, (buf, position, length) => files.readAt(exportId, buf, position, length), start, end);
  };
  app.get(`${base}/:exportId/file.json`, { ...route, exposeHeadRoute: false }, file);
  app.head(`${base}/:exportId/file.json`, route, file);
}

function readBatchSize(raw: string | string[] | undefined): number {
  if (raw === undefined) return MAX_BATCH;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v || !/^\d+$/.test(v) || Number(v) < 1) throw InvalidRequest.rule('batchSize', 'must be a positive integer');
  return Math.min(Number(v), MAX_BATCH);
}

function readPageToken(raw: string | string[] | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const v = Array.isArray(raw) ? raw[0] : raw;
  try {
    const o = (JSON.parse(Buffer.from(v ?? '', 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw InvalidRequest.rule('nextPageToken', 'is not a token this server issued');
}
