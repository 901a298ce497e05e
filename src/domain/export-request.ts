/**
 * The rules of the create body (decisions.md, "Error codes for the create body"). Pure: takes the
 * parsed JSON, returns a normalised request or the first rule it breaks.
 */
import { assetGroupOf, DELETE_LEAD_TYPE_ID } from './activity-types.js';
import { wellFormed } from './activity.js';
import { DAY_MS, parseMarketoDate } from './dates.js';
import { InvalidRequest, shownValue } from './errors.js';

export const EXPORT_FORMATS = ['CSV', 'TSV', 'SSV'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const DEFAULT_FIELDS = [
  'marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId',
  'primaryAttributeValueId', 'primaryAttributeValue', 'attributes',
] as const;
export const EXPORT_FIELDS = [...DEFAULT_FIELDS, 'actionResult'] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

export const MAX_SPAN_MS = 31 * DAY_MS;
export const MAX_PRIMARY_VALUES = 50;

export interface ExportFilter {
  /** Inclusive bounds in epoch ms. */
  startMs: number;
  endMs: number;
  activityTypeIds?: number[];
  primaryAttributeValueIds?: number[];
  primaryAttributeValues?: string[];
  /** Ids the `primaryAttributeValues` names resolved to through the asset catalog, when the job was created. */
  resolvedPrimaryAttributeValueIds?: number[];
}

export interface ExportRequest {
  format: ExportFormat;
  fields: ExportField[];
  /** Header text per field; only fields that are renamed appear. */
  columnHeaderNames: Partial<Record<ExportField, string>>;
  filter: ExportFilter;
}

export interface ValidateOptions {
  /** Reject dates with milliseconds, as Marketo's docs say (`serve --strict`). */
  strictDates?: boolean;
}

const FILTER_KEYS = new Set(['createdAt', 'activityTypeIds', 'primaryAttributeValueIds', 'primaryAttributeValues']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function validateExportRequest(body: unknown, options: ValidateOptions = {}): ExportRequest {
  if (!isObject(body)) throw InvalidRequest.rule('body', 'the request body must be a JSON object');
  const filter = readFilter(body.filter, options);
  const fields = readFields(body.fields);
  return {
    format: readFormat(body.format),
    fields,
    columnHeaderNames: readColumnHeaderNames(body.columnHeaderNames, fields),
    filter,
  };
}

function readFilter(raw: unknown, options: ValidateOptions): ExportFilter {
  if (raw === undefined || raw === null) throw InvalidRequest.missing('filter');
  if (!isObject(raw)) throw InvalidRequest.rule('filter', 'must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (!FILTER_KEYS.has(key)) throw InvalidRequest.rule(`filter.${key}`, 'is not a filter of activity exports');
  }
  const { startMs, endMs } = readCreatedAt(raw.createdAt, options);
  const filter: ExportFilter = { startMs, endMs };

  const typeIds = readIntList(raw.activityTypeIds, 'filter.activityTypeIds');
  if (typeIds?.includes(DELETE_LEAD_TYPE_ID)) {
    throw InvalidRequest.rule('filter.activityTypeIds', 'type 37 (Delete Lead) cannot be exported; use Get Deleted Leads');
  }
  if (typeIds && typeIds.length > 0) filter.activityTypeIds = typeIds;

  const ids = readIntList(raw.primaryAttributeValueIds, 'filter.primaryAttributeValueIds');
  const names = readStringList(raw.primaryAttributeValues, 'filter.primaryAttributeValues', asImported);
  if (ids && names) {
    throw InvalidRequest.rule('filter', 'primaryAttributeValueIds and primaryAttributeValues cannot be used together');
  }
  const primary = ids ? 'primaryAttributeValueIds' : names ? 'primaryAttributeValues' : undefined;
  const values = ids ?? names;
  if (primary && values) {
    if (values.length === 0) throw InvalidRequest.rule(`filter.${primary}`, 'must hold at least one value');
    if (values.length > MAX_PRIMARY_VALUES) {
      throw InvalidRequest.rule(`filter.${primary}`, `at most ${MAX_PRIMARY_VALUES} values are allowed, got ${values.length}`);
    }
    checkAssetGroup(filter.activityTypeIds, primary);
    if (ids) filter.primaryAttributeValueIds = ids;
    if (names) filter.primaryAttributeValues = names;
  }
  return filter;
}

function checkAssetGroup(typeIds: number[] | undefined, primary: string): void {
  if (!typeIds) throw InvalidRequest.rule(`filter.${primary}`, 'requires filter.activityTypeIds');
  const groups = new Set<string>();
  for (const id of typeIds) {
    const group = assetGroupOf(id);
    if (!group) {
      throw InvalidRequest.rule(
        'filter.activityTypeIds',
        `type ${id} cannot be filtered by primary attribute; allowed types are 2, 13, 22, 24, 25 and 104`,
      );
    }
    groups.add(group);
  }
  if (groups.size > 1) {
    throw InvalidRequest.rule('filter.activityTypeIds', `types must belong to one asset group, got ${[...groups].join(', ')}`);
  }
}

function readCreatedAt(raw: unknown, options: ValidateOptions): { startMs: number; endMs: number } {
  if (raw === undefined || raw === null) throw InvalidRequest.missing('filter.createdAt');
  if (!isObject(raw)) throw InvalidRequest.rule('filter.createdAt', 'must be an object with startAt and endAt');
  const startMs = readDate(raw.startAt, 'filter.createdAt.startAt', options);
  const endMs = readDate(raw.endAt, 'filter.createdAt.endAt', options);
  if (startMs > endMs) {
    throw InvalidRequest.rule('filter.createdAt', `startAt ${shownValue(raw.startAt)} is after endAt ${shownValue(raw.endAt)}`);
  }
  const span = endMs - startMs;
  if (span > MAX_SPAN_MS) {
    throw InvalidRequest.rule('filter.createdAt', `the date range may span at most 31 days, got ${describeSpan(span)}`);
  }
  return { startMs, endMs };
}

function readDate(raw: unknown, param: string, options: ValidateOptions): number {
  if (raw === undefined || raw === null || raw === '') throw InvalidRequest.missing(param);
  const parsed = typeof raw === 'string' ? parseMarketoDate(raw) : undefined;
  if (!parsed || (options.strictDates && parsed.hasFraction)) throw InvalidRequest.type(param, shownValue(raw), 'datetime');
  return parsed.ms;
}

export function describeSpan(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const rest = ms - days * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  const ms2 = rest - hours * 3_600_000;
  const seconds = Math.floor(ms2 / 1000);
  const millis = ms2 - seconds * 1000;
  return `${days} days ${hours} hours${seconds ? ` ${seconds} seconds` : ''}${millis ? ` ${millis} ms` : ''}`;
}

function readIntList(raw: unknown, param: string): number[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every(isInt)) throw InvalidRequest.rule(param, 'must be an array of integers');
  return [...new Set(raw)];
}

function readStringList(raw: unknown, param: string, normalise: (v: string) => string = (v) => v): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) throw InvalidRequest.rule(param, 'must be an array of strings');
  return [...new Set((raw as string[]).map(normalise))];
}

