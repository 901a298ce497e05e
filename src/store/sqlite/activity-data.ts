/**
 * Activities in the SQLite store: the staged import, and the export's rows (for the oracle),
 * runs (cut by keys of the date index) and lines (built inside SQLite, a run at a time).
 */
import type Database from 'better-sqlite3';
import type { Activity } from '../../domain/activity.js';
import { formatMarketoDate } from '../../domain/dates.js';
import type { ActivityExportRequest, ExportFilter } from '../../domain/export-request.js';
import { isAfter } from '../export-slices.js';
import type { Row } from '../row-mappers.js';
import { batchesOf, type RecordSource } from '../record-source.js';
import type { ExportKey, ExportRun, ExportSlice, ImportResult, LineChunk } from '../store.js';
import { attributesFromStored } from './file-text-columns.js';
import { CHUNK_ROWS, exportChunkSql, exportWhere, ORDER, SQL } from './sql.js';

/**
 * Records are staged in a TEMP table (the connection's own temp database, which locks nothing
 * in the main file), then copied in one short transaction. A long import thus never holds the
 * write lock that `serve` needs for job updates, and a crash leaves the store untouched.
 */
export async function importActivities(db: Database.Database, records: RecordSource<Activity>): Promise<ImportResult> {
  db.exec(SQL.createStage);
  try {
    const stage = new ActivityStage(db);
    for await (const batch of batchesOf(records, STAGE_BATCH)) stage.add(batch);
    const inserted = db.transaction(() => {
      db.prepare(SQL.copyStageLeads).run();
      // A file in GUID order (an export, a generator) is staged in GUID order with no GUID twice:
      // its copy needs no sort, which was a fifth of a million-row import.
      return db.prepare(stage.inGuidOrder ? SQL.copyOrderedStage : SQL.copyStage).run().changes;
    }).immediate();
    return { inserted, duplicates: stage.rows - inserted };
  } finally {
    db.exec(SQL.dropStage);
  }
}

const STAGE_BATCH = 10_000;
/** Rows a staging INSERT binds at once: one call per row cost more than the temp table's own work. */
const ROWS_PER_INSERT = 64;
const COLUMNS = 10;

/** The TEMP stage of one import: rows appended in batches, each batch one transaction. */
class ActivityStage {
  rows = 0;
  /** True while every GUID staged is greater than the one before. */
  inGuidOrder = true;
  private lastGuid = '';
  private readonly one: Database.Statement;
  private readonly many: Database.Statement;
  private readonly values: unknown[] = new Array(ROWS_PER_INSERT * COLUMNS);
  readonly add: (batch: readonly Activity[]) => void;

  constructor(db: Database.Database) {
    this.one = db.prepare(SQL.insertStage(1));
    this.many = db.prepare(SQL.insertStage(ROWS_PER_INSERT));
    this.add = db.transaction((batch: readonly Activity[]) => this.append(batch));
  }

  private append(batch: readonly Activity[]): void {
    const { values } = this;
    let i = 0;
    for (; i + ROWS_PER_INSERT <= batch.length; i += ROWS_PER_INSERT) {
      for (let j = 0; j < ROWS_PER_INSERT; j++) this.put(values, j * COLUMNS, batch[i + j]!);
      this.many.run(values);
    }
    const one: unknown[] = new Array(COLUMNS);
    for (; i < batch.length; i++) {
      this.put(one, 0, batch[i]!);
      this.one.run(one);
    }
    this.rows += batch.length;
  }

  private put(values: unknown[], at: number, a: Activity): void {
    const guid = a.marketoGUID;
    // Canonical decimal text (no leading zeros): longer is larger, same length compares as text.
    if (this.inGuidOrder && !(guid.length > this.lastGuid.length || (guid.length === this.lastGuid.length && guid > this.lastGuid))) {
      this.inGuidOrder = false;
    }
    this.lastGuid = guid;
    // Up to 15 digits a double holds the GUID exactly (the INTEGER column stores it as an integer).
    values[at] = guid.length <= 15 ? Number(guid) : BigInt(guid);
    values[at + 1] = a.leadId;
    values[at + 2] = a.activityDate / 1000;
    values[at + 3] = a.activityTypeId;
    values[at + 4] = a.campaignId;
    values[at + 5] = a.primaryAttributeValueId;
    values[at + 6] = a.primaryAttributeValue;
    values[at + 7] = a.attributes;
    values[at + 8] = a.actionResult;
    values[at + 9] = formatMarketoDate(a.activityDate);
  }
}

