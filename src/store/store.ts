/**
 * The Store: everything Tidemark persists except export file bytes (those live in a FileStore).
 * Two backends implement it (SQLite now, PostgreSQL later) and both run the conformance suite in
 * `store/conformance/`. Stores return domain results and throw domain errors; they never speak
 * Marketo codes.
 */
import type { Activity } from '../domain/activity.js';
import type { Asset, AssetKind } from '../domain/assets.js';
import type { CustomActivityType } from '../domain/custom-activities.js';
import type { ExportRequest, ExportValue, RecordExportRequest } from '../domain/export-kind.js';
import type { ExportFilter } from '../domain/export-request.js';
import type { JobRecord, JobStatus } from '../domain/job.js';
import type { LeadRecord } from '../domain/lead-record.js';
import type { MemberRecord } from '../domain/program-member-record.js';
import type { RecordSource } from './record-source.js';
import type {
  AccessToken, ActivityDayCount, AllJobsQuery, ApiUser, AssetPage, CallCounter, ExportRun,
  ImportResult, JobOwnership, JobPage, JobPatch, LeadDayCount, Lease, LineChunk, ListJobsQuery,
  ResetCounts, Role, StoreCapabilities, StoreLocation, UpsertResult,
} from './store-values.js';

export type { RecordSource } from './record-source.js';

export * from './store-values.js';

export interface Store {
  readonly capabilities: StoreCapabilities;
  readonly location: StoreLocation;
  /** Shared call limits, where several processes share the store; absent means count per process. */
  readonly callCounter?: CallCounter;

  // --- API users and tokens ---
  /** @example await store.createUser({ clientId, name: 'etl', role: 'read-only-activity', secretHash, disabled: false, createdAt: now }) */
  createUser(user: ApiUser): Promise<void>;
  /** @example const user = await store.findUser(clientId) */
  findUser(clientId: string): Promise<ApiUser | undefined>;
  /** @example for (const u of await store.listUsers()) console.log(u.name) */
  listUsers(): Promise<ApiUser[]>;
  /** Returns false when there is no such user. @example await store.disableUser(clientId) */
  disableUser(clientId: string): Promise<boolean>;
  /** The newest token of the client that is still valid at `now`. @example await store.findLiveToken(id, clock.now()) */
  findLiveToken(clientId: string, now: number): Promise<AccessToken | undefined>;
  /** @example await store.saveToken({ tokenHash: tokenDigest(token), nonce, clientId, issuedAt: now, expiresAt: now + 3_600_000 }) */
  saveToken(token: AccessToken): Promise<void>;
  /** The token row with this digest. @example const t = await store.findToken(tokenDigest(bearer)) */
  findToken(tokenHash: string): Promise<AccessToken | undefined>;
  /**
   * Optional: a value that changes whenever the stored data changes, by this connection or any other
   * (thread or process), cheap enough to read on every call; while it stays the same, a read answers
   * as it did. Absent where the backend cannot tell (PostgreSQL). The server caches token look-ups on it.
   * @example if (store.readVersion?.() !== seen) cache.clear()
   */
  readVersion?(): string;

