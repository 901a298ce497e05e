/**
 * The lead schema: which lead fields a subscription has. One schema serves describe, describe2,
 * the `fields` of lead and program member exports, value formatting at import, and the lead
 * field names `primaryAttributeValues` resolve. It is the standard fields (lead-fields.ts) merged
 * with the catalog's `leadFields` (assets.ts): a catalog entry with a standard field's REST name
 * replaces that field's description; any other entry is a custom field. Pure.
 */
import { SOAP_NAME_EXCEPTIONS, STANDARD_LEAD_FIELD_ROWS } from './lead-fields.js';

export interface LeadField {
  id: number;
  /** The REST API name: what `fields` lists and what the file header shows. */
  name: string;
  displayName: string;
  dataType: string;
  length?: number;
  /** `rest.readOnly` in describe; describe2 says `updateable: !readOnly`. */
  readOnly: boolean;
  /** Absent: the field has no SOAP name (describe leaves `soap` out). */
  soap?: { name: string; readOnly: boolean };
  /** False: describe still lists the field, but an export asking for it is refused (notes Q6). */
  exportable: boolean;
  /** Declared in the catalog rather than one of the standard fields. */
  custom: boolean;
}

export interface LeadSchema {
  /** In ascending id, as describe lists them. */
  fields: LeadField[];
  byName: ReadonlyMap<string, LeadField>;
}

/** Data types that carry a `length` in describe (notes §5.1). */
export const LENGTH_TYPES: ReadonlySet<string> = new Set(['string', 'email', 'phone', 'url']);

/** A field's REST name: stored as a column `f_<name in lower case>`, so letters, digits and `_`. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;

/** Keys a lead import record may carry besides fields (docs/leads.md); no field may be named so. */
export const LEAD_RECORD_KEYS: readonly string[] = ['staticListIds', 'smartListIds', 'lastChangeAt', 'deleted', 'mergedInto'];

/** The fields kept as typed columns of their own rather than as file text. */
export const LEAD_KEY_FIELDS: readonly string[] = ['id', 'createdAt', 'updatedAt'];

export const STANDARD_LEAD_FIELDS: readonly LeadField[] = STANDARD_LEAD_FIELD_ROWS.map(([id, name, displayName, dataType, length, flags]) => ({
  id, name, displayName, dataType, ...(length ? { length } : {}), readOnly: flags.includes('R'),
  ...(flags.includes('S') ? {} : { soap: { name: SOAP_NAME_EXCEPTIONS[name] ?? name.charAt(0).toUpperCase() + name.slice(1), readOnly: false } }),
  exportable: true, custom: false,
}));

const STANDARD_BY_NAME = new Map(STANDARD_LEAD_FIELDS.map((f) => [f.name, f]));
const STANDARD_BY_ID = new Map(STANDARD_LEAD_FIELDS.map((f) => [f.id, f]));

export function isStandardLeadField(name: string): boolean {
  return STANDARD_BY_NAME.has(name);
}

/** A catalog `leadField` asset's data (its describe shape, plus `exportable`) as a field. */
export function leadFieldFromCatalog(data: Record<string, unknown>): LeadField {
  const rest = data.rest as { name: string; readOnly?: boolean };
  const soap = data.soap as { name: string; readOnly?: boolean } | null | undefined;
  return {
    id: data.id as number, name: rest.name, displayName: data.displayName as string, dataType: data.dataType as string,
    ...(typeof data.length === 'number' ? { length: data.length } : {}),
    readOnly: rest.readOnly === true,
    ...(soap ? { soap: { name: soap.name, readOnly: soap.readOnly === true } } : {}),
    exportable: data.exportable !== false,
    custom: !STANDARD_BY_NAME.has(rest.name),
  };
}

/**
 * Why a catalog lead field cannot join the schema, checked against the standard fields only
 * (`schemaConflict` checks a whole merged schema); undefined when it can.
 */
export function catalogLeadFieldProblem(id: number, name: string, dataType: string): string | undefined {
  if (!FIELD_NAME.test(name)) return `rest.name '${name}' must start with a letter and hold only letters, digits and _ (at most 60)`;
  if (LEAD_RECORD_KEYS.includes(name)) return `rest.name '${name}' is reserved for lead imports`;
  const standard = STANDARD_BY_ID.get(id);
  if (standard && standard.name !== name) return `id ${id} is the standard field ${standard.name}`;
  // Kept in typed columns of their own: a catalog may describe them (a real describe answer does), but not retype them.
  const key = STANDARD_BY_NAME.get(name);
  if (key && LEAD_KEY_FIELDS.includes(name) && dataType !== key.dataType) return `${name} must keep its data type ${key.dataType}`;
  return undefined;
}

/** The schema from the catalog's lead field assets (their `data`), in any order. */
export function buildLeadSchema(catalog: readonly Record<string, unknown>[]): LeadSchema {
  const replaced = new Map<string, LeadField>();
  const custom: LeadField[] = [];
  for (const data of catalog) {
    // Only parseCatalog's shape makes a field (it always has rest.name).
    if (typeof (data.rest as { name?: unknown } | undefined)?.name !== 'string') continue;
    const field = leadFieldFromCatalog(data);
    if (field.custom) custom.push(field);
    else replaced.set(field.name, field);
  }
  const fields = [...STANDARD_LEAD_FIELDS.map((f) => replaced.get(f.name) ?? f), ...custom].sort((a, b) => a.id - b.id);
  return { fields, byName: new Map(fields.map((f) => [f.name, f])) };
}

/** Two fields with one id, or names that would share a column (equal but for case); undefined when none. */
export function schemaConflict(schema: LeadSchema): string | undefined {
  const ids = new Map<number, string>();
  const columns = new Map<string, string>();
  for (const f of schema.fields) {
    const id = ids.get(f.id);
    if (id !== undefined) return `lead fields ${id} and ${f.name} share the id ${f.id}`;
    ids.set(f.id, f.name);
    const other = columns.get(f.name.toLowerCase());
    if (other !== undefined) return `lead fields ${other} and ${f.name} differ only in case`;
    columns.set(f.name.toLowerCase(), f.name);
  }
  return undefined;
}

/** One entry of `GET /rest/v1/leads/describe.json`: keys in Marketo's order, `soap` only when the field has one. */
export function describeEntry(f: LeadField): Record<string, unknown> {
  return {
    id: f.id, displayName: f.displayName, dataType: f.dataType, ...(f.length !== undefined ? { length: f.length } : {}),
    rest: { name: f.name, readOnly: f.readOnly }, ...(f.soap ? { soap: f.soap } : {}),
  };
}

/** The one result object of `GET /rest/v1/leads/describe2.json` (notes §5.2). */
export function describe2Result(schema: LeadSchema): Record<string, unknown> {
  const searchable = ['email', 'id', 'cookies', 'externalCompanyId', 'externalSalesPersonId', 'leadPartitionId'];
  // Custom fields of these types can be searched on (notes §5.2, S23).
  for (const f of schema.fields) if (f.custom && ['string', 'email', 'integer'].includes(f.dataType)) searchable.push(f.name);
  return {
    name: 'API Lead',
    searchableFields: searchable.filter((n) => schema.byName.has(n)).map((n) => [n]),
    fields: schema.fields.map((f) => ({
      name: f.name, displayName: f.displayName, dataType: f.dataType, ...(f.length !== undefined ? { length: f.length } : {}),
      updateable: !f.readOnly, crmManaged: false,
    })),
  };
}
