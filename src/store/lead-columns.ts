/**
 * How the SQL backends keep leads and program members, shared by both: each field's value is its
 * file text in a column `f_<name in lower case>` (added when a field joins the schema), except the
 * keys, dates and filter values, which have typed columns of their own. An export column is
 * described once here; each backend turns the description into its SQL.
 */
import type { Asset } from '../domain/assets.js';
import type { ExportValue, RecordExportRequest } from '../domain/export-kind.js';
import { FIELD_NAME, LEAD_KEY_FIELDS, STANDARD_LEAD_FIELDS } from '../domain/lead-schema.js';
import type { LeadState } from '../domain/lead-record.js';
import { MEMBER_KEY_FIELDS, STANDARD_MEMBER_FIELDS } from '../domain/program-member-schema.js';

/** Stored lead states. A stub is a lead id known only from activities: kept for custom activities, never exported. */
export const STATE_CODES: Record<LeadState | 'stub', number> = { active: 0, deleted: 1, merged: 2, stub: 3 };

/** What a column holds: an id, a date in epoch seconds, a 0/1 flag, stored text, or the program's catalog name. */
export type ColumnKind = 'int' | 'datetime' | 'bool' | 'text' | 'programName';

/** Where an export column comes from: the table alias (`l` leads, `m` program_members, `p` the program asset) and column. */
export interface ColumnSpec {
  table: 'l' | 'm' | 'p';
  column: string;
  kind: ColumnKind;
}

/** The text column of a field. The name is checked again here: it becomes part of SQL text. */
export function fieldColumn(name: string): string {
  if (!FIELD_NAME.test(name)) throw new Error(`not a field name: ${name}`);
  return `f_${name.toLowerCase()}`;
}

const LEAD_KEYS: Record<string, ColumnSpec> = {
  id: { table: 'l', column: 'id', kind: 'int' },
  createdAt: { table: 'l', column: 'created_at', kind: 'datetime' },
  updatedAt: { table: 'l', column: 'updated_at', kind: 'datetime' },
};

const MEMBER_KEYS: Record<string, ColumnSpec> = {
  programId: { table: 'm', column: 'program_id', kind: 'int' },
  leadId: { table: 'm', column: 'lead_id', kind: 'int' },
  program: { table: 'p', column: 'name', kind: 'programName' },
  statusName: { table: 'm', column: 'status_name', kind: 'text' },
  isExhausted: { table: 'm', column: 'is_exhausted', kind: 'bool' },
  nurtureCadence: { table: 'm', column: 'nurture_cadence', kind: 'text' },
  createdAt: { table: 'm', column: 'created_at', kind: 'datetime' },
  updatedAt: { table: 'm', column: 'updated_at', kind: 'datetime' },
};

export function leadColumn(name: string): ColumnSpec {
  return LEAD_KEYS[name] ?? { table: 'l', column: fieldColumn(name), kind: 'text' };
}

export function memberColumn(name: string): ColumnSpec {
  return MEMBER_KEYS[name] ?? { table: 'm', column: fieldColumn(name), kind: 'text' };
}

/** The columns of a lead or program member export, in file order. */
export function columnSpecs(request: RecordExportRequest): ColumnSpec[] {
  if (request.kind === 'leads') return request.fields.map(leadColumn);
  return request.fields.map((f, i) => (request.sources[i] === 'member' ? memberColumn(f) : leadColumn(f)));
}

/** A raw column value as the TypeScript formatter takes it. */
export function toExportValue(kind: ColumnKind, raw: unknown): ExportValue {
  if (raw === null || raw === undefined) return null;
  switch (kind) {
    case 'int': return Number(raw);
    case 'datetime': return new Date(Number(raw) * 1000);
    case 'bool': return Number(raw) === 1;
    default: return String(raw);
  }
}

/** A single text column: PostgreSQL's COPY would quote a lone `\.` in it, so that export takes the TypeScript path. */
export function isSingleTextColumn(specs: readonly ColumnSpec[]): boolean {
  return specs.length === 1 && (specs[0]!.kind === 'text' || specs[0]!.kind === 'programName');
}

/**
 * The text columns of the catalog's lead fields (by `rest.name`) or program member fields (by
 * `name`); assets without a usable name (not made by parseCatalog) have none.
 */
export function catalogColumns(assets: readonly Asset[]): string[] {
  return assets.flatMap((a) => {
    const name = a.kind === 'leadField' ? (a.data.rest as { name?: unknown } | undefined)?.name : a.data.name;
    return typeof name === 'string' && FIELD_NAME.test(name) ? [fieldColumn(name)] : [];
  });
}

/** The text columns every store has from the start: the standard fields that are not key columns. */
export const STANDARD_LEAD_COLUMNS: readonly string[] = STANDARD_LEAD_FIELDS.filter((f) => !LEAD_KEY_FIELDS.includes(f.name)).map((f) => fieldColumn(f.name));
export const STANDARD_MEMBER_COLUMNS: readonly string[] = STANDARD_MEMBER_FIELDS.filter((f) => !MEMBER_KEY_FIELDS.includes(f.name)).map((f) => fieldColumn(f.name));
