/**
 * The values the Store takes and returns (users, tokens, call counts, import results, export
 * chunks and runs, job queries and pages), apart from the Store interface itself (store.ts), which
 * re-exports them: importers keep importing from store.ts.
 */
import type { ExportKind } from '../domain/export-kind.js';
import type { JobRecord, JobStatus } from '../domain/job.js';

/** The documented roles; a role may also be a comma-separated list of permissions (domain/permissions.ts). */
export const ROLES = ['read-only-activity', 'read-write-activity', 'none'] as const;
export type Role = string;

export interface ApiUser {
  clientId: string;
  name: string;
  role: Role;
  /** scrypt hash; the secret itself is never stored. */
  secretHash: string;
  disabled: boolean;
  createdAt: number;
}

/**
 * An access token as the store keeps it: never the token itself (a copy of the store is no set of
 * live tokens), only its digest, which requests are looked up by, and the nonce that, with the
 * client's secret, gives the token again (lib/secrets.ts, docs/decisions/2026-12-03-token-storage.md).
 */
export interface AccessToken {
  /** SHA-256 of the token, hex (`tokenDigest`). */
  tokenHash: string;
  nonce: string;
  clientId: string;
  issuedAt: number;
  expiresAt: number;
}

/** The call limits as a backend counts them (all optional limits left out mean "off"). */
export interface CallLimitSettings {
  rate?: { calls: number; seconds: number };
  maxInFlight?: number;
  /** 0 = unlimited. */
  dailyQuota: number;
}

/**
 * The limit that refused a call, in the store's own words: calls in the rate window, calls in
 * flight, calls this day. The HTTP layer maps them to Marketo's codes (606, 615, 607).
 */
export type CallLimit = 'rate' | 'inFlight' | 'daily';

/**
 * Call limits counted in the store, so that they hold across every process that shares it.
 * Present only on backends several processes share (PostgreSQL).
 */
export interface CallCounter {
  /**
   * Counts one call if every limit allows it, atomically; otherwise names the limit that refused.
   * @example const r = await counter.admit({ user: 'etl', now, dayStart, settings }); if ('refused' in r) ...
   */
  admit(call: { user: string; now: number; dayStart: number; settings: CallLimitSettings }): Promise<{ ticket: string } | { refused: CallLimit }>;
  /** The call is done; it no longer counts as in flight. @example await counter.release(ticket) */
  release(ticket: string): Promise<void>;
  /** Calls per user since `dayStart`. @example await counter.usage(dayStart) */
  usage(dayStart: number): Promise<{ userId: string; count: number }[]>;
  /**
   * Calls in flight now and calls admitted after `windowStart` (the rate window), for the console.
   * @example const { inFlight, inWindow } = await counter.load(now - 20_000)
   */
  load(windowStart: number): Promise<{ inFlight: number; inWindow: number }>;
}

/** How a backend differs; callers read these flags instead of asking which backend it is. */
export interface StoreCapabilities {
  /** Several processes may claim jobs at once (PostgreSQL's SKIP LOCKED); SQLite has one writer. */
  concurrentClaims: boolean;
  /** The backend can be reopened by a worker thread from a `StoreLocation`. */
  reopenInWorker: boolean;
  /** A big export is faster when several threads build its runs (`exportRuns`); see the stores. */
  parallelRuns: boolean;
}

/** What `resetData` deleted. */
export interface ResetCounts {
  jobs: number;
  tokens: number;
  activities: number;
}

/** What an import that updates stored records (by lead id; by program and lead) did. */
export interface UpsertResult {
  /** Records newly stored (a lead known only from activities counts as new). */
  inserted: number;
  /** Records already stored, now updated. */
  updated: number;
}

export interface ImportResult {
  /** Records newly stored. */
  inserted: number;
  /** Records whose marketoGUID was already stored (re-imports). */
  duplicates: number;
}

/**
 * A piece of the export's data lines and how many rows it completes. Pieces need not end on a
 * line boundary; over the whole export, the texts concatenate to the lines and the rows add up.
 */
export interface LineChunk {
  /** UTF-8: the engines hand over bytes, so lines never round-trip through JS strings. */
  bytes: Buffer;
  rows: number;
}

/**
 * A row's place in an export's file order, as a pair: for activities activityDate (epoch
 * seconds), then marketoGUID as a number; for leads 0, then the lead id (`leadKey`).
 */
export interface ExportKey {
  dateSec: number;
  /** Decimal text: GUIDs reach 2^63. */
  guid: string;
}

/** A lead export's key: file order is by id alone. */
export const leadKey = (id: number): ExportKey => ({ dateSec: 0, guid: String(id) });

/**
 * A run of an export's rows in file order: those after `after` up to and including `upTo`. A
 * missing bound is the selection's start or end, so `{}` is the whole export.
 */
export interface ExportSlice {
  after?: ExportKey;
  upTo?: ExportKey;
}

/** A slice as cut by `exportRuns`. */
export interface ExportRun extends ExportSlice {
  /**
   * When given, the run holds at most this many rows, so the store builds its lines in one
   * piece, without first looking for where chunks end. A run without it may be the whole export.
   */
  maxRows?: number;
}

/** A run of a catalog kind in id order: ids after `afterId`, at most `limit` of them. */
export interface AssetPage {
  afterId: number;
  limit: number;
}

export interface ListJobsQuery {
  owner: string;
  /** Only jobs of this kind (each kind's list endpoint shows its own); absent: every kind. */
  kind?: ExportKind;
  createdSince: number;
  statuses?: JobStatus[];
  offset: number;
  limit: number;
}

// --- the console's queries (docs/console.md) ---

/** Every owner's jobs, for the console: filters are optional, paging is by offset. */
export interface AllJobsQuery {
  statuses?: JobStatus[];
  /** Export kinds (activities, leads, programMembers). */
  kinds?: ExportKind[];
  /** clientIds. */
  owners?: string[];
  offset: number;
  limit: number;
}

/** One page of jobs, newest first, and how many jobs match the filters in all. */
export interface JobPage {
  jobs: JobRecord[];
  total: number;
}

/** Activities of one type on one UTC day (`day` is the day's start, epoch ms). */
export interface ActivityDayCount {
  day: number;
  activityTypeId: number;
  count: number;
}

/** Leads created on one UTC day (`day` is the day's start, epoch ms). */
export interface LeadDayCount {
  day: number;
  count: number;
}

/** A claim on a Processing job: who holds it, and until when (wall-clock epoch ms). */
export interface Lease {
  owner: string;
  until: number;
}

export type JobPatch = Partial<Omit<JobRecord, 'exportId' | 'owner' | 'format' | 'request' | 'createdAt'>>;

/** What the file sweep reads of a job that has files. */
export interface JobOwnership {
  exportId: string;
  status: JobStatus;
  finishedAt?: number;
  /** Who runs a Processing job, and until when (absent otherwise). */
  lease?: Lease;
}

/** Where a store lives, in a form that can be posted to a worker thread. */
export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/** A store made by an older version, about to be upgraded: schema versions, and how many activities it holds. */
export interface StoreUpgrade {
  fromVersion: number;
  toVersion: number;
  activities: number;
}