  // --- activities ---
  /**
   * Stores activities all-or-nothing: if `records` throws, nothing of this call is kept. Records
   * whose marketoGUID exists already are counted as duplicates and left as they are.
   * @example await store.importActivities(parsedRecords())
   */
  importActivities(records: RecordSource<Activity>): Promise<ImportResult>;
  /** @example const n = await store.countActivities() */
  countActivities(): Promise<number>;
  /**
   * How many activities have a marketoGUID in each inclusive range (decimal text); the demo finds
   * the days it has written this way.
   * @example const [n] = await store.countActivitiesByGuid([{ from: '100000000001', to: '100000999999' }])
   */
  countActivitiesByGuid(ranges: { from: string; to: string }[]): Promise<number[]>;
  /**
   * The activities an export selects, in file order (activityDate, then marketoGUID numerically).
   * The readable path: the TypeScript formatter turns these into lines.
   * @example for await (const a of store.exportRows(request.filter)) lines.push(formatRow(a, fields, 'CSV'))
   */
  exportRows(filter: ExportFilter): AsyncIterable<Activity>;
  /**
   * An export's data lines built by the database engine (the fast path), for every kind. Must be
   * byte-identical to `formatRow` over `exportRows` (activities) or `formatRecord` over
   * `exportRecords` (leads, program members).
   * @example for await (const chunk of store.exportLines(request)) out.write(chunk.bytes)
   */
  exportLines(request: ExportRequest, slice?: ExportRun): AsyncIterable<LineChunk>;
  /**
   * The export cut into runs of at most `rowsPerRun` rows, in file order, cut as they are asked
   * for; the runs' lines (`exportLines(request, run)`), concatenated in order, are the export's.
   * Export workers hand runs to helper threads. A store whose engine streams an export best in
   * one piece (`capabilities.parallelRuns` false), and program member exports, yield one run.
   * @example for await (const run of store.exportRuns(request, 4096)) for await (const c of store.exportLines(request, run)) write(c.bytes)
   */
  exportRuns(request: ExportRequest, rowsPerRun: number): AsyncIterable<ExportRun>;
  /**
   * A count of what the export selects from, cheap to take: a second reader that counts the same
   * in its own snapshot has seen the same rows, as imports only add them (an import that only
   * updates stored leads is not seen). Export helpers compare it with the export's own.
   * @example if (await helperStore.exportMark(request) !== mark) useNoHelper()
   */
  exportMark(request: ExportRequest): Promise<number>;
  /**
   * Runs `fn` with every read this store instance makes (`exportRuns`, `exportMark`, `exportLines`,
   * `exportRows`) in one snapshot, so an export never shows half of an import that commits while
   * it runs. Only for an instance that does nothing else meanwhile: an export worker's own.
   * @example await store.inReadSnapshot(async () => { for await (const c of store.exportLines(r)) write(c.bytes) })
   */
  inReadSnapshot<T>(fn: () => Promise<T>): Promise<T>;

  // --- leads and program members ---
  /**
   * Stores leads all-or-nothing, by id: a new id is added; a stored lead is updated, the fields a
   * record gives replacing their values and the fields it leaves out keeping theirs, and the list
   * memberships a record gives (`staticListIds`, `smartListIds`) replacing the lead's. Within one
   * call the last record of an id wins.
   * @example await store.importLeads([{ id: 1001, createdAt, updatedAt: createdAt, lastChangeAt: createdAt, state: 'active', values: { email: 'a@example.com' } }])
   */
  importLeads(records: RecordSource<LeadRecord>): Promise<UpsertResult>;
  /**
   * Stores program memberships all-or-nothing, by (program, lead), with the same update rules as
   * `importLeads` for the fields; statusName, isExhausted, nurtureCadence and the dates are replaced.
   * @example await store.importProgramMembers(parsedMembers())
   */
  importProgramMembers(records: RecordSource<MemberRecord>): Promise<UpsertResult>;
  /** Active leads (not deleted, merged or known only from activities). @example await store.countLeads() */
  countLeads(): Promise<number>;
  /**
   * The rows a lead or program member export selects, in file order, as the values of its
   * columns: the readable path that `formatRecord` turns into the oracle's lines.
   * @example for await (const values of store.exportRecords(request)) text += formatRecord(values, request.format)
   */
  exportRecords(request: RecordExportRequest): AsyncIterable<ExportValue[]>;
  /** The distinct status names memberships of these programs have. @example await store.programStatusNames([1001, 1002]) */
  programStatusNames(programIds: number[]): Promise<string[]>;