/**
 * A filter text as an import would have stored it: NUL bytes dropped, lone surrogates as U+FFFD
 * (activity.ts). The filter then matches what an import of the same text stored, and every store
 * gets text it can hold (PostgreSQL text has no NUL, and drivers encode lone surrogates each
 * their own way).
 */
function asImported(text: string): string {
  return wellFormed(text.replaceAll('\0', ''));
}

function readFields(raw: unknown): ExportField[] {
  // Absent, null and [] all mean the default columns (airbyte sends [], marketorestpython null).
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return [...DEFAULT_FIELDS];
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) throw InvalidRequest.rule('fields', 'must be an array of field names');
  const seen = new Set<string>();
  for (const name of raw as string[]) {
    if (!(EXPORT_FIELDS as readonly string[]).includes(name)) {
      throw InvalidRequest.rule('fields', `unknown field '${name}'; allowed fields are ${EXPORT_FIELDS.join(', ')}`);
    }
    if (seen.has(name)) throw InvalidRequest.rule('fields', `field '${name}' is listed twice`);
    seen.add(name);
  }
  return raw as ExportField[];
}

function readColumnHeaderNames(raw: unknown, fields: ExportField[]): ExportRequest['columnHeaderNames'] {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw InvalidRequest.rule('columnHeaderNames', 'must be an object mapping field names to header text');
  const out: ExportRequest['columnHeaderNames'] = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(fields as string[]).includes(key)) throw InvalidRequest.rule('columnHeaderNames', `'${key}' is not one of the job's fields`);
    // NUL bytes never appear in a file (decisions.md): they are dropped here as at import.
    const text = typeof value === 'string' ? asImported(value) : '';
    if (text === '') throw InvalidRequest.rule(`columnHeaderNames.${key}`, 'must be a non-empty string');
    out[key as ExportField] = text;
  }
  return out;
}

function readFormat(raw: unknown): ExportFormat {
  if (raw === undefined || raw === null) return 'CSV';
  const upper = typeof raw === 'string' ? raw.toUpperCase() : undefined;
  if (!upper || !(EXPORT_FORMATS as readonly string[]).includes(upper)) {
    throw InvalidRequest.rule('format', `unknown format '${shownValue(raw)}'; use CSV, TSV or SSV`);
  }
  return upper as ExportFormat;
}
