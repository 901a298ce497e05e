/** Activities as stored and exported, and the rules for importing them. Pure. */
import { createHash } from 'node:crypto';
import { parseMarketoDate } from './dates.js';

export const ACTION_RESULTS = ['succeeded', 'skipped', 'failed'] as const;

export interface Activity {
  /** Numeric text, up to 19 digits (fits a signed 64-bit integer). */
  marketoGUID: string;
  leadId: number;
  /** Epoch ms, whole seconds. */
  activityDate: number;
  activityTypeId: number;
  campaignId: number | null;
  primaryAttributeValueId: number | null;
  primaryAttributeValue: string | null;
  /** The JSON object text written to the `attributes` column (`{}` when there are none). */
  attributes: string;
  actionResult: (typeof ACTION_RESULTS)[number] | null;
}

export type ParseResult = { ok: true; activity: Activity; nulBytes: number } | { ok: false; reason: string };

const MAX_GUID = 9223372036854775807n;
/** No leading zero and at most 18 digits: positive, below MAX_GUID, and already in canonical form. */
const SHORT_GUID = /^[1-9]\d{0,17}$/;

/**
 * Activity dates both stores write alike, and alike to `formatMarketoDate`: the years 0001 to 9999
 * in UTC (PostgreSQL has no year 0, and SQLite has no years past 9999 or before 0).
 */
export const FIRST_ACTIVITY_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z
export const LAST_ACTIVITY_MS = 253_402_300_799_000; // 9999-12-31T23:59:59Z

/**
 * Text with each lone UTF-16 surrogate replaced by U+FFFD, as UTF-8 encoding replaces it. SQLite
 * would otherwise store it as 3 invalid bytes that come back as 3 replacement characters.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/**
 * Validates one import record (the NDJSON shape in interfaces.md). NUL bytes are stripped from
 * strings (they never reach a file) and counted. A missing `marketoGUID` is derived from the
 * record's content, so importing the same file twice never duplicates it.
 */
export function parseActivityRecord(raw: unknown): ParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const r = raw as Record<string, unknown>;
  let nulBytes = 0;
  const clean = (s: string): string => {
    if (!s.includes('\0')) return s;
    const out = s.replaceAll('\0', '');
    nulBytes += s.length - out.length;
    return out;
  };

  const leadId = r.leadId;
  if (!isPositiveInt(leadId)) return { ok: false, reason: 'leadId must be a positive integer' };
  const typeId = r.activityTypeId;
  if (!isPositiveInt(typeId)) return { ok: false, reason: 'activityTypeId must be a positive integer' };
  if (typeof r.activityDate !== 'string') return { ok: false, reason: 'activityDate must be an ISO-8601 datetime string' };
  const date = parseMarketoDate(r.activityDate);
  if (!date) return { ok: false, reason: `activityDate '${r.activityDate}' is not a valid datetime` };
  if (date.ms < FIRST_ACTIVITY_MS || date.ms >= LAST_ACTIVITY_MS + 1000) {
    return { ok: false, reason: `activityDate '${r.activityDate}' is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z` };
  }

  const campaignId = optionalInt(r.campaignId);
  if (campaignId === false) return { ok: false, reason: 'campaignId must be an integer or null' };
  const pavId = optionalInt(r.primaryAttributeValueId);
  if (pavId === false) return { ok: false, reason: 'primaryAttributeValueId must be an integer or null' };
  const pavRaw = r.primaryAttributeValue;
  if (pavRaw !== undefined && pavRaw !== null && typeof pavRaw !== 'string' && typeof pavRaw !== 'number') {
    return { ok: false, reason: 'primaryAttributeValue must be a string or null' };
  }
  const actionResult = r.actionResult ?? null;
  if (actionResult !== null && !(ACTION_RESULTS as readonly unknown[]).includes(actionResult)) {
    return { ok: false, reason: `actionResult must be one of ${ACTION_RESULTS.join(', ')} or null` };
  }
  const attributes = readAttributes(r.attributes, clean);
  if (typeof attributes !== 'string') return { ok: false, reason: attributes.error };

  const activity: Activity = {
    marketoGUID: '',
    leadId,
    activityDate: Math.floor(date.ms / 1000) * 1000,
    activityTypeId: typeId,
    campaignId,
    primaryAttributeValueId: pavId,
    primaryAttributeValue: pavRaw === undefined || pavRaw === null ? null : wellFormed(clean(String(pavRaw))),
    attributes,
    actionResult: actionResult as Activity['actionResult'],
  };
  const guid = r.marketoGUID;
  if (guid === undefined || guid === null) {
    activity.marketoGUID = contentGuid(activity);
  } else {
    const text = typeof guid === 'number' && Number.isSafeInteger(guid) ? String(guid) : guid;
    if (typeof text === 'string' && SHORT_GUID.test(text)) activity.marketoGUID = text; // canonical already
    else if (typeof text !== 'string' || !/^\d{1,19}$/.test(text) || BigInt(text) > MAX_GUID || BigInt(text) === 0n) {
      return { ok: false, reason: 'marketoGUID must be a positive integer or numeric string of at most 19 digits' };
    } else activity.marketoGUID = BigInt(text).toString();
  }
  return { ok: true, activity, nulBytes };
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
}