  /** Which of these lead ids the instance knows (active, or known from activities). @example const known = await store.knownLeads([1001, 1002]) */
  knownLeads(ids: number[]): Promise<Set<number>>;
  /**
   * Adds activities posted through the API, giving each the next marketoGUID; returns the GUIDs
   * in order.
   * @example const [guid] = await store.appendActivities([record])
   */
  appendActivities(records: Omit<Activity, 'marketoGUID'>[]): Promise<string[]>;
  /**
   * Adds a custom activity type with the next free id (from 100001); throws DuplicateName when the
   * apiName is taken.
   * @example await store.addCustomType((id) => validateCustomType(body, id, now))
   */
  addCustomType(build: (id: number) => CustomActivityType): Promise<CustomActivityType>;
  /** @example const types = await store.listCustomTypes() */
  listCustomTypes(): Promise<CustomActivityType[]>;

  // --- asset catalog ---
  /** Inserts or replaces assets (by kind and id). @example await store.putAssets(parsed.assets) */
  putAssets(assets: Asset[]): Promise<number>;
  /** Assets of a kind with exactly this name. @example await store.findAssetsByName('form', 'MPS Outbound') */
  findAssetsByName(kind: AssetKind, name: string): Promise<Asset[]>;
  /**
   * Removes an asset; a static or smart list takes its memberships along, a program its members.
   * Returns false when there was none.
   * @example await store.deleteAsset('staticList', 3001)
   */
  deleteAsset(kind: AssetKind, id: number): Promise<boolean>;
  /** @example await store.getAsset('program', 1001) */
  getAsset(kind: AssetKind, id: number): Promise<Asset | undefined>;
  /**
   * Assets of a kind in ascending id; with `page`, only those after `afterId`, at most `limit`
   * (the paged reads, lists.json and campaigns.json, read a catalog a page at a time).
   * @example const fields = await store.listAssets('leadField')
   * @example const next = await store.listAssets('staticList', { afterId: 3001, limit: 301 })
   */
  listAssets(kind: AssetKind, page?: AssetPage): Promise<Asset[]>;
  /**
   * Ids of the assets whose qualified name (`<program>.<asset>`, a program's name, a lead field's
   * display name) is one of `names`; exact and case-sensitive.
   * @example await store.resolveAssetIds('form', ['GL_OP_ALL_2026.MPS Outbound'])
   */
  resolveAssetIds(kind: AssetKind, names: string[]): Promise<number[]>;

