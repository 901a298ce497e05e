/**
 * Activities in the SQLite store: the staged import, and the export's rows (for the oracle),
 * lines (built inside SQLite in keyed chunks) and slices.
 */
import type Database from 'better-sqlite3';
import type { Activity } from '../../domain/activity.js';
import type { ActivityExportRequest, ExportFilter } from '../../domain/export-request.js';
import { cutOffsets, isAfter, partsFor, slicesBetween } from '../export-slices.js';
import type { Row } from '../row-mappers.js';
import type { ExportKey, ExportSlice, ImportResult, LineChunk, PlannedSlice } from '../store.js';
import { exportChunkSql, exportWhere, ORDER, SQL } from './sql.js';

/**
 * Records are staged in a TEMP table (the connection's own temp database, which locks nothing
 * in the main file), then copied in one short transaction. A long import thus never holds the
 * write lock that `serve` needs for job updates, and a crash leaves the store untouched.
 */
export async function importActivities(db: Database.Database, records: AsyncIterable<Activity> | Iterable<Activity>): Promise<ImportResult> {
  db.exec(SQL.createStage);
  try {
    const stage = db.prepare(SQL.insertStage);
    let seen = 0;
    let batch: Activity[] = [];
    const flush = db.transaction((rows: Activity[]) => {
      for (const a of rows) {
        stage.run(BigInt(a.marketoGUID), a.leadId, a.activityDate / 1000, a.activityTypeId, a.campaignId,
          a.primaryAttributeValueId, a.primaryAttributeValue, a.attributes, a.actionResult);
      }
    });
    for await (const a of records) {
      seen++;
      batch.push(a);
      if (batch.length === 10_000) {
        flush(batch);
        batch = [];
      }
    }
    flush(batch);
    const inserted = db.transaction(() => {
      db.prepare(SQL.copyStageLeads).run();
      return db.prepare(SQL.copyStage).run().changes;
    }).immediate();
    return { inserted, duplicates: seen - inserted };
  } finally {
    db.exec(SQL.dropStage);
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
