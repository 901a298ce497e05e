/** Builders and data sets shared by the store conformance cases. */
import type { Activity } from '../../domain/activity.js';
import { DEFAULT_FIELDS, type ActivityExportRequest, type ExportField, type ExportFilter } from '../../domain/export-request.js';
import type { JobRecord } from '../../domain/job.js';
import assert from 'node:assert/strict';
import type { ExportRequest } from '../../domain/export-kind.js';
import type { ApiUser, Store } from '../store.js';

export const T0 = Date.parse('2026-01-15T00:00:00Z');
export const SECOND = 1000;

/** A filter that selects every activity the data sets hold (stores do not enforce the 31-day span). */
export const EVERYTHING: ExportFilter = { startMs: Date.parse('1970-01-01T00:00:00Z'), endMs: Date.parse('9999-12-31T23:59:59Z') };

let guidSeq = 1_000;

/** An activity with plain values; GUIDs count up unless given. */
export function activity(over: Partial<Activity> = {}): Activity {
  return {
    marketoGUID: String(guidSeq++), leadId: 5414087, activityDate: T0, activityTypeId: 104, campaignId: 8497,
    primaryAttributeValueId: 1670, primaryAttributeValue: 'MembershipTest1',
    attributes: '{"Old Status":"Not in Program","Success":false}', actionResult: 'succeeded', ...over,
  };
}

export function request(filter: ExportFilter, fields: readonly ExportField[] = DEFAULT_FIELDS, format: ActivityExportRequest['format'] = 'CSV'): ActivityExportRequest {
  return { kind: 'activities', format, fields: [...fields], columnHeaderNames: {}, filter };
}

export function job(exportId: string, over: Partial<JobRecord> = {}): JobRecord {
  return {
    exportId, owner: 'client-a', format: 'CSV', status: 'Created', request: request({ startMs: T0, endMs: T0 + 86_400_000 }),
    createdAt: T0, ...over,
  };
}

