/**
 * The same data in SQLite and in PostgreSQL gives byte-identical export files (issue 5).
 *
 * One NDJSON file of awkward activities (commas, quotes, CR/LF, tabs, spaces, multi-byte and lone
 * surrogate text, NUL bytes, COPY's own markers `\.` and `\N`, a primaryAttributeValue that is the
 * string "null", empty strings, nulls, GUIDs up to 2^63-1 and without any, a GUID repeated with
 * different values, dates from 0001 to 9999 over month boundaries) and one asset catalog go into
 * both stores through the real `tidemark import`. Two real `tidemark serve` processes, one a store,
 * then run the same jobs: CSV/TSV/SSV, several field sets and header names, and each filter.
 * Every pair of files must be byte-identical, with equal size, record count and checksum, and
 * both must equal the TypeScript formatter (the file format's definition) over the same records.
 *
 * Needs TIDEMARK_TEST_DATABASE_URL (.ci/run sets it). It sets up both stores itself, so it runs
 * once, in the first (SQLite) pass of scripts/run-tests.mjs, not again in the PostgreSQL pass.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { parseActivityRecord, type Activity } from '../../src/domain/activity.js';
import { validateActivityExportRequest, type ExportFilter } from '../../src/domain/export-request.js';
import { formatHeader, formatRow } from '../../src/domain/file-format.js';
import { fileOrder } from '../../src/store/conformance/fixtures.js';
import { dropTestSchema } from '../helpers/harness.js';
import { Api, E2E_STORE, runCli, sha256, startServe, tempDir, type Job } from './cli.js';

const BASE_URL = process.env.TIDEMARK_TEST_DATABASE_URL;
const SKIP = !BASE_URL
  ? 'TIDEMARK_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)'
  : E2E_STORE === 'postgres'
    ? 'runs once, in the SQLite pass: it sets up both stores itself'
    : false;

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** Epoch ms of a UTC date; years 0-99 included (Date.UTC maps those to 19xx). */
function utc(year: number, month: number, day: number, h = 0, m = 0, s = 0): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, m, s, 0);
  return d.getTime();
}

// ------------------------------------------------------------------ the data

const TEXTS = [
  'plain', 'comma, inside', 'quote " inside', '"fully quoted"', '""', 'line\nfeed', 'carriage\rreturn', 'crlf\r\nend\r\n',
  'tab\tinside', '\t', ' leading and trailing ', '   ', ' ', '', 'null', 'NULL', 'Null', '\\.', '\\N', '\\', 'back\\slash\\t',
  'Membré ✓ 日本語 😀', 'family 👨‍👩‍👧 e\u0301', '\uFEFFbom', 'ctrl\u0001\u001b\u007f', '\u2028line sep\u2029', "it's", 'semi;colon|pipe',
  'lone \ud800 surrogate', 'low \udc00 alone', 'nul\u0000byte', 'Trade Show, "Spring"', `${'x,'.repeat(3000)}end`, '=SUM(A1:A2)',
  '{"looks":"like json"}', '00123', '-0', 'a,b\t"c d"\r\ne f',
];
const TYPES = [1, 2, 6, 13, 22, 24, 25, 46, 104, 104, 104];
const PAV_IDS = [1670, 1671, 0, -1, null, 9_007_199_254_740_991, 42];
const CAMPAIGNS = [null, 0, -5, 8497, 9_007_199_254_740_991];
const LEADS = [1, 5414087, 9_007_199_254_740_991, 77];
const RESULTS = [null, 'succeeded', 'skipped', 'failed'];
/** Odd GUIDs, placed at one shared second so their order is checked numerically. */
const ODD_GUIDS = ['9', '10', '99', '100', '101', '2147483648', '9007199254740991', '9007199254740992', '9007199254740993',
  '1234567890123456789', '9223372036854775806', '9223372036854775807', '0000000000000000042'];

