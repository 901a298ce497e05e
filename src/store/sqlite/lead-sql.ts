/**
 * SQLite's SQL for leads and program members: the export's line and value expressions, its
 * WHERE clause and chunk queries, and the import stages. Values are bound as named parameters;
 * the only text pasted in is a known format's delimiter and column names from lead-columns.ts.
 */
import type { ExportFormat } from '../../domain/export-body.js';
import { isListFilter, type LeadFilter } from '../../domain/lead-filter.js';
import type { MemberFilter } from '../../domain/program-member-export-request.js';
import { DELIMITERS } from '../../domain/file-format.js';
import { fieldColumn, STATE_CODES, type ColumnSpec } from '../lead-columns.js';
import { CHUNK_ROWS } from './sql.js';

const DATE = (column: string) => `strftime('%Y-%m-%dT%H:%M:%SZ', ${column}, 'unixepoch')`;

/**
 * Stored text as file text: quoted (RFC 4180 doubling) when it holds the delimiter, `"`, CR or
 * LF, like `quoteValue` in domain/file-format.ts; one GLOB over a character class costs less than
 * the four instr() of the activity path (sql.ts), which counts with many text columns.
 */
function quotedText(column: string, delimiter: string): string {
  const special = `'*[' || char(${delimiter.charCodeAt(0)}, 34, 10, 13) || ']*'`;
  return `CASE WHEN ${column} GLOB ${special} THEN '"' || replace(${column}, '"', '""') || '"' ELSE coalesce(${column}, 'null') END`;
}

/** One column of a data line, as file text. */
function lineColumn(spec: ColumnSpec, delimiter: string): string {
  const column = `${spec.table}.${spec.column}`;
  switch (spec.kind) {
    case 'int': return `coalesce(${column}, 'null')`;
    case 'datetime': return `coalesce(${DATE(column)}, 'null')`;
    case 'bool': return `CASE ${column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' ELSE 'null' END`;
    default: return quotedText(column, delimiter);
  }
}

/** Columns per format() call: well under SQLite's limit on function arguments (127 by default). */
const FORMAT_ARGS = 60;

/**
 * A whole data line (without its LF), built inside SQLite: format() joins the columns in one
 * allocation where a chain of || makes one per column (measured: docs/performance.md).
 */
export function recordLine(specs: readonly ColumnSpec[], format: ExportFormat): string {
  const d = DELIMITERS[format];
  const parts: string[] = [];
  for (let i = 0; i < specs.length; i += FORMAT_ARGS) {
    const group = specs.slice(i, i + FORMAT_ARGS);
    parts.push(`format('${group.map(() => '%s').join(d)}', ${group.map((s) => lineColumn(s, d)).join(', ')})`);
  }
  return parts.join(` || '${d}' || `);
}

/** The raw values the TypeScript oracle formats itself. */
export function recordValues(specs: readonly ColumnSpec[]): string {
  return specs.map((s) => `${s.table}.${s.column}`).join(', ');
}

export interface BoundSql {
  where: string;
  params: Record<string, unknown>;
}

/** The leads a lead export selects: active ones, by one filter (notes §2.3, §2.6). */
export function leadWhere(filter: LeadFilter): BoundSql {
  const where = [`l.state = ${STATE_CODES.active}`];
  const params: Record<string, unknown> = {};
  if (isListFilter(filter)) {
    if (filter.listId === undefined) throw new Error('a list filter reaches the store with its id resolved');
    where.push('l.id IN (SELECT lead_id FROM list_members WHERE kind = @listKind AND list_id = @listId)');
    Object.assign(params, { listKind: filter.type === 'staticList' ? 'static' : 'smart', listId: filter.listId });
  } else {
    where.push(`l.${filter.type === 'createdAt' ? 'created_at' : 'last_change_at'} BETWEEN @start AND @end`);
    Object.assign(params, { start: Math.ceil(filter.startMs / 1000), end: Math.floor(filter.endMs / 1000) });
  }
  return { where: where.join(' AND '), params };
}

/** The memberships of one program (@program) a program member export selects; their leads must be active. */
export function memberWhere(filter: MemberFilter): BoundSql {
  const where = ['m.program_id = @program', `l.state = ${STATE_CODES.active}`];
  const params: Record<string, unknown> = {};
  if (filter.isExhausted !== undefined) {
    where.push('m.is_exhausted = @exhausted');
    params.exhausted = filter.isExhausted ? 1 : 0;
  }
  if (filter.nurtureCadence !== undefined) {
    where.push('m.nurture_cadence = @cadence');
    params.cadence = filter.nurtureCadence;
  }
  if (filter.statusNames) {
    where.push('m.status_name IN (SELECT value FROM json_each(@statuses))');
    params.statuses = JSON.stringify(filter.statusNames);
  }
  if (filter.updatedAt) {
    where.push('m.updated_at BETWEEN @updatedStart AND @updatedEnd');
    Object.assign(params, { updatedStart: Math.ceil(filter.updatedAt.startMs / 1000), updatedEnd: Math.floor(filter.updatedAt.endMs / 1000) });
  }
  return { where: where.join(' AND '), params };
}

export const MEMBER_FROM = `program_members m JOIN leads l ON l.id = m.lead_id
  LEFT JOIN assets p ON p.kind = 'program' AND p.id = m.program_id`;

