/** The scale-out store: PostgreSQL 15 through `pg`, COPY in and out through `pg-copy-streams`. */
import pg from 'pg';
import type { Activity } from '../../domain/activity.js';
import type { Asset, AssetKind } from '../../domain/assets.js';
import { FIRST_CUSTOM_TYPE_ID } from '../../domain/activity-types.js';
import type { CustomActivityType } from '../../domain/custom-activities.js';
import { DuplicateName } from '../../domain/errors.js';
import type { ExportRequest, ExportValue, RecordExportRequest } from '../../domain/export-kind.js';
import type { ExportFilter } from '../../domain/export-request.js';
import type { JobRecord, JobStatus } from '../../domain/job.js';
import type { LeadRecord } from '../../domain/lead-record.js';
import type { MemberRecord } from '../../domain/program-member-record.js';
import { catalogColumns, STANDARD_LEAD_COLUMNS, STANDARD_MEMBER_COLUMNS } from '../lead-columns.js';
import type {
  AccessToken, ActivityDayCount, LeadDayCount, AllJobsQuery, ApiUser, JobOwnership, JobPage, Role, ExportRun, ExportSlice, ImportResult, JobPatch,
  ResetCounts, Lease, LineChunk, ListJobsQuery, Store, StoreCapabilities, StoreLocation, UpsertResult,
} from '../store.js';
import type { RecordSource } from '../record-source.js';
import type { AssetPage } from '../store.js';
import { countsByStatus, jobParams, toAsset, toJob, toOwnership, toToken, toUser, type Row } from '../row-mappers.js';
import { activityLines, activityMark, activityRows, appendActivities, importActivities } from './activity-data.js';
import { IN_FLIGHT_TIMING, PostgresCallCounter } from './call-counter.js';
import { PostgresConsoleQueries } from './console-queries.js';
import { ensureColumns, importLeads, importMembers, recordLines, recordMark, recordValues } from './lead-data.js';
import { hasNul, type Client, type PgAccess } from './pg-access.js';
import { MIGRATIONS } from './schema.js';
import { cancelJob, claimNextJob, enqueueJob, patch } from './job-transitions.js';
import { JOB_LIMIT_LOCK, SQL } from './sql.js';