function attributesFor(i: number): unknown {
  const s = TEXTS[(i * 7) % TEXTS.length]!;
  switch (i % 6) {
    case 0: return {};
    case 1: return { 'Webpage URL': `/p${i}`, 'Client IP Address': `203.0.113.${i % 250}`, Note: s };
    case 2: return [{ name: 'Old Status', value: s }, { name: 'Gone', value: null }, { name: 'Success', value: i % 4 === 2 }];
    case 3: return { [s || 'empty']: s, Nested: { k: [1, s, null, { deep: 'a,b' }] }, Big: 9007199254740991, Float: 0.1 };
    case 4: return { 'sp ace': ' x ', emoji: '😀', tab: 'a\tb', cr: 'a\rb' };
    default: return undefined;
  }
}

interface Window {
  name: string;
  startMs: number;
  endMs: number;
}

/** Export windows (at most 31 days each), with the data placed around them. */
const WINDOWS: Window[] = [
  { name: 'Jan/Feb 2025 (two partitions)', startMs: utc(2025, 1, 20), endMs: utc(2025, 2, 10) },
  { name: 'leap day 2024', startMs: utc(2024, 2, 20), endMs: utc(2024, 3, 5, 12) },
  { name: 'across 1970-01-01 (negative epoch)', startMs: utc(1969, 12, 25), endMs: utc(1970, 1, 5) },
  { name: 'year 0001 (first allowed)', startMs: utc(1, 1, 1), endMs: utc(1, 1, 20) },
  { name: 'December 9999 (last allowed second)', startMs: utc(9999, 12, 15), endMs: utc(9999, 12, 31, 23, 59, 59) },
];
const PARTITION_EDGE = utc(2025, 2, 1);

/** The NDJSON records: every window gets rows on and just outside its bounds and many inside. */
function records(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let i = 0;
  const add = (activityDate: number, over: Record<string, unknown> = {}) => {
    const rec: Record<string, unknown> = {
      marketoGUID: String(5_000_000 + i), leadId: LEADS[i % LEADS.length], activityDate: iso(activityDate),
      activityTypeId: TYPES[i % TYPES.length], campaignId: CAMPAIGNS[i % CAMPAIGNS.length],
      primaryAttributeValueId: PAV_IDS[i % PAV_IDS.length], primaryAttributeValue: i % 9 === 4 ? null : TEXTS[i % TEXTS.length],
      actionResult: RESULTS[i % RESULTS.length],
    };
    const attributes = attributesFor(i);
    if (attributes !== undefined) rec.attributes = attributes;
    out.push(JSON.parse(JSON.stringify({ ...rec, ...over }))); // as the NDJSON line reads back
    i++;
  };
  for (const w of WINDOWS) {
    const span = w.endMs - w.startMs;
    add(w.startMs);
    add(w.endMs);
    if (w.startMs - 1000 >= utc(1, 1, 1)) add(w.startMs - 1000);
    if (w.endMs + 1000 <= utc(9999, 12, 31, 23, 59, 59)) add(w.endMs + 1000);
    for (let k = 0; k < 1200; k++) add(w.startMs + Math.floor((k * 7919 % 1200) / 1200 * span / 1000) * 1000);
  }
  // Many GUIDs at one second, on a partition edge; a GUID sent twice (the first line wins);
  // lines without a GUID (one is derived from the content); a numeric GUID and text value.
  for (const g of ODD_GUIDS) add(PARTITION_EDGE, { marketoGUID: g, primaryAttributeValue: `guid ${g}` });
  add(PARTITION_EDGE + 5000, { marketoGUID: '777000777', primaryAttributeValue: 'first line wins' });
  for (let k = 0; k < 20; k++) add(PARTITION_EDGE + 6000 + k * 1000);
  add(PARTITION_EDGE + 5000, { marketoGUID: '777000777', primaryAttributeValue: 'second line loses', leadId: 2 });
  for (let k = 0; k < 5; k++) add(PARTITION_EDGE + 7000 + k * 1000, { marketoGUID: undefined });
  add(PARTITION_EDGE + 30_000, { marketoGUID: 888000888, primaryAttributeValue: 12345 });
  return out;
}

