/** The embedded store: one SQLite file through better-sqlite3 (synchronous, so exports run in worker threads). */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Activity } from '../../domain/activity.js';
import type { Asset, AssetKind } from '../../domain/assets.js';
import { FIRST_CUSTOM_TYPE_ID } from '../../domain/activity-types.js';
import type { CustomActivityType } from '../../domain/custom-activities.js';
import { formatMarketoDate } from '../../domain/dates.js';
import { AlreadyQueued, DuplicateName, InvalidTransition, JobNotFound, QueueFull } from '../../domain/errors.js';
import type { ExportRequest, ExportValue, RecordExportRequest } from '../../domain/export-kind.js';
import type { ExportFilter } from '../../domain/export-request.js';
import { cancelBlocker, enqueueBlocker, type JobRecord, type JobStatus } from '../../domain/job.js';
import type { LeadRecord } from '../../domain/lead-record.js';
import type { MemberRecord } from '../../domain/program-member-record.js';
import { catalogColumns, STANDARD_LEAD_COLUMNS, STANDARD_MEMBER_COLUMNS } from '../lead-columns.js';
import type {
  AccessToken, ActivityDayCount, LeadDayCount, AllJobsQuery, ApiUser, JobOwnership, JobPage, Role, ExportRun, ImportResult, JobPatch, ResetCounts, Lease,
  LineChunk, ListJobsQuery, Store, StoreCapabilities, StoreLocation, UpsertResult,
} from '../store.js';
import type { RecordSource } from '../record-source.js';
import type { AssetPage, StoreUpgrade } from '../store.js';
import { countsByStatus, JOB_COLUMNS, jobParams, toAsset, toJob, toOwnership, toToken, toUser, type Row } from '../row-mappers.js';
import { activityLines, activityMark, activityRows, activityRuns, importActivities } from './activity-data.js';
import { SqliteConsoleQueries } from './console-queries.js';
import { ensureColumns, importLeads, importMembers, recordLines, recordMark, recordRuns, recordValues } from './lead-data.js';
import { MIGRATIONS } from './schema.js';
import { SQL } from './sql.js';

export interface SqliteStoreOptions {
  /** Open without writing (export worker threads). */
  readonly?: boolean;
  /** Told before a store made by an older version is upgraded (which may rewrite every activity). */
  onUpgrade?: (upgrade: StoreUpgrade) => void;
}

export class SqliteStore implements Store {
  // SQLite builds the lines in the thread that reads them, so one export uses one core; runs
  // handed to helper threads use the others.
  readonly capabilities: StoreCapabilities = { concurrentClaims: false, reopenInWorker: true, parallelRuns: true };
  readonly location: StoreLocation;
  private readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly consoleQueries: SqliteConsoleQueries;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.location = { kind: 'sqlite', file };
    if (!options.readonly && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    // Other processes (the CLI's `users create`, `import`) write to the same file while `serve` runs.
    this.db.pragma('busy_timeout = 30000');
    // An export thread reads its window once, front to back, so SQLite's page cache (16 MB a
    // connection as better-sqlite3 builds it) only filled up: 29 MB of a 31-day export's peak
    // memory in its two threads, at the same speed with 2 MB (docs/performance.md).
    if (options.readonly) {
      this.db.pragma('cache_size = -2000');
    } else {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.migrate(options.onUpgrade);
      // Every standard field has its column, and every field the catalog declares (a store made
      // by an older version gets them here).
      this.db.transaction(() => this.ensureFieldColumns()).immediate();
    }
    this.consoleQueries = new SqliteConsoleQueries(this.db);
  }

  private ensureFieldColumns(): void {
    const custom = (kind: AssetKind) => (this.stmt(SQL.listAssets).all(kind) as Row[]).map((r) => toAsset(r));
    ensureColumns(this.db, 'leads', [...STANDARD_LEAD_COLUMNS, ...catalogColumns(custom('leadField'))]);
    ensureColumns(this.db, 'program_members', [...STANDARD_MEMBER_COLUMNS, ...catalogColumns(custom('programMemberField'))]);
  }

