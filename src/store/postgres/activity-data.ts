/**
 * Activities in the PostgreSQL store: imports and appends through COPY into a temp table, and the
 * export's rows (for the oracle), lines (one COPY) and mark.
 */
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Activity } from '../../domain/activity.js';
import type { ActivityExportRequest, ExportFilter } from '../../domain/export-request.js';
import { formatRow } from '../../domain/file-format.js';
import { isAfter } from '../export-slices.js';
import { batchesOf, type RecordSource } from '../record-source.js';
import type { ExportSlice, ImportResult, LineChunk } from '../store.js';
import type { Client, PgAccess } from './pg-access.js';
import { copyTextLine, exportCopy, exportCount, exportRowsPage, IMPORT_LOCK, SQL } from './sql.js';

/**
 * COPY into a temp table, then one transaction creates the month partitions the data needs and
 * moves the new rows over; a failure anywhere leaves the store as it was. The client notes the
 * months and the GUID order while it writes the COPY text: a full scan of the stage for the
 * months, and the sort for "first line of a GUID wins" when no GUID can repeat, cost a third of
 * the move (docs/performance.md).
 */
export function importActivities(db: PgAccess, records: RecordSource<Activity>): Promise<ImportResult> {
  return db.tx(async (c) => {
    await c.query(SQL.createStage);
    const shape = new StagedShape();
    await pipeline(Readable.from(batchLines(records, shape)), c.query(copyFrom(SQL.copyStage)));
    const seen = (await c.query(SQL.countStage)).rows[0].n as number;
    await c.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    await ensurePartitions(c, shape.months);
    await c.query(SQL.copyStageLeads);
    const inserted = (await c.query(shape.inGuidOrder ? SQL.copyOrderedStageActivities : SQL.copyStageActivities)).rowCount ?? 0;
    return { inserted, duplicates: seen - inserted };
  });
}

/** What the COPY text held: the months (epoch seconds of each month's start) and whether the GUIDs strictly rose. */
class StagedShape {
  readonly months = new Set<number>();
  inGuidOrder = true;
  private lastGuid = '';
  /** The month [from, to) of the last row, in ms: most rows fall in the same month as the one before. */
  private monthFrom = 0;
  private monthTo = -1;

  note(a: Activity): void {
    const guid = a.marketoGUID;
    // Canonical decimal text (no leading zeros): longer is larger, same length compares as text.
    if (this.inGuidOrder && !(guid.length > this.lastGuid.length || (guid.length === this.lastGuid.length && guid > this.lastGuid))) {
      this.inGuidOrder = false;
    }
    this.lastGuid = guid;
    const ms = a.activityDate;
    if (ms >= this.monthFrom && ms < this.monthTo) return;
    // Not Date.UTC(year, ...): it reads years 0 to 99 as 1900 to 1999, and activities reach back to year 1.
    const d = new Date(ms);
    d.setUTCDate(1);
    d.setUTCHours(0, 0, 0, 0);
    this.monthFrom = d.getTime();
    d.setUTCMonth(d.getUTCMonth() + 1);
    this.monthTo = d.getTime();
    this.months.add(this.monthFrom / 1000);
  }
}

/** Activities posted through the API, each given the next marketoGUID. */
export function appendActivities(db: PgAccess, records: Omit<Activity, 'marketoGUID'>[]): Promise<string[]> {
  return db.tx(async (c) => {
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
    await ensurePartitions(c);
    await c.query(SQL.copyStageActivities);
    return guids;
  });
}

/** The month partitions for `months` (each month's start, epoch seconds), or for the months in the stage. */
async function ensurePartitions(c: Client, months?: Set<number>): Promise<void> {
  const starts = months ? [...months] : ((await c.query(SQL.stageMonths)).rows as { start: number }[]).map((r) => r.start);
  for (const from of starts) {
    const start = new Date(from * 1000);
    const name = `activities_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
    // Not Date.UTC(year, month + 1, 1): it reads years 0 to 99 as 1900 to 1999, which made year 1's
    // partition reach to 1901 and collide with any later month before it.
    start.setUTCMonth(start.getUTCMonth() + 1);
    const to = start.getTime() / 1000;
    await c.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF activities FOR VALUES FROM (${from}) TO (${to})`);
  }
}

/** The oracle path reads pages by key, so memory stays flat however large the selection. */
export async function* activityRows(db: PgAccess, filter: ExportFilter, slice: ExportSlice = {}): AsyncGenerator<Activity> {
  const sql = exportRowsPage(filter);
  let last: [number, string] = slice.after ? [slice.after.dateSec, slice.after.guid] : [-(2 ** 62), '-9223372036854775808'];
  for (;;) {
    const rows = await db.q(sql, [last[0], last[1], 5000]);
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
export async function* activityLines(db: PgAccess, request: ActivityExportRequest, slice: ExportSlice): AsyncGenerator<LineChunk> {
  // COPY's CSV writer quotes a lone `\.` when a row has one column (it would read as COPY's
  // end-of-data marker); the file format writes it bare. Only primaryAttributeValue can hold
  // it, so that column alone is formatted here instead.
  if (request.fields.length === 1 && request.fields[0] === 'primaryAttributeValue') {
    yield* formattedLines(activityRows(db, request.filter, slice), request);
    return;
  }
  yield* copyLines(db, exportCopy(request, slice));
}

/** The lines a `COPY ... TO STDOUT` writes, with the row count at the end. */
export async function* copyLines(db: PgAccess, copy: string): AsyncGenerator<LineChunk> {
  const { client, release } = await db.acquire();
  try {
    const stream = client.query(copyTo(copy));
    // The row count arrives in CommandComplete, which pg handles after the stream has ended
    // (on CopyDone); ReadyForQuery follows it, so waiting for that makes the count certain.
    const hooks = stream as unknown as { handleReadyForQuery(): void };
    const settled = new Promise<void>((resolve) => {
      const handle = hooks.handleReadyForQuery.bind(stream);
      hooks.handleReadyForQuery = () => {
        handle();
        resolve();
      };
    });
    for await (const chunk of stream) yield { bytes: chunk as Buffer, rows: 0 };
    await settled;
    if (stream.rowCount) yield { bytes: Buffer.alloc(0), rows: stream.rowCount };
  } finally {
    release();
  }
}

/** The export's mark: how many rows it selects. */
export async function activityMark(db: PgAccess, request: ActivityExportRequest): Promise<number> {
  return (await db.q(exportCount(request.filter)))[0]!.n as number;
}

/** Activities as file lines through the TypeScript formatter, in chunks of 5000 rows. */
async function* formattedLines(rows: AsyncIterable<Activity>, request: ActivityExportRequest): AsyncGenerator<LineChunk> {
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

/** Activities as COPY text, in batches of lines so the stream does not pay per row; `shape` notes each row. */
async function* batchLines(records: RecordSource<Activity>, shape?: StagedShape): AsyncGenerator<string> {
  let buf = '';
  for await (const batch of batchesOf(records, 1000)) {
    for (const a of batch) {
      shape?.note(a);
      buf += copyTextLine(a);
    }
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}
