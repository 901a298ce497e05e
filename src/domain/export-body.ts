/**
 * Create-body rules every bulk export kind shares (decisions.md, "Error codes for the create
 * body"): the format, the header renames, date windows and plain value shapes. Each kind's
 * validator (export-request.ts, lead-export-request.ts, program-member-export-request.ts) builds
 * on these. Pure.
 *
 * Beside the readers sit their declarative shapes (zod, published as JSON Schema in the OpenAPI
 * document): each shape takes every value its reader takes, and what the shape takes but a reader
 * refuses is a rule the shape cannot say, listed with the kind's shape (test/openapi/shapes.test.ts
 * proves both on generated bodies).
 */
import { z } from 'zod';
import { DAY_MS, MARKETO_DATE, parseMarketoDate } from './dates.js';
import { wellFormed } from './activity.js';
import { InvalidRequest, shownValue } from './errors.js';

export const EXPORT_FORMATS = ['CSV', 'TSV', 'SSV'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const MAX_SPAN_MS = 31 * DAY_MS;

export interface ValidateOptions {
  /** Reject dates with milliseconds, as Marketo's docs say (`serve --strict`). */
  strictDates?: boolean;
}

/** Inclusive bounds in epoch ms. */
export interface DateWindow {
  startMs: number;
  endMs: number;
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** The body must be a JSON object (anything else is 1003, as for activities). */
export function readBody(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw InvalidRequest.rule('body', 'the request body must be a JSON object');
  return body;
}

/** CSV, TSV or SSV in any ASCII case (`toUpperCase` alone also took `cſv` and `ßv`). */
const FORMAT = /^(?:[Cc][Ss][Vv]|[Tt][Ss][Vv]|[Ss][Ss][Vv])$/;

export function readFormat(raw: unknown): ExportFormat {
  if (raw === undefined || raw === null) return 'CSV';
  if (typeof raw !== 'string' || !FORMAT.test(raw)) {
    throw InvalidRequest.rule('format', `unknown format '${shownValue(raw)}'; use CSV, TSV or SSV`);
  }
  return raw.toUpperCase() as ExportFormat;
}

/** Header text per field; only fields that are renamed appear, and each must be one of `fields`. */
export function readColumnHeaderNames(raw: unknown, fields: readonly string[]): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw InvalidRequest.rule('columnHeaderNames', 'must be an object mapping field names to header text');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!fields.includes(key)) throw InvalidRequest.rule('columnHeaderNames', `'${key}' is not one of the job's fields`);
    // NUL bytes never appear in a file (decisions.md): they are dropped here as at import.
    const text = typeof value === 'string' ? asImported(value) : '';
    if (text === '') throw InvalidRequest.rule(`columnHeaderNames.${key}`, 'must be a non-empty string');
    out[key] = text;
  }
  return out;
}

/**
 * A `{startAt, endAt}` window named `param` (`filter.createdAt`, ...): both ends required (1002),
 * datetimes (1001), start not after end and at most 31 × 24 h apart (1003).
 */
export function readWindow(raw: unknown, param: string, options: ValidateOptions): DateWindow {
  if (raw === undefined || raw === null) throw InvalidRequest.missing(param);
  if (!isObject(raw)) throw InvalidRequest.rule(param, 'must be an object with startAt and endAt');
  const startMs = readDate(raw.startAt, `${param}.startAt`, options);
  const endMs = readDate(raw.endAt, `${param}.endAt`, options);
  if (startMs > endMs) throw InvalidRequest.rule(param, `startAt ${shownValue(raw.startAt)} is after endAt ${shownValue(raw.endAt)}`);
  const span = endMs - startMs;
  if (span > MAX_SPAN_MS) throw InvalidRequest.rule(param, `the date range may span at most 31 days, got ${describeSpan(span)}`);
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

/** A list of integers, duplicates collapsed; undefined when absent or null. */
export function readIntList(raw: unknown, param: string): number[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every(isInt)) throw InvalidRequest.rule(param, 'must be an array of integers');
  return [...new Set(raw)];
}

/** A list of filter texts as an import would have stored them, duplicates collapsed; undefined when absent or null. */
export function readStringList(raw: unknown, param: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) throw InvalidRequest.rule(param, 'must be an array of strings');
  return [...new Set((raw as string[]).map(asImported))];
}

/**
 * A filter text as an import would have stored it: NUL bytes dropped, lone surrogates as U+FFFD
 * (activity.ts). The filter then matches what an import of the same text stored, and every store
 * gets text it can hold (PostgreSQL text has no NUL, and drivers encode lone surrogates each
 * their own way).
 */
export function asImported(text: string): string {
  return wellFormed(text.replaceAll('\0', ''));
}

/** The names in a `fields` list that is required (lead and program member exports, notes Q1 step 7). */
export function readRequiredFields(raw: unknown): string[] {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) throw InvalidRequest.missing('fields');
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) throw InvalidRequest.rule('fields', 'must be an array of field names');
  // Duplicates are dropped silently, the first one kept (notes Q1).
  return [...new Set(raw as string[])];
}

// --- shapes (see the head of this file) ------------------------------------------------------

/** A rule a body shape cannot say: what it asks, and the refusal (its message) that enforces it. */
export interface BodyRule {
  says: string;
  refusal: RegExp;
}

export const formatShape = z.string().regex(FORMAT).nullable().optional()
  .meta({ description: 'CSV (the default), TSV or SSV, in any case', examples: ['CSV'] });

/** A datetime as startAt/endAt take it (dates.ts): ISO 8601, zone optional (UTC), date alone allowed. */
export const dateShape = z.string().regex(MARKETO_DATE)
  .meta({ description: 'ISO 8601: `2026-01-01T00:00:00Z`, `...-05:00`, no zone (UTC), or a date alone; fractions of a second only without serve --strict', examples: ['2026-01-01T00:00:00Z'] });

export const windowShape = z.looseObject({ startAt: dateShape, endAt: dateShape })
  .meta({ description: 'Both ends inclusive; startAt not after endAt, at most 31 days apart' });

/** Header text per field; every key must be one of the job's fields (a rule: the shape cannot say so). */
export function columnHeaderNamesShape(fieldNames?: readonly [string, ...string[]]) {
  const key = fieldNames ? z.enum(fieldNames) : z.string();
  return z.partialRecord(key, z.string().regex(/[^\0]/)).nullable().optional()
    .meta({ description: 'Column header text by field name; each key must be one of the fields asked for', examples: [{ leadId: 'Lead ID' }] });
}

/** The rules every kind's body shares that no shape says. */
export const SHARED_BODY_RULES: BodyRule[] = [
  { says: 'startAt is not after endAt, and the two are at most 31 days apart', refusal: /is after endAt|may span at most 31 days/ },
  { says: 'a datetime names a real calendar date and time', refusal: /Required of type 'datetime'/ },
  { says: 'every key of columnHeaderNames is one of the fields asked for', refusal: /is not one of the job's fields/ },
];