  private migrate(onUpgrade?: (upgrade: StoreUpgrade) => void): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    // A new file (version 0) has nothing to rewrite; an older store may take a while (the file-text
    // columns rewrite every activity: about 10 s a million on the bench machine).
    if (version > 0 && version < MIGRATIONS.length && onUpgrade) {
      onUpgrade({ fromVersion: version, toVersion: MIGRATIONS.length, activities: this.db.prepare(SQL.countActivities).pluck().get() as number });
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // --- users and tokens ---
  async createUser(u: ApiUser): Promise<void> {
    this.stmt(SQL.insertUser).run(u.clientId, u.name, u.role, u.secretHash, u.disabled ? 1 : 0, u.createdAt);
  }
  async findUser(clientId: string): Promise<ApiUser | undefined> {
    const row = this.stmt(SQL.findUser).get(clientId) as Row | undefined;
    return row && toUser(row);
  }
  async listUsers(): Promise<ApiUser[]> {
    return (this.stmt(SQL.listUsers).all() as Row[]).map(toUser);
  }
  async disableUser(clientId: string): Promise<boolean> {
    return this.stmt(SQL.disableUser).run(clientId).changes > 0;
  }
  async findLiveToken(clientId: string, now: number): Promise<AccessToken | undefined> {
    const row = this.stmt(SQL.findLiveToken).get(clientId, now) as Row | undefined;
    return row && toToken(row);
  }
  async saveToken(t: AccessToken): Promise<void> {
    this.stmt(SQL.insertToken).run(t.tokenHash, t.nonce, t.clientId, t.issuedAt, t.expiresAt);
    // Old tokens are useless after a day; keep the table small.
    this.stmt(SQL.deleteTokensExpiredBefore).run(t.issuedAt - 86_400_000);
  }
  async findToken(tokenHash: string): Promise<AccessToken | undefined> {
    const row = this.stmt(SQL.findToken).get(tokenHash) as Row | undefined;
    return row && toToken(row);
  }
  /**
   * data_version moves when another connection commits, total_changes() with this connection's
   * writes. Two statements: the pragma_data_version table function prepares a statement per call.
   */
  readVersion(): string {
    const others = this.stmt('PRAGMA data_version').pluck().get() as number;
    return `${others}:${this.stmt('SELECT total_changes()').pluck().get() as number}`;
  }

  // --- activities ---
  async importActivities(records: RecordSource<Activity>): Promise<ImportResult> {
    return importActivities(this.db, records);
  }
  async countActivities(): Promise<number> {
    return this.stmt(SQL.countActivities).pluck().get() as number;
  }
  async countActivitiesByGuid(ranges: { from: string; to: string }[]): Promise<number[]> {
    const count = this.stmt(SQL.countActivitiesByGuid).pluck();
    return ranges.map((r) => count.get(BigInt(r.from), BigInt(r.to)) as number);
  }
  async *exportRows(filter: ExportFilter): AsyncIterable<Activity> {
    yield* activityRows(this.db, filter);
  }

  // --- leads and program members ---
  async importLeads(records: RecordSource<LeadRecord>): Promise<UpsertResult> {
    return importLeads(this.db, records);
  }
  async importProgramMembers(records: RecordSource<MemberRecord>): Promise<UpsertResult> {
    return importMembers(this.db, records);
  }
  async countLeads(): Promise<number> {
    return this.stmt(SQL.countLeads).pluck().get() as number;
  }
  async *exportRecords(request: RecordExportRequest): AsyncIterable<ExportValue[]> {
    yield* recordValues(this.db, request);
  }
  async programStatusNames(programIds: number[]): Promise<string[]> {
    return this.stmt(SQL.programStatusNames).pluck().all(JSON.stringify(programIds)) as string[];
  }

  // --- exports of every kind ---
  async *exportLines(request: ExportRequest, slice: ExportRun = {}): AsyncIterable<LineChunk> {
    if (request.kind === 'activities') yield* activityLines(this.exportStmt, request, slice);
    else yield* recordLines(this.exportStmt, request, slice);
  }

  async *exportRuns(request: ExportRequest, rowsPerRun: number): AsyncIterable<ExportRun> {
    if (request.kind === 'activities') yield* activityRuns(this.exportStmt, request, rowsPerRun);
    else yield* recordRuns(this.exportStmt, request, rowsPerRun);
  }

  async exportMark(request: ExportRequest): Promise<number> {
    return request.kind === 'activities' ? activityMark(this.exportStmt, request) : recordMark(this.exportStmt, request);
  }

  /** Export statements, kept while in use: a helper builds hundreds of runs with the same few. */
  private readonly exportStmt = (sql: string): Database.Statement => {
    let s = this.exportStmts.get(sql);
    if (!s) {
      // Each request's fields and filter make their own SQL; a long-lived store keeps the latest few.
      if (this.exportStmts.size >= 32) this.exportStmts.delete(this.exportStmts.keys().next().value!);
      s = this.db.prepare(sql);
      this.exportStmts.set(sql, s);
    }
    return s;
  };
  private readonly exportStmts = new Map<string, Database.Statement>();

  async inReadSnapshot<T>(fn: () => Promise<T>): Promise<T> {
    // Deferred: the read transaction, and with it the snapshot, starts at fn's first read.
    this.db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  async knownLeads(ids: number[]): Promise<Set<number>> {
    return new Set(this.stmt(SQL.knownLeads).pluck().all(JSON.stringify(ids)) as number[]);
  }

  async appendActivities(records: Omit<Activity, 'marketoGUID'>[]): Promise<string[]> {
    return this.db.transaction(() => {
      let guid = BigInt(this.stmt(SQL.maxMarketoGuid).pluck().safeIntegers(true).get() as bigint);
      const insert = this.stmt(SQL.insertActivity);
      return records.map((a) => {
        guid++;
        insert.run(guid, a.leadId, a.activityDate / 1000, a.activityTypeId, a.campaignId, a.primaryAttributeValueId,
          a.primaryAttributeValue, a.actionResult, formatMarketoDate(a.activityDate), { attributes: a.attributes });
        return guid.toString();
      });
    }).immediate();
  }

  async addCustomType(build: (id: number) => CustomActivityType): Promise<CustomActivityType> {
    return this.db.transaction(() => {
      const max = this.stmt(SQL.maxCustomTypeId).pluck().get() as number | null;
      const type = build(Math.max(max ?? 0, FIRST_CUSTOM_TYPE_ID - 1) + 1);
      try {
        this.stmt(SQL.insertCustomType).run(type.id, type.apiName, JSON.stringify(type));
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateName(type.apiName);
        throw err;
      }
      return type;
    }).immediate();
  }

  async listCustomTypes(): Promise<CustomActivityType[]> {
    return (this.stmt(SQL.listCustomTypes).pluck().all() as string[]).map((d) => JSON.parse(d));
  }

  // --- asset catalog ---
  async putAssets(assets: Asset[]): Promise<number> {
    const put = this.stmt(SQL.putAsset);
    return this.db.transaction(() => {
      for (const a of assets) put.run(a.kind, a.id, a.name, a.qualifiedName, JSON.stringify(a.data));
      // A field that joins the schema gets its column in the same transaction.
      if (assets.some((a) => a.kind === 'leadField' || a.kind === 'programMemberField')) this.ensureFieldColumns();
      return assets.length;
    }).immediate();
  }
  async deleteAsset(kind: AssetKind, id: number): Promise<boolean> {
    return this.db.transaction(() => {
      const gone = this.stmt(SQL.deleteAsset).run(kind, id).changes > 0;
      if (kind === 'staticList' || kind === 'smartList') this.stmt(SQL.deleteListMembers).run(kind === 'staticList' ? 'static' : 'smart', id);
      if (kind === 'program') this.stmt(SQL.deleteProgramMembers).run(id);
      return gone;
    }).immediate();
  }
  async findAssetsByName(kind: AssetKind, name: string): Promise<Asset[]> {
    return (this.stmt(SQL.findAssetsByName).all(kind, name) as Row[]).map(toAsset);
  }
  async getAsset(kind: AssetKind, id: number): Promise<Asset | undefined> {
    const row = this.stmt(SQL.getAsset).get(kind, id) as Row | undefined;
    return row && toAsset(row);
  }
  async listAssets(kind: AssetKind, page?: AssetPage): Promise<Asset[]> {
    const rows = page ? this.stmt(SQL.listAssetsAfter).all(kind, page.afterId, page.limit) : this.stmt(SQL.listAssets).all(kind);
    return (rows as Row[]).map(toAsset);
  }
  async resolveAssetIds(kind: AssetKind, names: string[]): Promise<number[]> {
    return this.stmt(SQL.resolveAssetIds).pluck().all(kind, JSON.stringify(names)) as number[];
  }

  // --- jobs ---
  async insertJob(job: JobRecord): Promise<void> {
    this.stmt(SQL.insertJob).run(...jobParams(job));
  }
  async getJob(exportId: string): Promise<JobRecord | undefined> {
    const row = this.stmt(SQL.getJob).get(exportId) as Row | undefined;
    return row && toJob(row);
  }
  async listJobs(q: ListJobsQuery): Promise<JobRecord[]> {
    const kind = q.kind ? ' AND kind = ?' : '';
    const statuses = q.statuses ? ` AND status IN (SELECT value FROM json_each(?))` : '';
    const params: unknown[] = [q.owner, q.createdSince, ...(q.kind ? [q.kind] : []), ...(q.statuses ? [JSON.stringify(q.statuses)] : []), q.limit, q.offset];
    const sql = `SELECT * FROM jobs WHERE owner = ? AND created_at >= ?${kind}${statuses} ORDER BY created_at DESC, export_id LIMIT ? OFFSET ?`;
    return (this.stmt(sql).all(...params) as Row[]).map(toJob);
  }

  async enqueueJob(exportId: string, now: number, maxQueued: number): Promise<JobRecord> {
    return this.db.transaction(() => {
      const job = this.getJobSync(exportId);
      const blocker = enqueueBlocker(job.status);
      if (blocker === 'already-queued') throw new AlreadyQueued(exportId);
      if (blocker) throw new InvalidTransition(exportId, job.status, 'enqueue');
      const active = this.stmt(SQL.countActive).pluck().get() as number;
      if (active >= maxQueued) throw new QueueFull(maxQueued);
      return this.patchSync(exportId, 'Created', { status: 'Queued', queuedAt: now })!;
    }).immediate();
  }

  async cancelJob(exportId: string, now: number): Promise<JobRecord> {
    return this.db.transaction(() => {
      const job = this.getJobSync(exportId);
      const blocker = cancelBlocker(job.status);
      if (blocker === 'noop') return job;
      if (blocker) throw new InvalidTransition(exportId, job.status, 'cancel');
      return this.patchSync(exportId, job.status, { status: 'Cancelled', finishedAt: now })!;
    }).immediate();
  }

  async claimNextJob(now: number, maxProcessing: number, lease: Lease, mayStart?: (job: JobRecord) => boolean): Promise<JobRecord | undefined> {
    // One writer at a time (BEGIN IMMEDIATE) makes count-then-claim atomic across processes.
    return this.db.transaction(() => {
      this.stmt(SQL.requeueExpired).run(Date.now());
      const processing = this.stmt(SQL.countProcessing).pluck().get() as number;
      if (processing >= maxProcessing) return undefined;
      const id = this.stmt(SQL.oldestQueued).pluck().get() as string | undefined;
      if (id === undefined) return undefined;
      if (mayStart && !mayStart(this.getJobSync(id))) return undefined;
      this.stmt(SQL.setLease).run(lease.owner, lease.until, id);
      return this.patchSync(id, 'Queued', { status: 'Processing', startedAt: now });
    }).immediate();
  }

  async renewLeases(owner: string, exportIds: string[], until: number): Promise<string[]> {
    return this.db.transaction(() => exportIds.filter((id) => this.stmt(SQL.renewLease).run(until, id, owner).changes > 0)).immediate();
  }

  async transitionJob(exportId: string, from: JobStatus, patch: JobPatch): Promise<JobRecord | undefined> {
    return this.db.transaction(() => this.patchSync(exportId, from, patch)).immediate();
  }

  async requeueProcessing(exportIds?: string[]): Promise<number> {
    return this.db.transaction(() => {
      const ids = exportIds ?? (this.stmt(SQL.processingIds).pluck().all() as string[]);
      let n = 0;
      for (const id of ids) n += this.stmt(SQL.requeue).run(id).changes;
      return n;
    }).immediate();
  }

  async exportedBytesSince(since: number): Promise<number> {
    return this.stmt(SQL.exportedBytesSince).pluck().get(since) as number;
  }
  async jobOwnership(exportIds: string[]): Promise<JobOwnership[]> {
    if (exportIds.length === 0) return [];
    return (this.stmt(SQL.jobOwnership).all(JSON.stringify(exportIds)) as Row[]).map(toOwnership);
  }
  async deleteJobsEndedBefore(before: number): Promise<number> {
    return this.stmt(SQL.deleteJobsEndedBefore).run(before).changes;
  }
  async countJobsByStatus(): Promise<Record<JobStatus, number>> {
    return countsByStatus(this.stmt(SQL.countJobsByStatus).all() as Row[]);
  }
  async resetData(options: { activities: boolean }): Promise<ResetCounts> {
    return this.db.transaction(() => {
      const jobs = this.stmt(SQL.deleteAllJobs).run().changes;
      const tokens = this.stmt(SQL.deleteAllTokens).run().changes;
      let activities = 0;
      if (options.activities) {
        activities = this.stmt(SQL.deleteAllActivities).run().changes;
        for (const sql of SQL.deleteAllLeadData) this.stmt(sql).run();
      }
      return { jobs, tokens, activities };
    }).immediate();
  }

  // --- the console (console-queries.ts) ---
  async listAllJobs(q: AllJobsQuery): Promise<JobPage> {
    return this.consoleQueries.listAllJobs(q);
  }
  async queuedJobIds(): Promise<string[]> {
    return this.consoleQueries.queuedJobIds();
  }
  async activityCountsByDay(): Promise<ActivityDayCount[]> {
    return this.consoleQueries.activityCountsByDay();
  }
  async leadCountsByDay(): Promise<LeadDayCount[]> {
    return this.consoleQueries.leadCountsByDay();
  }
  async setUserRole(clientId: string, role: Role): Promise<boolean> {
    return this.consoleQueries.setUserRole(clientId, role);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private getJobSync(exportId: string): JobRecord {
    const row = this.stmt(SQL.getJob).get(exportId) as Row | undefined;
    if (!row) throw new JobNotFound(exportId);
    return toJob(row);
  }

  private patchSync(exportId: string, from: JobStatus, patch: JobPatch): JobRecord | undefined {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      const column = JOB_COLUMNS[key as keyof JobPatch];
      if (!column) throw new Error(`unknown job field ${key}`);
      sets.push(`${column} = ?`);
      params.push(value ?? null);
    }
    const changed = this.stmt(`UPDATE jobs SET ${sets.join(', ')} WHERE export_id = ? AND status = ?`)
      .run(...params, exportId, from).changes;
    return changed ? toJob(this.stmt(SQL.getJob).get(exportId) as Row) : undefined;
  }
}