export function user(clientId: string, over: Partial<ApiUser> = {}): ApiUser {
  return { clientId, name: `user ${clientId}`, role: 'read-only-activity', secretHash: `scrypt$16384$salt$${clientId}`, disabled: false, createdAt: T0, ...over };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An export's lines built run by run (`exportRuns`), as export workers and their helpers build them. */
export async function linesByRuns(store: Store, r: ExportRequest, rowsPerRun: number): Promise<{ bytes: Buffer; rows: number; runs: number }> {
  const chunks = [];
  let runs = 0;
  for await (const run of store.exportRuns(r, rowsPerRun)) {
    const part = await collect(store.exportLines(r, run));
    if (run.maxRows !== undefined) assert.ok(part.reduce((n, c) => n + c.rows, 0) <= run.maxRows, 'a run holds at most maxRows');
    chunks.push(...part);
    runs++;
  }
  return { bytes: Buffer.concat(chunks.map((c) => c.bytes)), rows: chunks.reduce((n, c) => n + c.rows, 0), runs };
}

/** File order: activityDate, then marketoGUID as a number. */
export function fileOrder(a: Activity, b: Activity): number {
  if (a.activityDate !== b.activityDate) return a.activityDate - b.activityDate;
  const x = BigInt(a.marketoGUID), y = BigInt(b.marketoGUID);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** mulberry32: a small seeded PRNG, so the generated data set is the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values chosen to break quoting, encoding and null handling. */
export const TRICKY_STRINGS = [
  'Webinar, Q1', 'The "Big" Event', '"', '""', 'a\tb', ' leading and trailing ', ' ', ',', '\t', 'line\nbreak',
  'carriage\rreturn', 'crlf\r\nline2\r\n', '\n', '\r', 'Ünïcødé — 日本語 中文 한국어', 'emoji 😀🎉 and family 👨‍👩‍👧', 'e\u0301 combining',
  'שלום עולם', '\u2028line separator\u2029', '', 'null', 'NULL', '00123', '1e3', '-0', ' 42', 'C:\\path\\to\\file', "it's",
  '\u0001\u001f\u007f\u000b\u000c', 'a,b\t"c d"\r\ne',
  '\\.', '\\N', '\\', '\\t', '.', `${'x,'.repeat(5000)}end`, '{"looks":"like json"}', '=SUM(A1:A2)',
];

const GUIDS = [
  '1', '2', '9', '10', '11', '99', '100', '101', '999', '1000000', '783957693', '2147483648', '4294967296',
  '9007199254740991', '9007199254740992', '9007199254740993', '1234567890123456789', '9223372036854775806', '9223372036854775807',
];

/** The tricky data set: every awkward value in every column, GUIDs of many lengths, shared dates. */
export function trickyActivities(): Activity[] {
  const out: Activity[] = [];
  let n = 0;
  const dates = [Date.parse('1970-01-01T00:00:00Z'), T0, T0, T0 + SECOND, T0 + 59 * SECOND, Date.parse('2040-02-29T23:59:59Z'), Date.parse('9999-12-31T23:59:59Z')];
  const add = (over: Partial<Activity>): void => {
    out.push(activity({ marketoGUID: String(50_000 + n), activityDate: dates[n % dates.length]!, ...over }));
    n++;
  };
  for (const s of TRICKY_STRINGS) {
    add({ primaryAttributeValue: s });
    add({ attributes: JSON.stringify({ [s || 'empty']: s, 'Form Fields': JSON.stringify({ v: s, list: [s, 1] }) }) });
  }
  add({ campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}', actionResult: null });
  add({ campaignId: null });
  add({ primaryAttributeValueId: null, primaryAttributeValue: '' });
  add({ actionResult: null, attributes: '{}' });
  add({ actionResult: 'skipped' });
  add({ actionResult: 'failed' });
  add({ leadId: Number.MAX_SAFE_INTEGER, campaignId: 2 ** 31, primaryAttributeValueId: Number.MAX_SAFE_INTEGER, activityTypeId: 2 ** 31 - 1 });
  add({ campaignId: 0, primaryAttributeValueId: 0 });
  add({ campaignId: -1, primaryAttributeValueId: -42 });
  add({ attributes: JSON.stringify({ Nested: { k: [1, 'two', null, { deep: 'a,b' }] }, Big: 9007199254740991, Float: 0.1, Neg: -1e-7, Bool: true }) });
  add({ attributes: '{"Query Parameters":"a=1&b=2","Referrer URL":"https://example.com/p?x=\\"y\\"","Client IP Address":"10.0.0.1"}' });
  // The same instant for many GUIDs, so order within a second is numeric (99 before 100, not after).
  for (const marketoGUID of GUIDS) out.push(activity({ marketoGUID, activityDate: T0 + 30 * SECOND, primaryAttributeValue: `guid ${marketoGUID}` }));
  return out;
}

/** A generated data set of `count` activities over three days, deterministic for a seed. */
export function randomActivities(count: number, seed: number): Activity[] {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const text = (): string => {
    const r = rnd();
    if (r < 0.4) return pick(TRICKY_STRINGS);
    if (r < 0.7) return `${pick(['Webinar', 'List', 'Form', 'Program'])} ${int(1000)}${pick(['', ',', ' ', '"', '\t', '\n', 'é', '😀'])}`;
    return Array.from({ length: int(12) }, () => pick(['a', 'Z', ' ', ',', '"', '\t', '\r', '\n', 'ü', '中', '😀', '\\', '0'])).join('');
  };
  const guids = new Set<string>();
  const out: Activity[] = [];
  while (out.length < count) {
    const guid = rnd() < 0.05 ? String(BigInt(int(2 ** 30)) * BigInt(int(2 ** 30)) + BigInt(int(2 ** 30)) + 1n) : String(1 + int(5_000_000));
    if (guids.has(guid)) continue;
    guids.add(guid);
    const attributes: Record<string, unknown> = {};
    for (let i = int(4); i > 0; i--) attributes[pick(['Reason', 'Source', 'New Value', 'Old Value', text()])] = rnd() < 0.5 ? text() : int(1e6);
    out.push({
      marketoGUID: guid, leadId: 1 + int(1e7), activityDate: T0 + int(rnd() < 0.5 ? 600 : 3 * 86_400) * SECOND, // half in ten minutes: many ties
      activityTypeId: pick([1, 2, 6, 7, 10, 11, 12, 13, 22, 24, 25, 46, 104]),
      campaignId: rnd() < 0.3 ? null : int(1e5), primaryAttributeValueId: rnd() < 0.2 ? null : int(2000),
      primaryAttributeValue: rnd() < 0.2 ? null : text(), attributes: JSON.stringify(attributes),
      actionResult: pick([null, 'succeeded', 'skipped', 'failed'] as const),
    });
  }
  return out;
}