/** What both stores must hold: each record, the first line of a repeated GUID; and the NUL bytes stripped. */
function expectedActivities(raw: Record<string, unknown>[]): { data: Activity[]; nulBytes: number } {
  const byGuid = new Map<string, Activity>();
  let nulBytes = 0;
  for (const r of raw) {
    const parsed = parseActivityRecord(r);
    if (!parsed.ok) throw new Error(`test data: ${parsed.reason}: ${JSON.stringify(r)}`);
    nulBytes += parsed.nulBytes;
    if (!byGuid.has(parsed.activity.marketoGUID)) byGuid.set(parsed.activity.marketoGUID, parsed.activity);
  }
  return { data: [...byGuid.values()], nulBytes };
}

const CATALOG = {
  programs: [{ id: 1670, name: 'Trade Show, "Spring"' }, { id: 1671, name: 'Membré ✓ 日本語 😀' }, { id: 5001, name: 'Unused' }],
};

// ------------------------------------------------------------------ the jobs

interface Case {
  label: string;
  body: { format: string; fields?: string[]; columnHeaderNames?: Record<string, string>; filter: Record<string, unknown> };
}

const FIELD_SETS: [string, Pick<Case['body'], 'fields' | 'columnHeaderNames'>][] = [
  ['default fields', {}],
  ['all nine, reordered, renamed headers', {
    fields: ['actionResult', 'attributes', 'primaryAttributeValue', 'activityDate', 'marketoGUID', 'campaignId', 'leadId', 'primaryAttributeValueId', 'activityTypeId'],
    columnHeaderNames: { attributes: 'Attributes, "JSON"', marketoGUID: 'Marketo GUID', leadId: 'lead\tid' },
  }],
  ['primaryAttributeValue alone', { fields: ['primaryAttributeValue'] }],
  ['marketoGUID alone', { fields: ['marketoGUID'] }],
  ['activityDate, attributes, leadId', { fields: ['activityDate', 'attributes', 'leadId'] }],
];

function cases(): Case[] {
  const out: Case[] = [];
  const createdAt = (startMs: number, endMs: number) => ({ startAt: iso(startMs), endAt: iso(endMs) });
  for (const format of ['CSV', 'TSV', 'SSV']) {
    for (const [wi, w] of WINDOWS.entries()) {
      // Every field set on the first window, three on the others.
      for (const [name, fields] of wi === 0 ? FIELD_SETS : FIELD_SETS.slice(0, 3)) {
        out.push({ label: `${format}, ${w.name}, ${name}`, body: { format, ...fields, filter: { createdAt: createdAt(w.startMs, w.endMs) } } });
      }
    }
    const w = WINDOWS[0]!;
    const all = FIELD_SETS[1]![1];
    const filters: [string, Record<string, unknown>][] = [
      ['activityTypeIds', { createdAt: createdAt(w.startMs, w.endMs), activityTypeIds: [1, 104, 46] }],
      ['primaryAttributeValueIds', { createdAt: createdAt(w.startMs, w.endMs), activityTypeIds: [104], primaryAttributeValueIds: [1670, 0, -1] }],
      ['primaryAttributeValues (catalog names, "null", "", CR/LF, \\.)', {
        createdAt: createdAt(w.startMs, w.endMs), activityTypeIds: [104],
        primaryAttributeValues: ['Trade Show, "Spring"', 'Membré ✓ 日本語 😀', 'null', '', 'line\nfeed', '\\.', 'lone \ufffd surrogate'],
      }],
      ['primaryAttributeValues of lists (nothing in the catalog)', { createdAt: createdAt(w.startMs, w.endMs), activityTypeIds: [24, 25], primaryAttributeValues: ['comma, inside', 'tab\tinside'] }],
      ['one second, many GUIDs', { createdAt: createdAt(PARTITION_EDGE, PARTITION_EDGE) }],
      ['bounds with milliseconds', { createdAt: { startAt: new Date(w.startMs + 500).toISOString(), endAt: new Date(w.endMs - 500).toISOString() } }],
      ['nothing selected', { createdAt: createdAt(utc(2030, 6, 1), utc(2030, 6, 2)) }],
    ];
    for (const [name, filter] of filters) out.push({ label: `${format}, filter ${name}`, body: { format, ...all, filter } });
  }
  return out;
}

