/**
 * Activities in the SQLite store: the staged import, and the export's rows (for the oracle),
 * lines (built inside SQLite in keyed chunks) and slices.
 */
import type Database from 'better-sqlite3';
import type { Activity } from '../../domain/activity.js';
import type { ActivityExportRequest, ExportFilter } from '../../domain/export-request.js';
import { cutOffsets, isAfter, partsFor, slicesBetween } from '../export-slices.js';
import type { Row } from '../row-mappers.js';
import { batchesOf, type RecordSource } from '../record-source.js';
import type { ExportKey, ExportSlice, ImportResult, LineChunk, PlannedSlice } from '../store.js';
import { exportChunkSql, exportWhere, ORDER, SQL } from './sql.js';

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
const COLUMNS = 9;

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
      attributes: r.attributes as string,
      actionResult: (r.action_result as Activity['actionResult']) ?? null,
    };
  }
}

export function* activityLines(db: Database.Database, request: ActivityExportRequest, slice: ExportSlice): Generator<LineChunk> {
  const { params } = exportWhere(request.filter);
  const sql = exportChunkSql(request);
  // safeIntegers: GUIDs reach 2^63 and must come back exactly to bound the next chunk.
  const chunkEnd = db.prepare(sql.chunkEnd).safeIntegers(true);
  const chunkUpTo = db.prepare(sql.chunkUpTo);
  const chunkRest = db.prepare(sql.chunkRest);
  const startSec = params[0] as number;
  const last = slice.upTo && { lastDate: slice.upTo.dateSec, lastGuid: BigInt(slice.upTo.guid) };
  let after: { afterDate: number; afterGuid: bigint } = slice.after
    ? { afterDate: slice.after.dateSec, afterGuid: BigInt(slice.after.guid) }
    : { afterDate: startSec - 1, afterGuid: 0n };
  for (;;) {
    // The index range starts at the chunk's first second, not the window's.
    const from = [Math.max(startSec, after.afterDate), ...params.slice(1)];
    const end = chunkEnd.get(...from, after) as { date: bigint; guid: bigint } | undefined;
    // The slice ends in this chunk when no chunk follows or this one reaches the slice's last key.
    const endsSlice = last && (!end || !isAfter(last.lastDate, last.lastGuid, { dateSec: Number(end.date), guid: String(end.guid) }));
    const bound = endsSlice ? last : end && { lastDate: end.date, lastGuid: end.guid };
    const chunk = (bound ? chunkUpTo.get(...from, { ...after, ...bound }) : chunkRest.get(...from, after)) as
      { rows: number; bytes: Buffer | null };
    if (chunk.rows) yield { bytes: chunk.bytes!, rows: chunk.rows };
    if (!end || endsSlice) return;
    after = { afterDate: Number(end.date), afterGuid: end.guid };
  }
}

export function splitActivities(db: Database.Database, request: ActivityExportRequest, parts: number, minRowsPerPart: number): PlannedSlice[] {
  const { where, params } = exportWhere(request.filter);
  const rows = db.prepare(`SELECT count(*) FROM activities WHERE ${where}`).pluck().get(...params) as number;
  const keyAt = db.prepare(`SELECT activity_date AS dateSec, CAST(guid AS TEXT) AS guid FROM activities WHERE ${where} ${ORDER}
    LIMIT 1 OFFSET ?`);
  const offsets = cutOffsets(rows, partsFor(rows, parts, minRowsPerPart));
  return slicesBetween(offsets.map((offset) => keyAt.get(...params, offset) as ExportKey), offsets, rows);
}
