/**
 * Query parameters of the Lead Database and Asset API reads: list parameters, page sizes, and the
 * stateless `nextPageToken` of `lists.json` and `campaigns.json`. Pure.
 */
import { InvalidPageToken, InvalidRequest } from './errors.js';

/** A raw query value: absent, one value, or several (repeated keys). */
export type QueryValue = string | string[] | undefined;

export const MAX_BATCH_SIZE = 300;
export const MAX_RETURN = 200;
export const DEFAULT_MAX_RETURN = 20;

const first = (v: QueryValue): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * A list parameter (`id`, `name`, `programName`, `workspaceName`) as Marketo's Java binding reads
 * it: one value is split on commas and each part trimmed (`id=1,2`); repeated keys are taken as
 * they are (`name=Smith, John&name=Other`), so a name holding a comma can be sent repeated.
 * Empty parts are dropped; undefined when nothing is left.
 */
export function listParam(raw: QueryValue): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = Array.isArray(raw) ? raw : raw.split(',').map((s) => s.trim());
  const kept = values.filter((s) => s !== '');
  return kept.length ? kept : undefined;
}

/** An integer query value; `1001 Invalid value 'x'. Required of type 'integer'` otherwise. */
export function intParam(name: string, raw: string): number {
  const t = raw.trim();
  if (!/^[+-]?\d{1,15}$/.test(t)) throw InvalidRequest.type(name, raw, 'integer');
  return Number(t);
}

/** `id=1,2` or repeated `id` keys as integers. */
export function intListParam(name: string, raw: QueryValue): number[] | undefined {
  return listParam(raw)?.map((v) => intParam(name, v));
}

/** `true` / `false` in any case; `1001 ... Required of type 'boolean'` otherwise. */
export function booleanParam(name: string, raw: QueryValue): boolean | undefined {
  const v = first(raw);
  if (v === undefined || v === '') return undefined;
  const t = v.trim().toLowerCase();
  if (t !== 'true' && t !== 'false') throw InvalidRequest.type(name, v, 'boolean');
  return t === 'true';
}

/** A page size clamped into [1, max]: missing or below 1 gives `fallback` (notes Q14). */
function clamped(name: string, raw: QueryValue, max: number, fallback: number, belowOne: number): number {
  const v = first(raw);
  if (v === undefined || v.trim() === '') return fallback;
  const n = intParam(name, v);
  if (n < 1) return belowOne;
  return Math.min(n, max);
}

/** `batchSize` of `lists.json` / `campaigns.json`: 1-300, missing or 0 or less is 300. */
export const batchSizeParam = (raw: QueryValue): number => clamped('batchSize', raw, MAX_BATCH_SIZE, MAX_BATCH_SIZE, MAX_BATCH_SIZE);

/** `maxReturn` of the Asset API browse: 1-200, missing is 20, 0 or less is 1. */
export const maxReturnParam = (raw: QueryValue): number => clamped('maxReturn', raw, MAX_RETURN, DEFAULT_MAX_RETURN, 1);

/** `offset` of the Asset API browse: missing or negative is 0. */
export function offsetParam(raw: QueryValue): number {
  const v = first(raw);
  if (v === undefined || v.trim() === '') return 0;
  return Math.max(0, intParam('offset', v));
}

// --- nextPageToken --------------------------------------------------------------------------

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case with `=` padding: the look of Marketo's own paging tokens. */
export function base32Encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
}

/** The text of a base32 token, or undefined when it is not canonical base32 of UTF-8 text. */
export function base32Decode(token: string): string | undefined {
  if (token.length === 0 || token.length % 8 !== 0 || !/^[A-Z2-7]+=*$/.test(token)) return undefined;
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of token.replace(/=+$/, '')) {
    value = ((value << 5) | BASE32.indexOf(ch)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    return base32Encode(text) === token ? text : undefined;
  } catch {
    return undefined;
  }
}

/** FNV-1a, 32 bits, as 8 hex digits: enough to tell one query's filters from another's. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * A page token: the last id returned and a hash of what was asked (`scope`: the endpoint and its
 * filters, not the page size). It holds no server state, so it stays valid across restarts and
 * for ever (notes Q13); the next page starts after that id.
 * @example const token = pageToken('campaigns|id=|name=Welcome', 8039)
 */
export function pageToken(scope: string, lastId: number): string {
  return base32Encode(`${lastId}:${fnv1a(scope)}`);
}

/** The last id a token carries; InvalidPageToken when it is not ours or names other filters. */
export function readPageToken(scope: string, raw: QueryValue): number | undefined {
  const v = first(raw);
  if (v === undefined || v === '') return undefined;
  const m = /^(\d{1,15}):([0-9a-f]{8})$/.exec(base32Decode(v.trim()) ?? '');
  if (!m || m[2] !== fnv1a(scope)) throw new InvalidPageToken();
  return Number(m[1]);
}