/** The file the format defines for `body` over `data` (catalog ids resolve like the server's). */
function oracle(data: Activity[], body: Case['body']): { bytes: Buffer; records: number } {
  const request = validateActivityExportRequest(body);
  const f: ExportFilter = request.filter;
  const resolved = f.primaryAttributeValues ? CATALOG.programs.filter((p) => f.primaryAttributeValues!.includes(p.name)).map((p) => p.id) : [];
  const lo = Math.ceil(f.startMs / 1000) * 1000;
  const hi = Math.floor(f.endMs / 1000) * 1000;
  const rows = data.filter((a) => {
    if (a.activityDate < lo || a.activityDate > hi) return false;
    if (f.activityTypeIds && !f.activityTypeIds.includes(a.activityTypeId)) return false;
    if (f.primaryAttributeValueIds && (a.primaryAttributeValueId === null || !f.primaryAttributeValueIds.includes(a.primaryAttributeValueId))) return false;
    if (f.primaryAttributeValues) {
      const byName = a.primaryAttributeValue !== null && f.primaryAttributeValues.includes(a.primaryAttributeValue);
      // Only programs resolve for type 104; list types (24, 25) match by name alone.
      const byId = f.activityTypeIds!.includes(104) && a.primaryAttributeValueId !== null && resolved.includes(a.primaryAttributeValueId);
      if (!byName && !byId) return false;
    }
    return true;
  }).sort(fileOrder);
  return { bytes: Buffer.from(formatHeader(request) + rows.map((a) => formatRow(a, request.fields, request.format)).join(''), 'utf8'), records: rows.length };
}

/** The lines around the first differing byte. */
function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, a.lastIndexOf(10, i - 1) + 1);
  const show = (x: Buffer) => JSON.stringify(x.subarray(from, Math.min(x.length, i + 200)).toString('utf8'));
  return `first difference at byte ${i} of ${a.length}/${b.length}\n  ${show(a)}\n  ${show(b)}`;
}

// ------------------------------------------------------------------ the test

interface Side {
  name: string;
  api: Api;
}

async function runJob(side: Side, c: Case): Promise<{ job: Job; bytes: Buffer }> {
  const env = await side.api.createRaw(c.body);
  assert.equal(env.success, true, `${side.name}, ${c.label}: create ${JSON.stringify(env.errors)}`);
  const id = env.result[0].exportId as string;
  await side.api.enqueue(id);
  const job = await side.api.waitFor(id, ['Completed'], { intervalMs: 50, timeoutMs: 60_000 });
  const file = await side.api.file(id);
  assert.equal(file.status, 200, `${side.name}, ${c.label}: file.json`);
  return { job, bytes: file.bytes };
}

/** Runs `fn` over `items`, `width` at a time. */
async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

