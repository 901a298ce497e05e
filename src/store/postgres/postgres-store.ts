/** The scale-out store: PostgreSQL 15 through `pg`, COPY in and out through `pg-copy-streams`. */
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Activity } from '../../domain/activity.js';
import type { Asset, AssetKind } from '../../domain/assets.js';
import { FIRST_CUSTOM_TYPE_ID, type CustomActivityType } from '../../domain/custom-activities.js';
import { AlreadyQueued, DuplicateName, InvalidTransition, JobNotFound, QueueFull } from '../../domain/errors.js';
import type { ExportRequest } from '../../domain/export-kind.js';
import type { ExportFilter } from '../../domain/export-request.js';
import { formatRow } from '../../domain/file-format.js';
import { cancelBlocker, enqueueBlocker, type JobRecord, type JobStatus } from '../../domain/job.js';
import type {
  AccessToken, ApiUser, ExportKey, ExportSlice, ImportResult, JobPatch, PlannedSlice, ResetCounts, Lease, LineChunk, ListJobsQuery, Store, StoreCapabilities, StoreLocation,
} from '../store.js';
import { countsByStatus, JOB_COLUMNS, jobParams, toAsset, toJob, toToken, toUser, type Row } from '../row-mappers.js';
import { PostgresCallCounter } from './call-counter.js';
import { MIGRATIONS } from './schema.js';
import { cutOffsets, isAfter, partsFor, slicesBetween } from '../export-slices.js';
import { copyTextLine, exportCopy, exportCount, exportKeyAt, exportRowsPage, IMPORT_LOCK, JOB_LIMIT_LOCK, SQL } from './sql.js';

// bigint (int8) columns come back as numbers: every one we store is below 2^53 except marketoGUID,
// which is always selected as text.
pg.types.setTypeParser(20, (v) => Number(v));

type Client = pg.PoolClient;

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Splits `?schema=name` off a URL; the schema isolates tests and tenants in one database. */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? 'tidemark';
  if (!IDENT.test(schema)) throw new Error(`invalid schema name '${schema}' (lowercase letters, digits and _)`);
  u.searchParams.delete('schema');
  return { connectionString: u.toString(), schema };
}

export class PostgresStore implements Store {
  // No slicing: one COPY already keeps two cores busy (PostgreSQL formats, the worker thread hashes
  // and writes); two slices measured 15 % slower with the database on the same 2 cores
  // (docs/performance.md). A database on its own machine might gain; not measured.
  readonly capabilities: StoreCapabilities = { concurrentClaims: true, reopenInWorker: true, sliceExports: false };
  readonly location: StoreLocation;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private ready: Promise<void>;
  /** The client holding `inReadSnapshot`'s transaction: every read goes through it meanwhile. */
  private pinned?: Client;
  readonly callCounter: PostgresCallCounter;