function optionalInt(v: unknown): number | null | false {
  if (v === undefined || v === null) return null;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : false;
}

/** Attributes arrive as an object or in the REST form `[{name, value}]`; nulls are left out. */
function readAttributes(raw: unknown, clean: (s: string) => string): string | { error: string } {
  if (raw === undefined || raw === null) return '{}';
  if (isFlatAndClean(raw)) return JSON.stringify(raw);
  const entries: [string, unknown][] = [];
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const name = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).name : undefined;
      if (typeof name !== 'string' || name === '') return { error: 'attributes entries need a non-empty name' };
      entries.push([name, (item as Record<string, unknown>).value]);
    }
  } else if (typeof raw === 'object') {
    entries.push(...Object.entries(raw as Record<string, unknown>));
  } else {
    return { error: 'attributes must be an object or an array of {name, value}' };
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of entries) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') out[clean(name)] = clean(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[clean(name)] = value;
    else out[clean(name)] = deepClean(JSON.parse(JSON.stringify(value)), clean);
  }
  return JSON.stringify(out);
}

/**
 * True for the usual attributes: an object of strings, numbers and booleans, with no NUL and no
 * `__proto__` key. Its JSON is what the general path below writes, without copying the object
 * (that copy was a tenth of an import's time).
 */
function isFlatAndClean(raw: unknown): raw is Record<string, string | number | boolean> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  for (const name in raw) {
    if (!Object.hasOwn(raw, name) || name === '__proto__' || name.includes('\0')) return false;
    const value = (raw as Record<string, unknown>)[name];
    if (typeof value === 'string') {
      if (value.includes('\0')) return false;
    } else if (typeof value !== 'number' && typeof value !== 'boolean') return false;
  }
  return true;
}

// JSON.stringify escapes NUL as \u0000, so nested strings must be cleaned before, not after, it.
function deepClean(v: unknown, clean: (s: string) => string): unknown {
  if (typeof v === 'string') return clean(v);
  if (Array.isArray(v)) return v.map((x) => deepClean(x, clean));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k), deepClean(x, clean)]));
  return v;
}

/**
 * A GUID for records imported without one: 2^52 plus 52 bits of a hash of the content, so it is
 * stable across imports, safe as a JS number, and far above the GUIDs Marketo hands out.
 */
function contentGuid(a: Activity): string {
  const key = JSON.stringify([a.leadId, a.activityDate, a.activityTypeId, a.campaignId, a.primaryAttributeValueId,
    a.primaryAttributeValue, a.attributes, a.actionResult]);
  const h = createHash('sha256').update(key).digest();
  const low52 = BigInt(h.readUIntBE(0, 6)) * 16n + BigInt(h[6]! >> 4);
  return (2n ** 52n + low52).toString();
}
