/**
 * Issue 3, done-when 2: an export file produced by Tidemark, imported into a FRESH store with the
 * real `tidemark import FILE` and exported again with the same filter, is byte-identical. CSV, TSV
 * and SSV, with and without the actionResult column, over values that need quoting (delimiters,
 * quotes, CR/LF), unicode, nulls and NUL bytes, first loaded through NDJSON.
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL (see storeTarget for the CLI's side).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { CsvReader } from '@tidemark/client/internal';
import { ensureDemoUser, writeDemo } from '../../src/demo/seed.js';
import type { Config } from '../../src/config/config.js';
import type { Harness } from '../helpers/harness.js';
import { cli, cliOk, DAY, exportBody, harness, runExport, storeTarget } from './helpers.js';

const START = '2026-01-01T00:00:00Z';
const END = '2026-01-15T00:00:00Z';
const DEFAULT_FIELDS = ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId',
  'primaryAttributeValue', 'attributes'];

/** NDJSON records whose values exercise the file format. */
const TRICKY: Record<string, unknown>[] = [
  { marketoGUID: '10', leadId: 1001, activityDate: '2026-01-10T10:00:00Z', activityTypeId: 104, campaignId: 8497, primaryAttributeValueId: 1670,
    primaryAttributeValue: 'Acme, Inc. "Spring" Webinar', actionResult: 'succeeded',
    attributes: { Reason: 'Changed by Smart Campaign, action "Change Data Value"', 'Program Member ID': 3240303, 'Acquired By': true, 'Old Status': 'Not in Program' } },
  // Same second as GUID 10: numeric order puts 9 first.
  { marketoGUID: '9', leadId: 1002, activityDate: '2026-01-10T10:00:00Z', activityTypeId: 1, campaignId: null, primaryAttributeValueId: null,
    primaryAttributeValue: 'line one\nline two', actionResult: null, attributes: { 'Webpage URL': '/a,b', 'Query Parameters': 'q=1&r="2"' } },
  { marketoGUID: '11', leadId: 1003, activityDate: '2026-01-10T11:00:00Z', activityTypeId: 2, campaignId: 8000, primaryAttributeValueId: 2001,
    primaryAttributeValue: 'crlf\r\nand lone\rcr', actionResult: 'skipped',
    attributes: { 'Form Fields': JSON.stringify({ Email: 'a@example.com', Company: 'Example, Inc.', Note: 'two\nlines' }), 'Client IP Address': '203.0.113.7' } },
  { marketoGUID: '12', leadId: 1004, activityDate: '2026-01-11T00:00:00Z', activityTypeId: 46, campaignId: 1, primaryAttributeValueId: 5,
    primaryAttributeValue: 'Café – 東京 🚀 naïve', actionResult: 'failed',
    attributes: { Description: 'Ünïcödé ☃ 𝄞 and emoji 🎉', Path: 'C:\\temp\\new', Tab: 'a\tb', Empty: '', Zero: 0, Negative: -3, Ratio: 12.5, No: false } },
  { marketoGUID: '13', leadId: 1005, activityDate: '2026-01-11T00:00:01Z', activityTypeId: 12, campaignId: null, primaryAttributeValueId: null,
    primaryAttributeValue: null, actionResult: null, attributes: {} },
  { marketoGUID: '14', leadId: 1006, activityDate: '2026-01-12T09:30:00Z', activityTypeId: 13, campaignId: 8001, primaryAttributeValueId: 41,
    primaryAttributeValue: '  spaces around  ', actionResult: 'succeeded', attributes: { 'New Value': 'tab\there', 'Old Value': 'semi;colon', Nested: { list: [1, 'two', null, { three: 3 }] } } },
  { marketoGUID: '15', leadId: 1007, activityDate: '2026-01-12T09:30:00Z', activityTypeId: 24, campaignId: 8002, primaryAttributeValueId: 3001,
    primaryAttributeValue: 'tab\tin value', actionResult: 'succeeded', attributes: { Source: 'NUL\u0000stripped', Gone: null } },
  { marketoGUID: '9223372036854775807', leadId: 2147483647, activityDate: '2026-01-13T23:59:59Z', activityTypeId: 22, campaignId: 0,
    primaryAttributeValueId: 60, primaryAttributeValue: '', actionResult: 'succeeded', attributes: { 'Change Value': '+5', 'New Value': 10, 'Old Value': 5 } },
  { marketoGUID: '16', leadId: 1008, activityDate: '2026-01-14T00:00:00Z', activityTypeId: 7, campaignId: 8003, primaryAttributeValueId: 5001,
    primaryAttributeValue: 'He said ""quoted"" twice', actionResult: 'succeeded', attributes: { '2': 'integer-like key', b: 'after it', 'key, with "quotes"': 'v' } },
  { marketoGUID: '17', leadId: 1009, activityDate: '2026-01-14T01:00:00Z', activityTypeId: 6, campaignId: 8004, primaryAttributeValueId: 5002,
    primaryAttributeValue: 'null', actionResult: 'succeeded', attributes: { Literal: 'null' } },
];