// bigint (int8) columns come back as numbers: every one we store is below 2^53 except marketoGUID,
// which is always selected as text.
pg.types.setTypeParser(20, (v) => Number(v));

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
  // No runs shared between threads: one COPY already keeps two cores busy (PostgreSQL formats,
  // the worker thread hashes and writes); two slices measured 15 % slower with the database on
  // the same 2 cores (docs/performance.md). A database on its own machine might gain; not measured.
  readonly capabilities: StoreCapabilities = { concurrentClaims: true, reopenInWorker: true, parallelRuns: false };
  readonly location: StoreLocation;
  private readonly pool: pg.Pool;
  private readonly schema: string;
  private ready: Promise<void>;
  /** The client holding `inReadSnapshot`'s transaction: every read goes through it meanwhile. */
  private pinned?: Client;
  readonly callCounter: PostgresCallCounter;
  private readonly consoleQueries: PostgresConsoleQueries;
  /** What the data modules (activity-data.ts, lead-data.ts) use. */
  private readonly db: PgAccess = {
    q: (sql, params) => this.q(sql, params),
    arrays: async (sql, params = []) => {
      await this.ready;
      return (await (this.pinned ?? this.pool).query({ text: sql, values: params, rowMode: 'array' })).rows as unknown[][];
    },
    tx: (fn) => this.tx(fn),
    acquire: async () => {
      await this.ready;
      const pinned = this.pinned;
      if (pinned) return { client: pinned, release: () => undefined };
      const client = await this.pool.connect();
      return { client, release: () => client.release() };
    },
  };

  constructor(url: string, options: { poolSize?: number; migrate?: boolean; inFlightTiming?: typeof IN_FLIGHT_TIMING } = {}) {
    this.location = { kind: 'postgres', url };
    const { connectionString, schema } = parsePostgresUrl(url);
    this.schema = schema;
    this.pool = new pg.Pool({ connectionString, max: options.poolSize ?? 10, options: `-c search_path=${schema}` });
    this.pool.on('error', () => undefined); // an idle client dropped by the server; the next query reconnects
    this.ready = options.migrate === false ? Promise.resolve() : this.migrate();
    this.callCounter = new PostgresCallCounter((fn) => this.tx(fn), (sql, params) => this.q(sql, params), options.inFlightTiming);
    this.consoleQueries = new PostgresConsoleQueries((sql, params) => this.q(sql, params));
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
      await this.ensureFieldColumns(c);
    }, false);
  }

  /** Every standard field and every field the catalog declares has its column (lead-columns.ts). */
  private async ensureFieldColumns(c: Client): Promise<void> {
    const custom = async (kind: AssetKind) => ((await c.query(SQL.listAssets, [kind])).rows as Row[]).map(toAsset);
    await ensureColumns(c, 'leads', [...STANDARD_LEAD_COLUMNS, ...catalogColumns(await custom('leadField'))]);
    await ensureColumns(c, 'program_members', [...STANDARD_MEMBER_COLUMNS, ...catalogColumns(await custom('programMemberField'))]);
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
    await this.q(SQL.insertToken, [t.tokenHash, t.nonce, t.clientId, t.issuedAt, t.expiresAt]);
    await this.q(SQL.deleteTokensExpiredBefore, [t.issuedAt - 86_400_000]);
  }
  async findToken(tokenHash: string): Promise<AccessToken | undefined> {
    if (hasNul(tokenHash)) return undefined;
    const [r] = await this.q(SQL.findToken, [tokenHash]);
    return r && toToken(r);
  }

  // --- activities ---
  importActivities(records: RecordSource<Activity>): Promise<ImportResult> {
    return importActivities(this.db, records);
  }
  async countActivities(): Promise<number> {
    return (await this.q(SQL.countActivities))[0]!.n as number;
  }
  async countActivitiesByGuid(ranges: { from: string; to: string }[]): Promise<number[]> {
    const out: number[] = [];
    for (const r of ranges) out.push((await this.q(SQL.countActivitiesByGuid, [r.from, r.to]))[0]!.n as number);
    return out;
  }
  exportRows(filter: ExportFilter): AsyncIterable<Activity> {
    return activityRows(this.db, filter);
  }
  appendActivities(records: Omit<Activity, 'marketoGUID'>[]): Promise<string[]> {
    return appendActivities(this.db, records);
  }

  // --- leads and program members ---
  importLeads(records: RecordSource<LeadRecord>): Promise<UpsertResult> {
    return importLeads(this.db, records);
  }
  importProgramMembers(records: RecordSource<MemberRecord>): Promise<UpsertResult> {
    return importMembers(this.db, records);
  }
  async countLeads(): Promise<number> {
    return (await this.q(SQL.countLeads))[0]!.n as number;
  }
  exportRecords(request: RecordExportRequest): AsyncIterable<ExportValue[]> {
    return recordValues(this.db, request);
  }
  async programStatusNames(programIds: number[]): Promise<string[]> {
    return (await this.q(SQL.programStatusNames, [programIds])).map((r) => r.status_name as string);
  }

  // --- exports of every kind ---
  exportLines(request: ExportRequest, slice: ExportSlice = {}): AsyncIterable<LineChunk> {
    return request.kind === 'activities' ? activityLines(this.db, request, slice) : recordLines(this.db, request, slice);
  }
  // An export is one run (see capabilities).
  async *exportRuns(): AsyncIterable<ExportRun> {
    yield {};
  }
  async exportMark(request: ExportRequest): Promise<number> {
    return request.kind === 'activities' ? activityMark(this.db, request) : recordMark(this.db, request);
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
      // A field that joins the schema gets its column in the same transaction.
      if (assets.some((a) => a.kind === 'leadField' || a.kind === 'programMemberField')) await this.ensureFieldColumns(c);
      return assets.length;
    });
  }
  async deleteAsset(kind: AssetKind, id: number): Promise<boolean> {
    return this.tx(async (c) => {
      const gone = ((await c.query(SQL.deleteAsset, [kind, id])).rowCount ?? 0) > 0;
      if (kind === 'staticList' || kind === 'smartList') await c.query(SQL.deleteListMembers, [kind === 'staticList' ? 'static' : 'smart', id]);
      if (kind === 'program') await c.query(SQL.deleteProgramMembers, [id]);
      return gone;
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
  async listAssets(kind: AssetKind, page?: AssetPage): Promise<Asset[]> {
    return (await (page ? this.q(SQL.listAssetsAfter, [kind, page.afterId, page.limit]) : this.q(SQL.listAssets, [kind]))).map(toAsset);
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

  enqueueJob(exportId: string, now: number, maxQueued: number): Promise<JobRecord> {
    return enqueueJob(this.db, exportId, now, maxQueued);
  }
  cancelJob(exportId: string, now: number): Promise<JobRecord> {
    return cancelJob(this.db, exportId, now);
  }
  claimNextJob(now: number, maxProcessing: number, lease: Lease, mayStart?: (job: JobRecord) => boolean): Promise<JobRecord | undefined> {
    return claimNextJob(this.db, now, maxProcessing, lease, mayStart);
  }

  async renewLeases(owner: string, exportIds: string[], until: number): Promise<string[]> {
    if (exportIds.length === 0) return [];
    return (await this.q(SQL.renewLeases, [until, exportIds, owner])).map((r) => r.export_id as string);
  }

  transitionJob(exportId: string, from: JobStatus, p: JobPatch): Promise<JobRecord | undefined> {
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
  async jobOwnership(exportIds: string[]): Promise<JobOwnership[]> {
    // An id with a NUL byte cannot be stored, so it owns nothing (and PostgreSQL text refuses it).
    const ids = exportIds.filter((id) => !hasNul(id));
    if (ids.length === 0) return [];
    return (await this.q(SQL.jobOwnership, [ids])).map(toOwnership);
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

  // --- the console (console-queries.ts) ---
  listAllJobs(q: AllJobsQuery): Promise<JobPage> {
    return this.consoleQueries.listAllJobs(q);
  }
  queuedJobIds(): Promise<string[]> {
    return this.consoleQueries.queuedJobIds();
  }
  activityCountsByDay(): Promise<ActivityDayCount[]> {
    return this.consoleQueries.activityCountsByDay();
  }
  leadCountsByDay(): Promise<LeadDayCount[]> {
    return this.consoleQueries.leadCountsByDay();
  }
  setUserRole(clientId: string, role: Role): Promise<boolean> {
    return this.consoleQueries.setUserRole(clientId, role);
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
