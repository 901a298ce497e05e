/**
 * Leads and program members in the SQLite store: imports (staged in TEMP tables, then applied in
 * one short write transaction, as activity imports are), and exports (lines built inside SQLite
 * in keyed chunks; raw values for the TypeScript oracle).
 */
import type Database from 'better-sqlite3';
import type { ExportValue, RecordExportRequest } from '../../domain/export-kind.js';
import type { LeadExportRequest } from '../../domain/lead-export-request.js';
import type { LeadRecord } from '../../domain/lead-record.js';
import type { MemberRecord } from '../../domain/program-member-record.js';
import type { ProgramMemberExportRequest } from '../../domain/program-member-export-request.js';
import { columnSpecs, fieldColumn, STATE_CODES, toExportValue } from '../lead-columns.js';
import { batchesOf, type RecordSource } from '../record-source.js';
import { leadKey, type ExportRun, type ExportSlice, type LineChunk, type UpsertResult } from '../store.js';
import type { Prepare } from './activity-data.js';
import {
  insertValues, keyedChunkSql, LEAD_RUNS, LEAD_STAGE, leadWhere, MEMBER_FROM, MEMBER_STAGE, memberWhere, mergeTerms, replaceMemberships,
  type KeyedChunkSql,
} from './lead-sql.js';
import { CHUNK_ROWS } from './sql.js';

const BATCH = 10_000;