export function* activityRows(db: Database.Database, filter: ExportFilter): Generator<Activity> {
  const { where, params } = exportWhere(filter);
  const stmt = db.prepare(`${SQL.selectRows} WHERE ${where} ${ORDER}`);
  for (const r of stmt.iterate(...params) as IterableIterator<Row>) {
    yield {
      marketoGUID: r.guid as string,
      leadId: r.lead_id as number,
      activityDate: (r.activity_date as number) * 1000,
      activityTypeId: r.activity_type_id as number,
      campaignId: (r.campaign_id as number | null) ?? null,
      primaryAttributeValueId: (r.pav_id as number | null) ?? null,
      primaryAttributeValue: (r.pav as string | null) ?? null,
      attributes: attributesFromStored(r.attributes as string),
      actionResult: (r.action_result as Activity['actionResult']) ?? null,
    };
  }
}

/** Prepares a statement once per connection (the store's cache): a run's queries are asked for hundreds of times. */
export type Prepare = (sql: string) => Database.Statement;

type Key = { date: bigint; guid: bigint };
const toKey = (k: Key): ExportKey => ({ dateSec: Number(k.date), guid: String(k.guid) });

/**
 * The export cut into runs of `rowsPerRun` rows of its window each (fewer are selected when a
 * type or value filter applies), from the start of `within` to its end.
 */
export function* activityRuns(prepare: Prepare, request: ActivityExportRequest, rowsPerRun: number, within: ExportSlice = {}): Generator<ExportRun> {
  const { params } = exportWhere(request.filter);
  const [startSec, endSec] = params as [number, number];
  // safeIntegers: GUIDs reach 2^63 and must come back exactly to bound the next run.
  const runEnd = prepare(exportChunkSql(request).runEnd).safeIntegers(true);
  const last = within.upTo;
  let after = within.after;
  for (;;) {
    // The index range starts at the run's first second, not the window's.
    const from = after ? Math.max(startSec, after.dateSec) : startSec;
    const bound = { afterDate: after?.dateSec ?? startSec - 1, afterGuid: after ? BigInt(after.guid) : 0n, skip: rowsPerRun - 1 };
    const found = runEnd.get(from, endSec, bound) as Key | undefined;
    const end = found && toKey(found);
    // The slice ends in this run when no run follows or this one reaches its last key.
    const endsHere = last && (!end || !isAfter(last.dateSec, BigInt(last.guid), end));
    const upTo = endsHere ? last : end;
    yield { ...(after ? { after } : {}), ...(upTo ? { upTo } : {}), maxRows: rowsPerRun };
    if (!end || endsHere) return;
    after = end;
  }
}

/** The lines of a slice: a run from activityRuns in one query; any other slice run by run. */
export function* activityLines(prepare: Prepare, request: ActivityExportRequest, slice: ExportRun): Generator<LineChunk> {
  if (slice.maxRows === undefined) {
    for (const run of activityRuns(prepare, request, CHUNK_ROWS, slice)) yield* activityLines(prepare, request, run);
    return;
  }
  const { params } = exportWhere(request.filter);
  const sql = exportChunkSql(request);
  const startSec = params[0] as number;
  const { after, upTo } = slice;
  const from = [after ? Math.max(startSec, after.dateSec) : startSec, ...params.slice(1)];
  const bound = { afterDate: after?.dateSec ?? startSec - 1, afterGuid: after ? BigInt(after.guid) : 0n };
  const chunk = (upTo
    ? prepare(sql.chunkUpTo).get(...from, { ...bound, lastDate: upTo.dateSec, lastGuid: BigInt(upTo.guid) })
    : prepare(sql.chunkRest).get(...from, bound)) as { rows: number; bytes: Buffer | null };
  if (chunk.rows) yield { bytes: chunk.bytes!, rows: chunk.rows };
}

/** The export's mark: how many rows its window holds (imports only add rows). */
export function activityMark(prepare: Prepare, request: ActivityExportRequest): number {
  const [startSec, endSec] = exportWhere(request.filter).params as [number, number];
  return prepare(exportChunkSql(request).windowRows).pluck().get(startSec, endSec) as number;
}
