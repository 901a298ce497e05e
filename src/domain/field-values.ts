/**
 * Lead and program member field values as export files show them, by describe data type (notes
 * §2.7 and Q9). Values are turned into this text once, at import, and stored as text, so the
 * store engines only quote and join them. Pure.
 */
import { wellFormed } from './activity.js';
import { formatMarketoDate, parseMarketoDate } from './dates.js';

export type FieldText = { ok: true; text: string | null } | { ok: false; reason: string };

/** Counts the NUL bytes a value lost: they never reach a file (decisions.md). */
export interface NulCounter {
  nulBytes: number;
}

const INTEGER_TYPES = new Set(['integer', 'score', 'percent', 'reference']);
const DECIMAL_TYPES = new Set(['float', 'currency']);
const FIRST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
const LAST_MS = 253_402_300_799_000; // 9999-12-31T23:59:59Z
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The file text of `raw` for a field of `dataType`; null for a missing value. Strings from a
 * CSV file are read like JSON values of the type (`"12"` for an integer, `"true"` for a boolean).
 * @example fieldText('currency', 1e21, counter) // { ok: true, text: '1000000000000000000000' }
 */
export function fieldText(dataType: string, raw: unknown, nul: NulCounter): FieldText {
  if (raw === null || raw === undefined) return { ok: true, text: null };
  if (INTEGER_TYPES.has(dataType)) return integerText(raw);
  if (DECIMAL_TYPES.has(dataType)) return decimalText(raw);
  if (dataType === 'boolean') return booleanText(raw);
  if (dataType === 'datetime') return datetimeText(raw);
  if (dataType === 'date') return dateText(raw);
  if (typeof raw === 'number' || typeof raw === 'boolean') return { ok: true, text: String(raw) };
  if (typeof raw !== 'string') return { ok: false, reason: 'must be a string' };
  return { ok: true, text: cleanText(raw, nul) };
}

/** NUL bytes dropped (and counted), lone surrogates replaced as UTF-8 encoding would. */
export function cleanText(s: string, nul: NulCounter): string {
  if (s.includes('\0')) {
    const out = s.replaceAll('\0', '');
    nul.nulBytes += s.length - out.length;
    s = out;
  }
  return wellFormed(s);
}

function integerText(raw: unknown): FieldText {
  const n = typeof raw === 'string' && /^-?\d{1,16}$/.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) return { ok: false, reason: 'must be an integer' };
  return { ok: true, text: String(n === 0 ? 0 : n) };
}

function decimalText(raw: unknown): FieldText {
  const n = typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : raw;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { ok: false, reason: 'must be a number' };
  return { ok: true, text: plainDecimal(n) };
}

function booleanText(raw: unknown): FieldText {
  if (typeof raw === 'boolean') return { ok: true, text: String(raw) };
  const lower = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (lower === 'true' || lower === 'false') return { ok: true, text: lower };
  return { ok: false, reason: 'must be true or false' };
}

function datetimeText(raw: unknown): FieldText {
  const ms = typeof raw === 'string' ? parseMarketoDate(raw.trim())?.ms : undefined;
  if (ms === undefined || ms < FIRST_MS || ms >= LAST_MS + 1000) return { ok: false, reason: 'must be an ISO-8601 datetime from year 1 to 9999' };
  return { ok: true, text: formatMarketoDate(ms) };
}

function dateText(raw: unknown): FieldText {
  const m = typeof raw === 'string' ? DATE_ONLY.exec(raw.trim()) : null;
  if (!m || !parseMarketoDate(m[0])) return { ok: false, reason: 'must be a date YYYY-MM-DD' };
  return { ok: true, text: m[0] };
}

/**
 * The shortest decimal that reads back as `n`, without an exponent and without a trailing `.0`:
 * `1000`, `12.5`, `0.0000001`, `1000000000000000000000` (notes Q9).
 */
export function plainDecimal(n: number): string {
  const s = String(n === 0 ? 0 : n);
  const e = s.indexOf('e');
  if (e === -1) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(s.slice(e + 1));
  const text = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
    : point >= digits.length ? digits + '0'.repeat(point - digits.length)
      : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + text;
}
