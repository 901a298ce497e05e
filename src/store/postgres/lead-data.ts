/**
 * Leads and program members in the PostgreSQL store: imports through COPY into a temp table,
 * applied in the same transaction under the import lock; exports as one COPY, and raw values by
 * pages for the TypeScript oracle.
 */
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ExportValue, RecordExportRequest } from '../../domain/export-kind.js';
import { formatRecord } from '../../domain/file-format.js';
import type { LeadRecord } from '../../domain/lead-record.js';
import type { MemberRecord } from '../../domain/program-member-record.js';
import { columnSpecs, fieldColumn, isSingleTextColumn, STATE_CODES, toExportValue } from '../lead-columns.js';
import { batchesOf, type RecordSource } from '../record-source.js';
import { leadKey, type ExportSlice, type LineChunk, type UpsertResult } from '../store.js';
import type { LeadExportRequest } from '../../domain/lead-export-request.js';
import { copyLines } from './activity-data.js';
import { insertValues, LEAD_STAGE, leadCount, MEMBER_STAGE, mergeTerms, recordCopy, recordValuesPage, replaceMemberships } from './lead-sql.js';
import type { Client, PgAccess } from './pg-access.js';
import { copyText, IMPORT_LOCK } from './sql.js';

/** Adds a text column for each of `columns` the table lacks (fields that joined the schema). */
export async function ensureColumns(c: Client, table: 'leads' | 'program_members', columns: readonly string[]): Promise<void> {
  const have = new Set(((await c.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()
    AND table_name = $1`, [table])).rows as { column_name: string }[]).map((r) => r.column_name));
  const missing = [...new Set(columns)].filter((col) => !have.has(col));
  if (missing.length) await c.query(`ALTER TABLE ${table} ${missing.map((col) => `ADD COLUMN IF NOT EXISTS ${col} text`).join(', ')}`);
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Records as COPY text lines, in batches; `given` collects the fields any record gives. */
async function* copyBatches<R>(records: RecordSource<R>, line: (r: R) => (string | number | null)[],
  fields: (r: R) => string[], given: Set<string>): AsyncGenerator<string> {
  let buf = '';
  for await (const batch of batchesOf(records, 1000)) {
    for (const r of batch) {
      for (const f of fields(r)) given.add(f);
      buf += line(r).map(copyText).join('\t') + '\n';
    }
    if (buf.length > 1 << 20) {
      yield buf;
      buf = '';
    }
  }
  if (buf) yield buf;
}

const suffix = (items: readonly string[]) => items.map((x) => `, ${x}`).join('');

export function importLeads(db: PgAccess, records: RecordSource<LeadRecord>): Promise<UpsertResult> {
  return db.tx(async (c) => {
    await c.query(LEAD_STAGE.create);
    const seen = new Set<string>();
    await pipeline(Readable.from(copyBatches(records, (l) => [l.id, l.createdAt / 1000, l.updatedAt / 1000, l.lastChangeAt / 1000,
      STATE_CODES[l.state], l.mergedInto ?? null, JSON.stringify(l.values), json(l.staticListIds), json(l.smartListIds)],
    (l) => Object.keys(l.values), seen)), c.query(copyFrom(LEAD_STAGE.copy)));
    const given = [...seen];
    await c.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    await ensureColumns(c, 'leads', given.map(fieldColumn));
    await c.query(LEAD_STAGE.keepLast);
    const { total, stored } = (await c.query(LEAD_STAGE.counts)).rows[0] as { total: number; stored: number };
    await c.query(`UPDATE leads l SET created_at = s.created_at, updated_at = s.updated_at, last_change_at = s.last_change_at,
      state = s.state, merged_into = s.merged_into${suffix(mergeTerms('l', given))} FROM lead_stage s WHERE l.id = s.id`);
    await c.query(`INSERT INTO leads (id, created_at, updated_at, last_change_at, state, merged_into${suffix(given.map(fieldColumn))})
      SELECT s.id, s.created_at, s.updated_at, s.last_change_at, s.state, s.merged_into${suffix(insertValues(given))}
      FROM lead_stage s WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = s.id)`);
    for (const sql of [...replaceMemberships('static', 'static_lists'), ...replaceMemberships('smart', 'smart_lists')]) await c.query(sql);
    return { inserted: total - stored, updated: stored };
  });
}

export function importMembers(db: PgAccess, records: RecordSource<MemberRecord>): Promise<UpsertResult> {
  return db.tx(async (c) => {
    await c.query(MEMBER_STAGE.create);
    const seen = new Set<string>();
    await pipeline(Readable.from(copyBatches(records, (m) => [m.programId, m.leadId, m.statusName,
      m.isExhausted === null ? null : Number(m.isExhausted), m.nurtureCadence, m.createdAt / 1000, m.updatedAt / 1000, JSON.stringify(m.values)],
    (m) => Object.keys(m.values), seen)), c.query(copyFrom(MEMBER_STAGE.copy)));
    const given = [...seen];
    await c.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK]);
    await ensureColumns(c, 'program_members', given.map(fieldColumn));
    await c.query(MEMBER_STAGE.keepLast);
    const { total, stored } = (await c.query(MEMBER_STAGE.counts)).rows[0] as { total: number; stored: number };
    await c.query(`UPDATE program_members m SET status_name = s.status_name, is_exhausted = s.is_exhausted, nurture_cadence = s.nurture_cadence,
      created_at = s.created_at, updated_at = s.updated_at${suffix(mergeTerms('m', given))}
      FROM member_stage s WHERE m.program_id = s.program_id AND m.lead_id = s.lead_id`);
    await c.query(`INSERT INTO program_members (program_id, lead_id, status_name, is_exhausted, nurture_cadence, created_at, updated_at${suffix(given.map(fieldColumn))})
      SELECT s.program_id, s.lead_id, s.status_name, s.is_exhausted, s.nurture_cadence, s.created_at, s.updated_at${suffix(insertValues(given))}
      FROM member_stage s WHERE NOT EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = s.program_id AND m.lead_id = s.lead_id)`);
    return { inserted: total - stored, updated: stored };
  });
}

/** The export's lines (a lead export's slice too): one COPY, or the TypeScript formatter for a lone text column (COPY would quote a `\.` there). */
export async function* recordLines(db: PgAccess, request: RecordExportRequest, slice: ExportSlice = {}): AsyncGenerator<LineChunk> {
  if (!isSingleTextColumn(columnSpecs(request))) {
    yield* copyLines(db, recordCopy(request, slice));
    return;
  }
  const upTo = slice.upTo && Number(slice.upTo.guid);
  let text = '';
  let n = 0;
  for await (const { key, values } of recordRows(db, request, slice.after ? Number(slice.after.guid) : 0)) {
    if (upTo !== undefined && key > upTo) break;
    text += formatRecord(values, request.format);
    if (++n === 5000) {
      yield { bytes: Buffer.from(text, 'utf8'), rows: n };
      text = '';
      n = 0;
    }
  }
  if (n) yield { bytes: Buffer.from(text, 'utf8'), rows: n };
}

/** The rows' raw values in file order. */
export async function* recordValues(db: PgAccess, request: RecordExportRequest): AsyncGenerator<ExportValue[]> {
  for await (const row of recordRows(db, request, 0)) yield row.values;
}

/** Rows with their key (lead id), by pages of 5000 keyed like the file order; a lead export's from after `afterLead`. */
async function* recordRows(db: PgAccess, request: RecordExportRequest, afterLead: number): AsyncGenerator<{ key: number; values: ExportValue[] }> {
  const kinds = columnSpecs(request).map((s) => s.kind);
  const parts = request.kind === 'leads' ? [undefined] : request.filter.programIds;
  for (const program of parts) {
    const sql = recordValuesPage(request, program);
    for (let after = request.kind === 'leads' ? afterLead : 0; ;) {
      const rows = await db.arrays(sql, [after, 5000]);
      for (const r of rows) yield { key: r.at(-1) as number, values: r.slice(0, kinds.length).map((v, i) => toExportValue(kinds[i]!, v)) };
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]!.at(-1) as number;
    }
  }
}

/** A lead export's mark: how many leads it selects. Program member exports are never shared. */
export async function recordMark(db: PgAccess, request: RecordExportRequest): Promise<number> {
  return request.kind === 'leads' ? (await db.q(leadCount(request)))[0]!.n as number : 0;
}