async function startSide(t: TestContext, name: string, dir: string, storeArgs: string[], files: { ndjson: string; catalog: string }): Promise<Side & { imported: string }> {
  const cli = async (args: string[]) => {
    const r = await runCli([...args, '--data-dir', dir, ...storeArgs], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `${name}: tidemark ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const imported = await cli(['import', files.ndjson]);
  await cli(['import', '--kind', 'assets', files.catalog]);
  const user = JSON.parse(await cli(['users', 'create', '--name', `${name}@cross-store`, '--role', 'read-only-activity', '--json']));
  const serve = await startServe(t, dir, ['--rate-limit', 'off', '--max-queued', '20', '--max-processing', '4', '--daily-quota-mb', '0', ...storeArgs]);
  return { name, api: await Api.login(serve.url, user.clientId, user.clientSecret), imported };
}

test('the same data exports byte-identical files from SQLite and PostgreSQL', { skip: SKIP, timeout: 240_000 }, async (t) => {
  const sqliteDir = tempDir(t, 'xstore-sqlite');
  const pgDir = tempDir(t, 'xstore-pg');
  const u = new URL(BASE_URL!);
  u.searchParams.set('schema', `xstore_${process.pid}`);
  const pgUrl = u.toString();
  // After tempDir's cleanup (which kills the servers on pgDir), so nothing holds the schema.
  t.after(() => dropTestSchema(pgUrl));

  const raw = records();
  const { data, nulBytes } = expectedActivities(raw);
  assert.ok(nulBytes > 0);
  const files = { ndjson: join(sqliteDir, 'activities.ndjson'), catalog: join(sqliteDir, 'catalog.json') };
  writeFileSync(files.ndjson, raw.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(files.catalog, JSON.stringify(CATALOG));

  const [sqlite, pg] = await Promise.all([
    startSide(t, 'sqlite', sqliteDir, [], files),
    startSide(t, 'postgres', pgDir, ['--database-url', pgUrl], files),
  ]);
  const summary = (s: string) => s.replace(/ in [\d.]+s\n$/, '');
  assert.equal(summary(sqlite.imported), `imported ${data.length} activities, ${raw.length - data.length} already present, ${nulBytes} NUL bytes stripped`);
  assert.equal(summary(pg.imported), summary(sqlite.imported));

  const all = cases();
  let bytesCompared = 0;
  let largest = 0;
  let recordsCompared = 0;
  await pool(all, 6, async (c) => {
    const [a, b] = await Promise.all([runJob(sqlite, c), runJob(pg, c)]);
    const expected = oracle(data, c.body);
    if (!a.bytes.equals(b.bytes)) assert.fail(`${c.label}: SQLite and PostgreSQL files differ\n${firstDifference(a.bytes, b.bytes)}`);
    if (!a.bytes.equals(expected.bytes)) assert.fail(`${c.label}: the files differ from the format's definition\n${firstDifference(a.bytes, expected.bytes)}`);
    for (const [side, r] of [['sqlite', a], ['postgres', b]] as const) {
      assert.equal(r.job.numberOfRecords, expected.records, `${side}, ${c.label}: numberOfRecords`);
      assert.equal(r.job.fileSize, r.bytes.length, `${side}, ${c.label}: fileSize`);
      assert.equal(r.job.fileChecksum, sha256(r.bytes), `${side}, ${c.label}: fileChecksum`);
    }
    assert.equal(a.job.fileChecksum, b.job.fileChecksum, `${c.label}: checksums`);
    bytesCompared += a.bytes.length;
    recordsCompared += expected.records;
    largest = Math.max(largest, a.bytes.length);
  });
  t.diagnostic(`${all.length} jobs on each store, ${recordsCompared} records, ${bytesCompared} bytes compared; largest file ${largest} bytes`);
  // The data reached every corner: files span many COPY chunks, and the special values were exported.
  assert.ok(largest > 256 * 1024, `some file is over 256 KB (${largest})`);
  const text = oracle(data, { format: 'CSV', fields: ['primaryAttributeValue'], filter: { createdAt: { startAt: iso(WINDOWS[0]!.startMs), endAt: iso(WINDOWS[0]!.endMs) } } }).bytes.toString('utf8');
  for (const v of ['\n\\.\n', '\nnull\n', '\n\n', '\n\\N\n', '"line\nfeed"', 'lone \ufffd surrogate', 'nulbyte', 'first line wins']) {
    assert.ok(text.includes(v), `the first window exports ${JSON.stringify(v)}`);
  }
  assert.ok(!text.includes('second line loses'));
});