  constructor(url: string, options: { poolSize?: number; migrate?: boolean } = {}) {
    this.location = { kind: 'postgres', url };
    const { connectionString, schema } = parsePostgresUrl(url);
    this.schema = schema;
    this.pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10, options: `-c search_path=${schema}` });
    this.pool.on('error', () => undefined); // an idle client dropped by the server; the next query reconnects
    this.ready = options.migrate === false ? Promise.resolve() : this.migrate();
    this.callCounter = new PostgresCallCounter((fn) => this.tx(fn), (sql, params) => this.q(sql, params));
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7311000)');
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await c.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
      const v = ((await c.query('SELECT max(version) AS v FROM schema_version')).rows[0]?.v as number | null) ?? 0;
      for (let i = v; i < MIGRATIONS.length; i++) {
        await c.query(MIGRATIONS[i]!);
        await c.query('INSERT INTO schema_version (version) VALUES ($1)', [i + 1]);
      }
    }, false);
  }

  /** Runs `fn` in a transaction on one client. */
  private async tx<T>(fn: (c: Client) => Promise<T>, waitReady = true): Promise<T> {
    if (waitReady) await this.ready;
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  private async q(sql: string, params: unknown[] = []): Promise<Row[]> {
    await this.ready;
    return (await (this.pinned ?? this.pool).query(sql, params)).rows as Row[];
  }

  // --- users and tokens ---
  async createUser(u: ApiUser): Promise<void> {
    await this.q(SQL.insertUser, [u.clientId, u.name, u.role, u.secretHash, u.disabled, u.createdAt]);
  }
  async findUser(clientId: string): Promise<ApiUser | undefined> {
    if (hasNul(clientId)) return undefined;
    const [r] = await this.q(SQL.findUser, [clientId]);
    return r && toUser(r);
  }
  async listUsers(): Promise<ApiUser[]> {
    return (await this.q(SQL.listUsers)).map(toUser);
  }
  async disableUser(clientId: string): Promise<boolean> {
    await this.ready;
    return ((await this.pool.query(SQL.disableUser, [clientId])).rowCount ?? 0) > 0;
  }
  async findLiveToken(clientId: string, now: number): Promise<AccessToken | undefined> {
    if (hasNul(clientId)) return undefined;
    const [r] = await this.q(SQL.findLiveToken, [clientId, now]);
    return r && toToken(r);
  }
  async saveToken(t: AccessToken): Promise<void> {
    await this.q(SQL.insertToken, [t.token, t.clientId, t.issuedAt, t.expiresAt]);
    await this.q(SQL.deleteTokensExpiredBefore, [t.issuedAt - 86_400_000]);
  }
  async findToken(token: string): Promise<AccessToken | undefined> {
    if (hasNul(token)) return undefined;
    const [r] = await this.q(SQL.findToken, [token]);
    return r && toToken(r);
  }

  // --- activities ---
  /**
   * COPY into a temp table, then one transaction creates the month partitions the data needs and
   * moves the new rows over; a failure anywhere leaves the store as it was.
   */
  async importActivities(records: AsyncIterable<Activity> | Iterable<Activity>): Promise<ImportResult> {
    return this.tx(async (c) => {
      await c.query(SQL.createStage);
      const lines = Readable.from(batchLines(records));
      await pipeline(lines, c.query(copyFrom(SQL.copyStage)));
      const seen = (await c.query(SQL.countStage)).rows[0].n as number;
      await c.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
      await this.ensurePartitions(c);
      await c.query(SQL.copyStageLeads);
      const inserted = (await c.query(SQL.copyStageActivities)).rowCount ?? 0;
      return { inserted, duplicates: seen - inserted };
    });
  }

  private async ensurePartitions(c: Client): Promise<void> {
    for (const r of (await c.query(SQL.stageMonths)).rows as { start: number }[]) {
      const from = r.start;
      const start = new Date(from * 1000);
      const to = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) / 1000;
      const name = `activities_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
      await c.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF activities FOR VALUES FROM (${from}) TO (${to})`);
    }
  }

  async countActivities(): Promise<number> {
    return (await this.q(SQL.countActivities))[0]!.n as number;
  }

  exportRows(filter: ExportFilter): AsyncIterable<Activity> {
    return this.rowsInSlice(filter, {});
  }

  private async *rowsInSlice(filter: ExportFilter, slice: ExportSlice): AsyncIterable<Activity> {
    const sql = exportRowsPage(filter);
    let last: [number, string] = slice.after ? [slice.after.dateSec, slice.after.guid] : [-(2 ** 62), '-9223372036854775808'];
    for (;;) {
      const rows = await this.q(sql, [last[0], last[1], 5000]);
      for (const r of rows) {
        if (slice.upTo && isAfter(r.activity_date as number, BigInt(r.guid as string), slice.upTo)) return;
        yield {
          marketoGUID: r.guid as string, leadId: r.lead_id as number, activityDate: (r.activity_date as number) * 1000,
          activityTypeId: r.activity_type_id as number, campaignId: (r.campaign_id as number | null) ?? null,
          primaryAttributeValueId: (r.pav_id as number | null) ?? null, primaryAttributeValue: (r.pav as string | null) ?? null,
          attributes: r.attributes as string, actionResult: (r.action_result as Activity['actionResult']) ?? null,
        };
      }
      if (rows.length < 5000) return;
      const end = rows[rows.length - 1]!;
      last = [end.activity_date as number, end.guid as string];
    }
  }

  /** `COPY (query) TO STDOUT` streams the finished lines; chunks are not line-aligned. */
  async *exportLines(request: ExportRequest, slice: ExportSlice = {}): AsyncIterable<LineChunk> {
    // COPY's CSV writer quotes a lone `\.` when a row has one column (it would read as COPY's
    // end-of-data marker); the file format writes it bare. Only primaryAttributeValue can hold
    // it, so that column alone is formatted here instead.
    if (request.fields.length === 1 && request.fields[0] === 'primaryAttributeValue') {
      yield* formattedLines(this.rowsInSlice(request.filter, slice), request);
      return;
    }
    await this.ready;
    const c = this.pinned ?? await this.pool.connect();
    try {
      const stream = c.query(copyTo(exportCopy(request, slice)));
      for await (const chunk of stream) yield { bytes: chunk as Buffer, rows: 0 };
      if (stream.rowCount) yield { bytes: Buffer.alloc(0), rows: stream.rowCount };
    } finally {
      if (c !== this.pinned) c.release();
    }
  }

  async splitExport(request: ExportRequest, parts: number, minRowsPerPart: number): Promise<PlannedSlice[]> {
    const rows = (await this.q(exportCount(request.filter)))[0]!.n as number;
    const keyAt = exportKeyAt(request.filter);
    const offsets = cutOffsets(rows, partsFor(rows, parts, minRowsPerPart));
    const cuts: ExportKey[] = [];
    for (const offset of offsets) {
      const k = (await this.q(keyAt, [offset]))[0]!;
      cuts.push({ dateSec: k.dateSec as number, guid: k.guid as string });
    }
    return slicesBetween(cuts, offsets, rows);
  }

  async inReadSnapshot<T>(fn: () => Promise<T>): Promise<T> {
    await this.ready;
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      this.pinned = c;
      const out = await fn();
      await c.query('COMMIT');
      return out;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      this.pinned = undefined;
      c.release();
    }
  }

  async knownLeads(ids: number[]): Promise<Set<number>> {
    return new Set((await this.q(SQL.knownLeads, [ids])).map((r) => r.id as number));
  }

  async appendActivities(records: Omit<Activity, 'marketoGUID'>[]): Promise<string[]> {
    return this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
      let guid = BigInt((await c.query(SQL.maxMarketoGuid)).rows[0].max as string);
      const guids: string[] = [];
      const withGuids = records.map((a) => {
        guid++;
        guids.push(guid.toString());
        return { ...a, marketoGUID: guid.toString() };
      });
      await c.query(SQL.createStage);
      await pipeline(Readable.from(batchLines(withGuids)), c.query(copyFrom(SQL.copyStage)));
      await this.ensurePartitions(c);
      await c.query(SQL.copyStageActivities);
      return guids;
    });
  }

  async addCustomType(build: (id: number) => CustomActivityType): Promise<CustomActivityType> {
    return this.tx(async (c) => {
      await c.query('LOCK TABLE custom_activity_types IN EXCLUSIVE MODE');
      const max = (await c.query(SQL.maxCustomTypeId)).rows[0].max as number | null;
      const type = build(Math.max(max ?? 0, FIRST_CUSTOM_TYPE_ID - 1) + 1);
      try {
        await c.query(SQL.insertCustomType, [type.id, type.apiName, JSON.stringify(type)]);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new DuplicateName(type.apiName);
        throw err;
      }
      return type;
    });
  }

  async listCustomTypes(): Promise<CustomActivityType[]> {
    return (await this.q(SQL.listCustomTypes)).map((r) => JSON.parse(r.data as string));
  }

  // --- asset catalog ---
  async putAssets(assets: Asset[]): Promise<number> {
    return this.tx(async (c) => {
      for (const a of assets) await c.query(SQL.putAsset, [a.kind, a.id, a.name, a.qualifiedName, JSON.stringify(a.data)]);
      return assets.length;
    });
  }
  async findAssetsByName(kind: AssetKind, name: string): Promise<Asset[]> {
    if (hasNul(name)) return [];
    return (await this.q(SQL.findAssetsByName, [kind, name])).map(toAsset);
  }
  async getAsset(kind: AssetKind, id: number): Promise<Asset | undefined> {
    const [r] = await this.q(SQL.getAsset, [kind, id]);
    return r && toAsset(r);
  }
  async listAssets(kind: AssetKind): Promise<Asset[]> {
    return (await this.q(SQL.listAssets, [kind])).map(toAsset);
  }
  async resolveAssetIds(kind: AssetKind, names: string[]): Promise<number[]> {
    return (await this.q(SQL.resolveAssetIds, [kind, names.filter((n) => !hasNul(n))])).map((r) => r.id as number);
  }

  // --- jobs ---
  async insertJob(j: JobRecord): Promise<void> {
    await this.q(SQL.insertJob, jobParams(j));
  }
  async getJob(exportId: string): Promise<JobRecord | undefined> {
    if (hasNul(exportId)) return undefined;
    const [r] = await this.q(SQL.getJob, [exportId]);
    return r && toJob(r);
  }
  async listJobs(q: ListJobsQuery): Promise<JobRecord[]> {
    // $5 is null for every kind; the query text stays one.
    const statuses = q.statuses ? ' AND status = ANY($6::text[])' : '';
    const sql = `SELECT * FROM jobs WHERE owner = $1 AND ($5::text IS NULL OR kind = $5) AND created_at >= $2${statuses}
      ORDER BY created_at DESC, export_id LIMIT $3 OFFSET $4`;
    return (await this.q(sql, [q.owner, q.createdSince, q.limit, q.offset, q.kind ?? null, ...(q.statuses ? [q.statuses] : [])])).map(toJob);
  }

  async enqueueJob(exportId: string, now: number, maxQueued: number): Promise<JobRecord> {
    return this.tx(async (c) => {
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

  async cancelJob(exportId: string, now: number): Promise<JobRecord> {
    return this.tx(async (c) => {
      const job = await jobForUpdate(c, exportId);
      const blocker = cancelBlocker(job.status);
      if (blocker === 'noop') return job;
      if (blocker) throw new InvalidTransition(exportId, job.status, 'cancel');
      return (await patch(c, exportId, job.status, { status: 'Cancelled', finishedAt: now }))!;
    });
  }

  async claimNextJob(now: number, maxProcessing: number, lease: Lease): Promise<JobRecord | undefined> {
    return this.tx(async (c) => {
      // Counting and claiming must be one step across processes, hence the lock; SKIP LOCKED keeps
      // the row pick from waiting on rows an enqueue or cancel holds.
      await c.query('SELECT pg_advisory_xact_lock($1)', [JOB_LIMIT_LOCK]);
      await c.query(SQL.requeueExpired, [Date.now()]);
      if (((await c.query(SQL.countProcessing)).rows[0].n as number) >= maxProcessing) return undefined;
      const id = (await c.query(SQL.oldestQueued)).rows[0]?.export_id as string | undefined;
      if (id === undefined) return undefined;
      await c.query(SQL.setLease, [lease.owner, lease.until, id]);
      return patch(c, id, 'Queued', { status: 'Processing', startedAt: now });
    });
  }

  async renewLeases(owner: string, exportIds: string[], until: number): Promise<string[]> {
    if (exportIds.length === 0) return [];
    return (await this.q(SQL.renewLeases, [until, exportIds, owner])).map((r) => r.export_id as string);
  }

  async transitionJob(exportId: string, from: JobStatus, p: JobPatch): Promise<JobRecord | undefined> {
    return this.tx((c) => patch(c, exportId, from, p));
  }

  async requeueProcessing(exportIds?: string[]): Promise<number> {
    const ids = exportIds ?? (await this.q(SQL.processingIds)).map((r) => r.export_id as string);
    await this.ready;
    return (await this.pool.query(SQL.requeue, [ids])).rowCount ?? 0;
  }
  async exportedBytesSince(since: number): Promise<number> {
    return (await this.q(SQL.exportedBytesSince, [since]))[0]!.n as number;
  }
  async jobsFinishedBefore(before: number): Promise<JobRecord[]> {
    return (await this.q(SQL.jobsFinishedBefore, [before])).map(toJob);
  }
  async deleteJobsEndedBefore(before: number): Promise<number> {
    await this.ready;
    return (await this.pool.query(SQL.deleteJobsEndedBefore, [before])).rowCount ?? 0;
  }

  async countJobsByStatus(): Promise<Record<JobStatus, number>> {
    return countsByStatus(await this.q(SQL.countJobsByStatus));
  }
  async resetData(options: { activities: boolean }): Promise<ResetCounts> {
    return this.tx(async (c) => {
      // Under the job lock, so no claim or enqueue interleaves with the delete.
      await c.query('SELECT pg_advisory_xact_lock($1)', [JOB_LIMIT_LOCK]);
      const jobs = (await c.query(SQL.deleteAllJobs)).rowCount ?? 0;
      const tokens = (await c.query(SQL.deleteAllTokens)).rowCount ?? 0;
      let activities = 0;
      if (options.activities) {
        activities = (await c.query(SQL.countActivities)).rows[0].n as number;
        await c.query(SQL.truncateActivities);
      }
      return { jobs, tokens, activities };
    });
  }

  async close(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }

  /** Drops this store's schema; tests use it to clean up. */
  async dropSchema(): Promise<void> {
    await this.q(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}

/** Activities as file lines through the TypeScript formatter, in chunks of 5000 rows. */
async function* formattedLines(rows: AsyncIterable<Activity>, request: ExportRequest): AsyncGenerator<LineChunk> {
  let text = '';
  let n = 0;
  for await (const a of rows) {
    text += formatRow(a, request.fields, request.format);
    if (++n === 5000) {
      yield { bytes: Buffer.from(text, 'utf8'), rows: n };
      text = '';
      n = 0;
    }
  }
  if (n) yield { bytes: Buffer.from(text, 'utf8'), rows: n };
}

/** Activities as COPY text, in batches of lines so the stream does not pay per row. */
async function* batchLines(records: AsyncIterable<Activity> | Iterable<Activity>): AsyncGenerator<string> {
  let buf = '';
  for await (const a of records) {
    buf += copyTextLine(a);
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

/**
 * PostgreSQL text cannot hold a NUL byte, and a parameter with one fails the whole query. Nothing
 * stored holds one (ids are generated, imported text is cleaned), so a lookup by such a value
 * (a token or export id from a request) finds nothing, as on SQLite.
 */
function hasNul(value: string): boolean {
  return value.includes('\0');
}

async function jobForUpdate(c: Client, exportId: string): Promise<JobRecord> {
  if (hasNul(exportId)) throw new JobNotFound(exportId);
  const r = (await c.query(SQL.getJobForUpdate, [exportId])).rows[0] as Row | undefined;
  if (!r) throw new JobNotFound(exportId);
  return toJob(r);
}

async function patch(c: Client, exportId: string, from: JobStatus, p: JobPatch): Promise<JobRecord | undefined> {
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