/** Adds a TEXT column for each of `columns` the table lacks (fields that joined the schema). */
export function ensureColumns(db: Database.Database, table: 'leads' | 'program_members', columns: readonly string[]): void {
  const have = new Set((db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all() as string[]).map((n) => n.toLowerCase()));
  for (const column of columns) if (!have.has(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
}

/** Stages records in batches (no lock on the main file), tracking which fields any of them gives. */
async function stage<R>(db: Database.Database, sql: { create: string; insert: string }, records: RecordSource<R>,
  row: (r: R) => unknown[], fields: (r: R) => string[]): Promise<Set<string>> {
  db.exec(sql.create);
  const insert = db.prepare(sql.insert);
  const flush = db.transaction((batch: R[]) => {
    for (const r of batch) insert.run(...row(r));
  });
  const given = new Set<string>();
  for await (const batch of batchesOf(records, BATCH)) {
    for (const r of batch) for (const f of fields(r)) given.add(f);
    flush(batch);
  }
  return given;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

export async function importLeads(db: Database.Database, records: RecordSource<LeadRecord>): Promise<UpsertResult> {
  try {
    const given = [...await stage(db, LEAD_STAGE, records, (l) => [l.id, l.createdAt / 1000, l.updatedAt / 1000, l.lastChangeAt / 1000,
      STATE_CODES[l.state], l.mergedInto ?? null, JSON.stringify(l.values), json(l.staticListIds), json(l.smartListIds)], (l) => Object.keys(l.values))];
    return db.transaction(() => {
      ensureColumns(db, 'leads', given.map(fieldColumn));
      db.exec(LEAD_STAGE.keepLast);
      const total = db.prepare('SELECT count(*) FROM temp.lead_stage').pluck().get() as number;
      const updated = db.prepare(LEAD_STAGE.countStored).pluck().get() as number;
      db.prepare(`UPDATE leads SET created_at = s.created_at, updated_at = s.updated_at, last_change_at = s.last_change_at,
        state = s.state, merged_into = s.merged_into${mergeTerms('leads', given).map((t) => `, ${t}`).join('')}
        FROM temp.lead_stage s WHERE leads.id = s.id`).run();
      const columns = given.map(fieldColumn);
      // ORDER BY id appends in rowid order, the cheapest way into the table's b-tree.
      db.prepare(`INSERT INTO leads (id, created_at, updated_at, last_change_at, state, merged_into${columns.map((c) => `, ${c}`).join('')})
        SELECT s.id, s.created_at, s.updated_at, s.last_change_at, s.state, s.merged_into${insertValues(given).map((v) => `, ${v}`).join('')}
        FROM temp.lead_stage s WHERE NOT EXISTS (SELECT 1 FROM leads WHERE leads.id = s.id) ORDER BY s.id`).run();
      for (const sql of [...replaceMemberships('static', 'static_lists'), ...replaceMemberships('smart', 'smart_lists')]) db.prepare(sql).run();
      return { inserted: total - updated, updated };
    }).immediate();
  } finally {
    db.exec(LEAD_STAGE.drop);
  }
}

export async function importMembers(db: Database.Database, records: RecordSource<MemberRecord>): Promise<UpsertResult> {
  try {
    const given = [...await stage(db, MEMBER_STAGE, records, (m) => [m.programId, m.leadId, m.statusName,
      m.isExhausted === null ? null : Number(m.isExhausted), m.nurtureCadence, m.createdAt / 1000, m.updatedAt / 1000, JSON.stringify(m.values)],
    (m) => Object.keys(m.values))];
    return db.transaction(() => {
      ensureColumns(db, 'program_members', given.map(fieldColumn));
      db.exec(MEMBER_STAGE.keepLast);
      const total = db.prepare('SELECT count(*) FROM temp.member_stage').pluck().get() as number;
      const updated = db.prepare(MEMBER_STAGE.countStored).pluck().get() as number;
      db.prepare(`UPDATE program_members SET status_name = s.status_name, is_exhausted = s.is_exhausted, nurture_cadence = s.nurture_cadence,
        created_at = s.created_at, updated_at = s.updated_at${mergeTerms('program_members', given).map((t) => `, ${t}`).join('')}
        FROM temp.member_stage s WHERE program_members.program_id = s.program_id AND program_members.lead_id = s.lead_id`).run();
      const columns = given.map(fieldColumn);
      db.prepare(`INSERT INTO program_members (program_id, lead_id, status_name, is_exhausted, nurture_cadence, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
        SELECT s.program_id, s.lead_id, s.status_name, s.is_exhausted, s.nurture_cadence, s.created_at, s.updated_at${insertValues(given).map((v) => `, ${v}`).join('')}
        FROM temp.member_stage s WHERE NOT EXISTS (SELECT 1 FROM program_members m WHERE m.program_id = s.program_id AND m.lead_id = s.lead_id)
        ORDER BY s.program_id, s.lead_id`).run();
      return { inserted: total - updated, updated };
    }).immediate();
  } finally {
    db.exec(MEMBER_STAGE.drop);
  }
}

/** Each part of an export: its chunk queries and the parameters they share (one part a program for program members). */
function exportParts(request: RecordExportRequest): { sql: KeyedChunkSql; params: Record<string, unknown> }[] {
  const specs = columnSpecs(request);
  if (request.kind === 'leads') {
    const { where, params } = leadWhere((request as LeadExportRequest).filter);
    return [{ sql: keyedChunkSql('leads l', where, 'l.id', specs, request.format), params }];
  }
  const { filter } = request as ProgramMemberExportRequest;
  const { where, params } = memberWhere(filter);
  const sql = keyedChunkSql(MEMBER_FROM, where, 'm.lead_id', specs, request.format);
  return filter.programIds.map((program) => ({ sql, params: { ...params, program } }));
}

/**
 * A lead export cut into runs of `rowsPerRun` stored leads each (fewer are selected), within
 * `within`; a program member export is one run.
 */
export function* recordRuns(prepare: Prepare, request: RecordExportRequest, rowsPerRun: number, within: ExportSlice = {}): Generator<ExportRun> {
  if (request.kind !== 'leads') {
    yield within;
    return;
  }
  const runEnd = prepare(LEAD_RUNS.runEnd).pluck();
  const last = within.upTo && Number(within.upTo.guid);
  let after = within.after && Number(within.after.guid);
  for (;;) {
    const end = runEnd.get({ after: after ?? 0, skip: rowsPerRun - 1 }) as number | undefined;
    // The slice ends in this run when no run follows or this one reaches its last key.
    const endsHere = last !== undefined && (end === undefined || end >= last);
    const upTo = endsHere ? last : end;
    yield { ...(after !== undefined ? { after: leadKey(after) } : {}), ...(upTo !== undefined ? { upTo: leadKey(upTo) } : {}), maxRows: rowsPerRun };
    if (end === undefined || endsHere) return;
    after = end;
  }
}

/**
 * The export's data lines, built inside SQLite: a run from recordRuns in one query, any other
 * slice of a lead export run by run, a program member export in chunks of whole lines.
 */
export function* recordLines(prepare: Prepare, request: RecordExportRequest, slice: ExportRun = {}): Generator<LineChunk> {
  if (request.kind === 'leads' && slice.maxRows === undefined) {
    for (const run of recordRuns(prepare, request, CHUNK_ROWS, slice)) yield* recordLines(prepare, request, run);
    return;
  }
  for (const { sql, params } of exportParts(request)) {
    if (slice.maxRows !== undefined) {
      const after = slice.after ? Number(slice.after.guid) : 0;
      const chunk = (slice.upTo ? prepare(sql.chunkUpTo).get({ ...params, after, last: Number(slice.upTo.guid) })
        : prepare(sql.chunkRest).get({ ...params, after })) as { rows: number; bytes: Buffer | null };
      if (chunk.rows) yield { bytes: chunk.bytes!, rows: chunk.rows };
      continue;
    }
    for (let after = 0; ;) {
      const end = prepare(sql.chunkEnd).pluck().get({ ...params, after }) as number | undefined;
      const chunk = (end === undefined ? prepare(sql.chunkRest).get({ ...params, after }) : prepare(sql.chunkUpTo).get({ ...params, after, last: end })) as
        { rows: number; bytes: Buffer | null };
      if (chunk.rows) yield { bytes: chunk.bytes!, rows: chunk.rows };
      if (end === undefined) break;
      after = end;
    }
  }
}

/** A lead export's mark: how many leads are stored. Program member exports are never shared. */
export function recordMark(prepare: Prepare, request: RecordExportRequest): number {
  return request.kind === 'leads' ? prepare(LEAD_RUNS.mark).pluck().get() as number : 0;
}

/** The same rows as raw values, for the TypeScript oracle. */
export function* recordValues(db: Database.Database, request: RecordExportRequest): Generator<ExportValue[]> {
  const kinds = columnSpecs(request).map((s) => s.kind);
  for (const { sql, params } of exportParts(request)) {
    for (const row of db.prepare(sql.values).raw().iterate(params) as IterableIterator<unknown[]>) {
      yield row.map((v, i) => toExportValue(kinds[i]!, v));
    }
  }
}