export interface KeyedChunkSql {
  /** The key of the CHUNK_ROWS-th row after @after; no row when fewer remain. */
  chunkEnd: string;
  /** The lines of the rows after @after up to @last, joined inside SQLite into one BLOB, and their count. */
  chunkUpTo: string;
  /** The same for every row after @after. */
  chunkRest: string;
  /** The raw values of every row, in order, for the oracle. */
  values: string;
}

/**
 * Chunked export over rows ordered by one integer key (`key`, the lead id): each chunk query
 * starts where the last one ended, like the activity export's (sql.ts).
 */
export function keyedChunkSql(from: string, where: string, key: string, specs: readonly ColumnSpec[], format: ExportFormat): KeyedChunkSql {
  const chunk = (bound: string) => `SELECT count(*) AS rows, CAST(group_concat(line || char(10), '') AS BLOB) AS bytes
    FROM (SELECT ${recordLine(specs, format)} AS line FROM ${from} WHERE ${where} AND ${key} > @after${bound} ORDER BY ${key})`;
  return {
    chunkEnd: `SELECT ${key} AS key FROM ${from} WHERE ${where} AND ${key} > @after ORDER BY ${key} LIMIT 1 OFFSET ${CHUNK_ROWS - 1}`,
    chunkUpTo: chunk(` AND ${key} <= @last`),
    chunkRest: chunk(''),
    values: `SELECT ${recordValues(specs)} FROM ${from} WHERE ${where} ORDER BY ${key}`,
  };
}

/** `SET` terms of an upsert: a field the staged record gives replaces the stored text, one it leaves out keeps it. */
export function mergeTerms(target: string, names: readonly string[]): string[] {
  return names.map((n) => {
    const column = fieldColumn(n);
    const path = `'$."${n}"'`;
    return `${column} = CASE WHEN json_type(s.vals, ${path}) IS NULL THEN ${target}.${column} ELSE s.vals ->> ${path} END`;
  });
}

/** The given fields' values of a staged record, for an insert. */
export function insertValues(names: readonly string[]): string[] {
  return names.map((n) => `s.vals ->> '$."${n}"'`);
}

export const LEAD_STAGE = {
  create: `DROP TABLE IF EXISTS temp.lead_stage;
    CREATE TEMP TABLE lead_stage (line INTEGER PRIMARY KEY, id INTEGER, created_at INTEGER, updated_at INTEGER, last_change_at INTEGER,
      state INTEGER, merged_into INTEGER, vals TEXT, static_lists TEXT, smart_lists TEXT)`,
  insert: `INSERT INTO temp.lead_stage (id, created_at, updated_at, last_change_at, state, merged_into, vals, static_lists, smart_lists)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // Within one import the last line of an id wins.
  keepLast: 'DELETE FROM temp.lead_stage WHERE line NOT IN (SELECT max(line) FROM temp.lead_stage GROUP BY id)',
  countStored: `SELECT count(*) FROM temp.lead_stage s JOIN leads l ON l.id = s.id AND l.state <> ${STATE_CODES.stub}`,
  drop: 'DROP TABLE IF EXISTS temp.lead_stage',
};

/** Replaces the memberships of kind `listKind` of every staged lead whose `column` (a JSON id array) is given. */
export function replaceMemberships(listKind: 'static' | 'smart', column: 'static_lists' | 'smart_lists'): string[] {
  return [
    `DELETE FROM list_members WHERE kind = '${listKind}' AND lead_id IN (SELECT id FROM temp.lead_stage WHERE ${column} IS NOT NULL)`,
    `INSERT OR IGNORE INTO list_members (kind, list_id, lead_id) SELECT '${listKind}', j.value, s.id
      FROM temp.lead_stage s, json_each(s.${column}) j WHERE s.${column} IS NOT NULL`,
  ];
}

export const MEMBER_STAGE = {
  create: `DROP TABLE IF EXISTS temp.member_stage;
    CREATE TEMP TABLE member_stage (line INTEGER PRIMARY KEY, program_id INTEGER, lead_id INTEGER, status_name TEXT,
      is_exhausted INTEGER, nurture_cadence TEXT, created_at INTEGER, updated_at INTEGER, vals TEXT)`,
  insert: `INSERT INTO temp.member_stage (program_id, lead_id, status_name, is_exhausted, nurture_cadence, created_at, updated_at, vals)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  keepLast: `DELETE FROM temp.member_stage WHERE line NOT IN (SELECT max(line) FROM temp.member_stage GROUP BY program_id, lead_id)`,
  countStored: `SELECT count(*) FROM temp.member_stage s JOIN program_members m ON m.program_id = s.program_id AND m.lead_id = s.lead_id`,
  drop: 'DROP TABLE IF EXISTS temp.member_stage',
};

/**
 * A lead export is cut into runs by id alone, walking the table's rowids without reading a row
 * (the filter applies when a run is built); its mark is the count of stored leads.
 */
export const LEAD_RUNS = {
  runEnd: 'SELECT id FROM leads WHERE id > @after ORDER BY id LIMIT 1 OFFSET @skip',
  mark: 'SELECT count(*) FROM leads',
};