  // --- export jobs ---
  /** @example await store.insertJob(job) */
  insertJob(job: JobRecord): Promise<void>;
  /** @example const job = await store.getJob(exportId) */
  getJob(exportId: string): Promise<JobRecord | undefined>;
  /** Jobs newest first. @example await store.listJobs({ owner, kind: 'leads', createdSince, offset: 0, limit: 300 }) */
  listJobs(query: ListJobsQuery): Promise<JobRecord[]>;
  /**
   * Created -> Queued, atomically with the check that fewer than `maxQueued` jobs are Queued or
   * Processing. Throws JobNotFound, AlreadyQueued, InvalidTransition or QueueFull.
   * @example const job = await store.enqueueJob(exportId, clock.now(), 10)
   */
  enqueueJob(exportId: string, now: number, maxQueued: number): Promise<JobRecord>;
  /**
   * Created/Queued/Processing -> Cancelled; a Cancelled job is returned unchanged. Throws
   * JobNotFound or InvalidTransition.
   * @example const job = await store.cancelJob(exportId, clock.now())
   */
  cancelJob(exportId: string, now: number): Promise<JobRecord>;
  /**
   * Moves the oldest Queued job (by queuedAt) to Processing under a lease, if fewer than
   * `maxProcessing` jobs are Processing; undefined when none can start. Processing jobs whose
   * lease ran out (their worker died) go back to the queue first. With `mayStart`, the oldest
   * Queued job starts only if it says yes (inside the claim's transaction); otherwise nothing
   * starts, as in a FIFO queue whose head is not ready (Marketo's queue wait, domain/marketo-timing.ts).
   * @example while ((job = await store.claimNextJob(clock.now(), 2, { owner, until: Date.now() + 30_000 }))) run(job)
   */
  claimNextJob(now: number, maxProcessing: number, lease: Lease, mayStart?: (job: JobRecord) => boolean): Promise<JobRecord | undefined>;
  /**
   * Extends the leases `owner` holds on these jobs; returns the ids it still holds (a job
   * cancelled or taken over meanwhile is missing, and its worker should stop).
   * @example const held = await store.renewLeases(owner, [...running], Date.now() + 30_000)
   */
  renewLeases(owner: string, exportIds: string[], until: number): Promise<string[]>;
  /**
   * Applies `patch` only if the job is still in `from` (compare-and-set); returns the updated
   * job or undefined when the job has moved on (cancelled meanwhile, say).
   * @example await store.transitionJob(id, 'Processing', { status: 'Completed', finishedAt: now, ... })
   */
  transitionJob(exportId: string, from: JobStatus, patch: JobPatch): Promise<JobRecord | undefined>;
  /**
   * Processing -> Queued for the given jobs (all when omitted), keeping queuedAt so they return to
   * the head of the queue. Used after a crash and on shutdown.
   * @example await store.requeueProcessing()
   */
  requeueProcessing(exportIds?: string[]): Promise<number>;
  /** Sum of fileSize of jobs Completed at or after `since`. @example await store.exportedBytesSince(dayStart) */
  exportedBytesSince(since: number): Promise<number>;
  /**
   * The jobs among `exportIds` that exist, with what decides whether their files may stay: status,
   * finishedAt and the lease of a Processing job. For the file sweep (export/file-sweep.ts).
   * @example const owners = await store.jobOwnership(files.list().map((f) => f.exportId))
   */
  jobOwnership(exportIds: string[]): Promise<JobOwnership[]>;
  /** How many jobs are in each status (every status present, 0 when none); for /metrics. @example (await store.countJobsByStatus()).Queued */
  countJobsByStatus(): Promise<Record<JobStatus, number>>;
  /** Deletes job rows that ended (or were created, if never ended) before `before`. @example await store.deleteJobsEndedBefore(cutoff) */
  deleteJobsEndedBefore(before: number): Promise<number>;

  /**
   * The emulator's reset: deletes every job and every token, and with `activities` every activity,
   * lead and list or program membership too, in one transaction. Users, custom activity types and assets stay.
   * @example const gone = await store.resetData({ activities: false })
   */
  resetData(options: { activities: boolean }): Promise<ResetCounts>;

  // --- the console (docs/console.md); kept together so other work on the Store merges cleanly ---
  /**
   * Jobs of every owner, newest first (createdAt, then exportId), with the number that match.
   * @example const { jobs, total } = await store.listAllJobs({ statuses: ['Queued'], offset: 0, limit: 50 })
   */
  listAllJobs(query: AllJobsQuery): Promise<JobPage>;
  /** Queued jobs in the order the scheduler claims them (queuedAt first). @example (await store.queuedJobIds()).indexOf(id) + 1 */
  queuedJobIds(): Promise<string[]>;
  /** Activities per UTC day and type over everything stored, by day then type. @example await store.activityCountsByDay() */
  activityCountsByDay(): Promise<ActivityDayCount[]>;
  /**
   * Active leads (those a lead export can select: not deleted, not merged, not known only from
   * activities) per UTC day of their `createdAt`, by day.
   * @example await store.leadCountsByDay()
   */
  leadCountsByDay(): Promise<LeadDayCount[]>;
  /** Sets a user's role; false when there is no such user. @example await store.setUserRole(clientId, 'read-write-activity') */
  setUserRole(clientId: string, role: Role): Promise<boolean>;

  /** @example await store.close() */
  close(): Promise<void>;
}