/** A harness on a store the CLI wrote. */
async function serve(t: TestContext, config: Partial<Config>): Promise<{ h: Harness; token: string }> {
  const h = await harness(t, config);
  return { h, token: await h.token('read-only-activity') };
}

/** Imports `file` into a fresh data dir with the real CLI and exports it again with `body`. */
async function reimportAndExport(t: TestContext, file: string, body: Record<string, unknown>): Promise<Buffer> {
  const fresh = storeTarget(t, 'fresh');
  const run = await cliOk(['import', file, ...fresh.args]);
  assert.match(run.stdout, /imported \d+ activities, 0 already present/);
  const { h, token } = await serve(t, fresh.config);
  return (await runExport(h, token, body)).bytes;
}

test('round trip: tricky values through CSV, TSV and SSV, with and without actionResult, are byte-identical', async (t) => {
  const target = storeTarget(t, 'source');
  const dir = target.dir;
  const ndjson = join(dir, 'tricky.ndjson');
  writeFileSync(ndjson, TRICKY.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const loaded = await cliOk(['import', ndjson, ...target.args]);
  assert.match(loaded.stdout, new RegExp(`imported ${TRICKY.length} activities, 0 already present, 1 NUL bytes stripped`));
  const { h, token } = await serve(t, target.config);

  for (const format of ['CSV', 'TSV', 'SSV'] as const) {
    for (const fields of [undefined, [...DEFAULT_FIELDS, 'actionResult']]) {
      const body = exportBody(START, END, {}, { format, ...(fields ? { fields } : {}) });
      const first = await runExport(h, token, body);
      assert.equal(first.numberOfRecords, TRICKY.length);
      // The file really holds the tricky values: parse it back and compare with the input.
      const delimiter = { CSV: ',', TSV: '\t', SSV: ' ' }[format];
      const reader = new CsvReader(delimiter);
      const records = [...reader.push(first.text), ...reader.end()];
      const header = records[0]!.fields;
      assert.deepEqual(header, fields ?? DEFAULT_FIELDS);
      const byGuid = new Map(records.slice(1).map((r) => [r.fields[0], r]));
      assert.equal(byGuid.size, TRICKY.length);
      assert.deepEqual(records.slice(1, 3).map((r) => r.fields[0]), ['9', '10'], 'same second: numeric GUID order');
      for (const input of TRICKY) {
        const rec = byGuid.get(input.marketoGUID as string)!;
        const pav = input.primaryAttributeValue as string | null;
        assert.equal(rec.fields[6], pav === null ? 'null' : pav, `${format} pav of ${String(input.marketoGUID)}`);
        if (pav === null) assert.equal(rec.quoted[6], false, 'null is written unquoted');
        const attrs = JSON.parse(rec.fields[7]!);
        const expected = Object.fromEntries(Object.entries(input.attributes as object).filter(([, v]) => v !== null)
          .map(([k, v]) => [k, typeof v === 'string' ? v.replaceAll('\0', '') : v]));
        assert.deepEqual(attrs, expected);
        if (fields) assert.equal(rec.fields[8], (input.actionResult as string | null) ?? 'null');
      }
      assert.ok(!first.text.includes('\0'), 'no NUL byte in the file');

      const file = join(dir, `export-${format}-${fields ? 'ar' : 'default'}.${format.toLowerCase()}`);
      writeFileSync(file, first.bytes);
      const second = await reimportAndExport(t, file, body);
      assert.ok(second.equals(first.bytes),
        `${format}${fields ? ' with actionResult' : ''} differs after the round trip:\n${first.text}\n---\n${second.toString('utf8')}`);
    }
  }
});

test('round trip: a demo export (realistic volume and shapes) re-imported and exported again is byte-identical', async (t) => {
  const target = storeTarget(t, 'demo');
  const dir = target.dir;
  const { h, token } = await serve(t, target.config);
  const endMs = Date.UTC(2026, 0, 15);
  await writeDemo(h.store, { days: 3, activitiesPerDay: 1500, seed: 7, endMs });
  await ensureDemoUser(h.store, h.clock.now());
  const start = new Date(endMs - 3 * DAY).toISOString();
  const end = new Date(endMs).toISOString();
  const body = exportBody(start, end, {}, { format: 'TSV', fields: [...DEFAULT_FIELDS, 'actionResult'] });
  const first = await runExport(h, token, body);
  assert.ok(first.numberOfRecords > 3000);
  const file = join(dir, 'demo.tsv');
  writeFileSync(file, first.bytes);
  const second = await reimportAndExport(t, file, body);
  assert.ok(second.equals(first.bytes), 'the demo TSV differs after the round trip');
});

test('round trip: a reordered subset of columns (with marketoGUID) survives too', async (t) => {
  const target = storeTarget(t, 'reordered');
  const dir = target.dir;
  const ndjson = join(dir, 'tricky.ndjson');
  writeFileSync(ndjson, TRICKY.map((r) => JSON.stringify(r)).join('\n') + '\n');
  await cliOk(['import', ndjson, ...target.args]);
  const { h, token } = await serve(t, target.config);
  const body = exportBody(START, END, {}, { format: 'CSV', fields: ['activityDate', 'actionResult', 'primaryAttributeValue', 'marketoGUID', 'activityTypeId', 'attributes', 'leadId'] });
  const first = await runExport(h, token, body);
  assert.ok(first.text.startsWith('activityDate,actionResult,primaryAttributeValue,marketoGUID,activityTypeId,attributes,leadId\n'));
  const file = join(dir, 'reordered.csv');
  writeFileSync(file, first.bytes);
  assert.ok((await reimportAndExport(t, file, body)).equals(first.bytes));
});

test('import of a file as Marketo writes it (the documented sample, CRLF, no final line end) exports the same rows', async (t) => {
  const target = storeTarget(t, 'marketo');
  const dir = target.dir;
  const header = DEFAULT_FIELDS.join(',');
  const rows = [
    '783957693,5414087,2022-02-13T14:06:20Z,104,8497,1670,MembershipTest1,"{""Reason"":""Changed by Smart Campaign 1234.Smart Campaign action Change Data Value"",""Program Member ID"":3240303,""Acquired By"":true,""Old Status"":""Not in Program"",""New Status ID"":21,""Success"":false,""New Status"":""On List"",""Old Status ID"":20}"',
    '783957694,5414088,2022-02-13T14:07:00Z,1,null,null,www.example.com/pricing,"{""Webpage URL"":""/pricing"",""Client IP Address"":""203.0.113.9""}"',
  ];
  const file = join(dir, 'marketo.csv');
  writeFileSync(file, [header, ...rows].join('\r\n'));
  await cliOk(['import', file, ...target.args]);
  const { h, token } = await serve(t, target.config);
  const out = await runExport(h, token, exportBody('2022-02-13T00:00:00Z', '2022-02-14T00:00:00Z'));
  assert.equal(out.text, [header, ...rows].join('\n') + '\n');
});

test('import of an export file: a broken file imports nothing and says which line', async (t) => {
  const target = storeTarget(t, 'broken');
  const dir = target.dir;
  const file = join(dir, 'broken.csv');
  writeFileSync(file, [
    DEFAULT_FIELDS.join(','),
    '1,1001,2026-01-10T10:00:00Z,1,null,null,/a,{}',
    '2,1001,2026-01-10T10:00:01Z,1,null,null,/b,{not json',
    '',
  ].join('\n'));
  const r = await cli(['import', file, ...target.args]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /line 3: attributes is not a JSON object/);
  assert.match(r.stderr, /nothing imported/);
  const { h } = await serve(t, target.config);
  assert.equal(await h.store.countActivities(), 0);
});
