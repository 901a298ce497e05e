/**
 * The create body of a Bulk Lead Extract (notes §2.2-2.5), checked in the order of notes Q1:
 * the filter (missing, keys, one type, the feature gate, values), then `fields`, then
 * `columnHeaderNames` and `format`. Lists named by the filter are looked up by the API
 * afterwards (they need the store). Pure.
 */
import { z } from 'zod';
import {
  asImported, columnHeaderNamesShape, formatShape, isInt, isObject, readBody, readColumnHeaderNames, readFormat, readRequiredFields, readWindow,
  SHARED_BODY_RULES, windowShape, type BodyRule, type ExportFormat, type ValidateOptions,
} from './export-body.js';
import { InvalidRequest, UnsupportedFilter } from './errors.js';
import type { LeadSchema } from './lead-schema.js';

export { isListFilter, type LeadFilter, type LeadListFilter, type LeadWindowFilter } from './lead-filter.js';
import type { LeadFilter } from './lead-filter.js';

export interface LeadExportRequest {
  kind: 'leads';
  format: ExportFormat;
  /** REST names of lead fields, in column order. */
  fields: string[];
  columnHeaderNames: Record<string, string>;
  filter: LeadFilter;
}

export interface LeadValidateOptions extends ValidateOptions {
  schema: LeadSchema;
  /** The subscription has the infrastructure for `updatedAt` and smart list filters (notes Q4). */
  advancedFilters: boolean;
}

const FILTER_TYPES = ['createdAt', 'updatedAt', 'staticListId', 'staticListName', 'smartListId', 'smartListName'];
/** The filters that need the subscription feature (notes §2.3). */
const GATED = new Set(['updatedAt', 'smartListId', 'smartListName']);

/** @example validateLeadExportRequest({ fields: ['id'], filter: { createdAt: { startAt, endAt } } }, { schema, advancedFilters: true }) */
export function validateLeadExportRequest(raw: unknown, options: LeadValidateOptions): LeadExportRequest {
  const body = readBody(raw);
  const filter = readLeadFilter(body.filter, options);
  const fields = readLeadFields(body.fields, options.schema);
  return { kind: 'leads', format: readFormat(body.format), fields, columnHeaderNames: readColumnHeaderNames(body.columnHeaderNames, fields), filter };
}

/** The filter object's keys, after the checks every kind's filter shares: present, an object, not empty. */
export function filterKeys(raw: unknown): { given: Record<string, unknown>; keys: string[] } {
  if (raw === undefined || raw === null) throw InvalidRequest.missing('filter');
  if (!isObject(raw)) throw InvalidRequest.rule('filter', 'must be a JSON object');
  const keys = Object.keys(raw);
  if (keys.length === 0) throw InvalidRequest.missing('filter');
  return { given: raw, keys };
}

function readLeadFilter(raw: unknown, options: LeadValidateOptions): LeadFilter {
  const { given, keys } = filterKeys(raw);
  for (const key of keys) {
    if (!FILTER_TYPES.includes(key)) throw InvalidRequest.rule(`filter.${key}`, 'is not a filter of lead exports');
  }
  if (keys.length > 1) throw InvalidRequest.rule('filter', `only one filter type is allowed, got ${keys.join(', ')}`);
  const key = keys[0]!;
  // Before the value is looked at, so tap-marketo's probe always sees 1035 (notes Q1 step 5).
  if (GATED.has(key) && !options.advancedFilters) throw new UnsupportedFilter(key);
  const value = given[key];
  const param = `filter.${key}`;
  switch (key) {
    case 'createdAt':
    case 'updatedAt':
      return { type: key, ...readWindow(value, param, options) };
    case 'staticListId':
    case 'smartListId':
      if (value === null || value === undefined) throw InvalidRequest.missing(param);
      if (!isInt(value) || value < 1) throw InvalidRequest.rule(param, 'must be a positive integer');
      return { type: key === 'staticListId' ? 'staticList' : 'smartList', listId: value };
    default:
      if (value === null || value === undefined || value === '') throw InvalidRequest.missing(param);
      if (typeof value !== 'string') throw InvalidRequest.rule(param, 'must be a string');
      return { type: key === 'staticListName' ? 'staticList' : 'smartList', listName: asImported(value) };
  }
}

/** Every name must be an exportable field of the schema; the ones that are not go into one 1003. */
function readLeadFields(raw: unknown, schema: LeadSchema): string[] {
  const names = readRequiredFields(raw);
  const invalid = names.filter((n) => !schema.byName.get(n)?.exportable);
  if (invalid.length) throw InvalidRequest.fields(invalid);
  return names;
}

// --- shape (export-body.ts says how shapes and readers agree) ---------------------------------

/** `fields` of lead and program member exports: required, names from the kind's describe endpoint. */
export const requiredFieldsShape = (describe: string) => z.array(z.string()).min(1)
  .meta({ description: `Field names (REST names from ${describe}), in column order; a name listed twice is kept once`, examples: [['id', 'email', 'createdAt']] });

const oneFilter = (key: string, value: z.ZodType) => z.strictObject({ [key]: value });
const listId = z.int().min(1);
const listName = z.string().min(1);

/** The create body of `POST /bulk/v1/leads/export/create.json`. */
export const leadExportBodyShape = z.looseObject({
  format: formatShape,
  fields: requiredFieldsShape('leads/describe.json'),
  columnHeaderNames: columnHeaderNamesShape(),
  filter: z.union([
    oneFilter('createdAt', windowShape), oneFilter('updatedAt', windowShape),
    oneFilter('staticListId', listId), oneFilter('staticListName', listName),
    oneFilter('smartListId', listId), oneFilter('smartListName', listName),
  ]).meta({ description: 'Exactly one filter. updatedAt and the smart list filters need serve --advanced-extract-filters on (else 1035); a list must exist when the job is created' }),
}).meta({
  examples: [{ format: 'CSV', fields: ['id', 'email', 'firstName', 'createdAt'], filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' } } }],
});

/** What the lead shape takes but the validator refuses. */
export const LEAD_BODY_RULES: BodyRule[] = [
  ...SHARED_BODY_RULES,
  { says: 'every name in fields is an exportable lead field (leads/describe.json)', refusal: /^Invalid fields \[/ },
];
