/**
 * PostgreSQL's SQL for leads and program members: the export as one COPY, the raw-value pages
 * for the oracle, and the import stages. COPY takes no parameters, so filter values are pasted
 * as literals (`literal()`: integers, and text quoted with '' doubling); column names come from
 * lead-columns.ts.
 */
import type { ExportFormat } from '../../domain/export-body.js';
import type { RecordExportRequest } from '../../domain/export-kind.js';
import type { LeadExportRequest } from '../../domain/lead-export-request.js';
import { isListFilter, type LeadFilter } from '../../domain/lead-filter.js';
import type { ExportSlice } from '../store.js';
import type { MemberFilter } from '../../domain/program-member-export-request.js';
import { DELIMITERS } from '../../domain/file-format.js';
import { columnSpecs, fieldColumn, STATE_CODES, type ColumnSpec } from '../lead-columns.js';
import { literal } from './sql.js';

const DATE = (column: string) => `to_char(to_timestamp(${column}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * One column of COPY's output. COPY's CSV writer quotes exactly as the file format does and
 * writes NULL as `null`; a stored text equal to `null` is mapped to NULL first, since COPY would
 * quote it and the file format writes it bare, like a missing value (activities do the same).
 */
function copyColumn(spec: ColumnSpec): string {
  const column = `${spec.table}.${spec.column}`;
  switch (spec.kind) {
    case 'int': return column;
    case 'datetime': return DATE(column);
    case 'bool': return `CASE ${column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END`;
    default: return `NULLIF(${column}, 'null')`;
  }
}

const window = (column: string, w: { startMs: number; endMs: number }) =>
  `${column} BETWEEN ${literal(Math.ceil(w.startMs / 1000))} AND ${literal(Math.floor(w.endMs / 1000))}`;

export function leadWhere(filter: LeadFilter): string {
  const where = [`l.state = ${STATE_CODES.active}`];
  if (isListFilter(filter)) {
    if (filter.listId === undefined) throw new Error('a list filter reaches the store with its id resolved');
    const kind = filter.type === 'staticList' ? 'static' : 'smart';
    where.push(`l.id IN (SELECT lead_id FROM list_members WHERE kind = '${kind}' AND list_id = ${literal(filter.listId)})`);
  } else {
    where.push(window(filter.type === 'createdAt' ? 'l.created_at' : 'l.last_change_at', filter));
  }
  return where.join(' AND ');
}

/** The memberships a program member export selects (of `programs`); their leads must be active. */
export function memberWhere(filter: MemberFilter, programs: readonly number[] = filter.programIds): string {
  const where = [`m.program_id IN (${programs.map(literal).join(', ')})`, `l.state = ${STATE_CODES.active}`];
  if (filter.isExhausted !== undefined) where.push(`m.is_exhausted = ${filter.isExhausted ? 1 : 0}`);
  if (filter.nurtureCadence !== undefined) where.push(`m.nurture_cadence = ${literal(filter.nurtureCadence)}`);
  if (filter.statusNames) where.push(`m.status_name IN (${filter.statusNames.map(literal).join(', ')})`);
  if (filter.updatedAt) where.push(window('m.updated_at', filter.updatedAt));
  return where.join(' AND ');
}

export const MEMBER_FROM = `program_members m JOIN leads l ON l.id = m.lead_id
  LEFT JOIN assets p ON p.kind = 'program' AND p.id = m.program_id`;

/** A lead export slice's bounds (lead ids, `leadKey`) as extra WHERE terms. */
function leadSliceWhere(slice: ExportSlice): string {
  return (slice.after ? ` AND l.id > ${literal(Number(slice.after.guid))}` : '') + (slice.upTo ? ` AND l.id <= ${literal(Number(slice.upTo.guid))}` : '');
}

/** The whole export (or a lead export's slice) as one COPY, rows in file order (notes Q7). */
export function recordCopy(request: RecordExportRequest, slice: ExportSlice = {}): string {
  const d = DELIMITERS[request.format as ExportFormat];
  const columns = columnSpecs(request).map(copyColumn).join(', ');
  const query = request.kind === 'leads'
    ? `SELECT ${columns} FROM leads l WHERE ${leadWhere(request.filter)}${leadSliceWhere(slice)} ORDER BY l.id`
    : `SELECT ${columns} FROM ${MEMBER_FROM} WHERE ${memberWhere(request.filter)}
      ORDER BY array_position(ARRAY[${request.filter.programIds.map(literal).join(', ')}]::bigint[], m.program_id), m.lead_id`;
  return `COPY (${query}) TO STDOUT (FORMAT csv, DELIMITER ${literal(d)}, NULL 'null')`;
}

/** The rows a lead export selects (its mark). */
export function leadCount(request: LeadExportRequest): string {
  return `SELECT count(*)::int AS n FROM leads l WHERE ${leadWhere(request.filter)}`;
}

/**
 * A page of raw values for the oracle, keyed like the file order: $1 is the last key seen, $2 the
 * page size; the key comes back as the last column. Program members go one program at a time.
 */
export function recordValuesPage(request: RecordExportRequest, program?: number): string {
  const values = columnSpecs(request).map((s) => `${s.table}.${s.column}`).join(', ');
  if (request.kind === 'leads') {
    return `SELECT ${values}, l.id AS key FROM leads l WHERE ${leadWhere(request.filter)} AND l.id > $1 ORDER BY l.id LIMIT $2`;
  }
  return `SELECT ${values}, m.lead_id AS key FROM ${MEMBER_FROM} WHERE ${memberWhere(request.filter, [program!])} AND m.lead_id > $1
    ORDER BY m.lead_id LIMIT $2`;
}

/** `SET` terms of an upsert: a field the staged record gives replaces the stored text, one it leaves out keeps it. */
export function mergeTerms(target: string, names: readonly string[]): string[] {
  return names.map((n) => `${fieldColumn(n)} = CASE WHEN s.vals ? ${literal(n)} THEN s.vals ->> ${literal(n)} ELSE ${target}.${fieldColumn(n)} END`);
}

/** The given fields' values of a staged record, for an insert. */
export function insertValues(names: readonly string[]): string[] {
  return names.map((n) => `s.vals ->> ${literal(n)}`);
}

export const LEAD_STAGE = {
  create: `CREATE TEMP TABLE lead_stage (id bigint, created_at bigint, updated_at bigint, last_change_at bigint, state smallint,
    merged_into bigint, vals jsonb, static_lists jsonb, smart_lists jsonb, line bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  copy: 'COPY lead_stage (id, created_at, updated_at, last_change_at, state, merged_into, vals, static_lists, smart_lists) FROM STDIN',
  // Within one import the last line of an id wins.
  keepLast: 'DELETE FROM lead_stage s USING lead_stage t WHERE s.id = t.id AND s.line < t.line',
  counts: `SELECT (SELECT count(*)::int FROM lead_stage) AS total,
    (SELECT count(*)::int FROM lead_stage s JOIN leads l ON l.id = s.id AND l.state <> ${STATE_CODES.stub}) AS stored`,
};

/** Replaces the memberships of kind `listKind` of every staged lead whose `column` (a JSON id array) is given. */
export function replaceMemberships(listKind: 'static' | 'smart', column: 'static_lists' | 'smart_lists'): string[] {
  return [
    `DELETE FROM list_members WHERE kind = '${listKind}' AND lead_id IN (SELECT id FROM lead_stage WHERE ${column} IS NOT NULL)`,
    `INSERT INTO list_members (kind, list_id, lead_id) SELECT DISTINCT '${listKind}', j::bigint, s.id
      FROM lead_stage s, jsonb_array_elements_text(s.${column}) j WHERE s.${column} IS NOT NULL ON CONFLICT DO NOTHING`,
  ];
}

export const MEMBER_STAGE = {
  create: `CREATE TEMP TABLE member_stage (program_id bigint, lead_id bigint, status_name text, is_exhausted smallint,
    nurture_cadence text, created_at bigint, updated_at bigint, vals jsonb, line bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP`,
  copy: 'COPY member_stage (program_id, lead_id, status_name, is_exhausted, nurture_cadence, created_at, updated_at, vals) FROM STDIN',
  keepLast: `DELETE FROM member_stage s USING member_stage t WHERE s.program_id = t.program_id AND s.lead_id = t.lead_id AND s.line < t.line`,
  counts: `SELECT (SELECT count(*)::int FROM member_stage) AS total,
    (SELECT count(*)::int FROM member_stage s JOIN program_members m ON m.program_id = s.program_id AND m.lead_id = s.lead_id) AS stored`,
};
