import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CsvReader } from './csv.js';
import { readExportRecords, readExportRows, toRow } from './rows.js';

const HEADER = ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult'];

const parse = (text: string, d = ',') => {
  const r = new CsvReader(d);
  return [...r.push(text), ...r.end()];
};

test('toRow: ids are numbers, attributes an object, dates and GUIDs stay text', () => {
  const [rec] = parse('610,5414087,2026-01-15T11:00:00Z,104,8497,1670,MembershipTest1,"{""Old Status"":""Not in Program"",""Success"":false,""Score"":3}",succeeded\n');
  assert.deepEqual(toRow(HEADER, rec!), {
    marketoGUID: '610',
    leadId: 5414087,
    activityDate: '2026-01-15T11:00:00Z',
    activityTypeId: 104,
    campaignId: 8497,
    primaryAttributeValueId: 1670,
    primaryAttributeValue: 'MembershipTest1',
    attributes: { 'Old Status': 'Not in Program', Success: false, Score: 3 },
    actionResult: 'succeeded',
  });
});

test('toRow: the unquoted null literal is null; a quoted "null" is the text null', () => {
  const [rec] = parse('611,1,2026-01-15T11:00:00Z,1,null,null,"null",{},null\n');
  const row = toRow(HEADER, rec!);
  assert.equal(row.campaignId, null);
  assert.equal(row.primaryAttributeValueId, null);
  assert.equal(row.primaryAttributeValue, 'null');
  assert.equal(row.actionResult, null);
  assert.deepEqual(row.attributes, {});
});

test('toRow: a numeric primaryAttributeValue stays text; GUIDs beyond 2^53 are not rounded', () => {
  const [rec] = parse('9223372036854775807,1,2026-01-15T11:00:00Z,22,null,77,0042,{},null\n');
  const row = toRow(HEADER, rec!);
  assert.equal(row.marketoGUID, '9223372036854775807');
  assert.equal(row.primaryAttributeValue, '0042');
  assert.equal(row.primaryAttributeValueId, 77);
});

test('toRow: attributes that are not JSON are kept as text; null attributes are null', () => {
  const [bad] = parse('1,1,2026-01-15T11:00:00Z,1,null,null,x,{not json,null\n');
  assert.equal(toRow(HEADER, bad!).attributes, '{not json');
  const [none] = parse('1,1,2026-01-15T11:00:00Z,1,null,null,x,null,null\n');
  assert.equal(toRow(HEADER, none!).attributes, null);
});

test('toRow: only the header columns are keys, in the header order (fields and renamed columns)', () => {
  const [rec] = parse('"Example, Inc.",12\n');
  const row = toRow(['primaryAttributeValue', 'Lead'], rec!);
  assert.deepEqual(Object.keys(row), ['primaryAttributeValue', 'Lead']);
  assert.equal(row.Lead, '12', 'a renamed id column is not known to be an integer');
});

test('readExportRows streams a file: header, quoted newlines, blank lines skipped, TSV', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-rows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const csv = join(dir, 'a.csv');
  writeFileSync(csv, 'marketoGUID,leadId,primaryAttributeValue,attributes\n1,5,"a\nb","{""Reason"":""x\\ny""}"\n\n2,6,plain,{}\n');
  const rows = [];
  for await (const r of readExportRows(csv, 'CSV')) rows.push(r);
  assert.deepEqual(rows, [
    { marketoGUID: '1', leadId: 5, primaryAttributeValue: 'a\nb', attributes: { Reason: 'x\ny' } },
    { marketoGUID: '2', leadId: 6, primaryAttributeValue: 'plain', attributes: {} },
  ]);

  const tsv = join(dir, 'a.tsv');
  writeFileSync(tsv, 'marketoGUID\tprimaryAttributeValue\n1\tExample, Inc.\n2\t"tab\there"');
  const got = [];
  for await (const r of readExportRows(tsv, 'TSV')) got.push(r);
  assert.deepEqual(got, [{ marketoGUID: '1', primaryAttributeValue: 'Example, Inc.' }, { marketoGUID: '2', primaryAttributeValue: 'tab\there' }]);

  const headerOnly = join(dir, 'empty.csv');
  writeFileSync(headerOnly, 'marketoGUID,leadId\n');
  const recs = [];
  for await (const r of readExportRecords(headerOnly)) recs.push(r);
  assert.deepEqual(recs, []);
});

test('readExportRecords keeps the raw text of every record and the header', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-rows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'a.csv');
  // Large enough to cross the reader's 1 MiB chunks, with multi-byte characters everywhere.
  const body = Array.from({ length: 30_000 }, (_, i) => `${i},"Ünïcødé, ${i} 😀","{""k"":""v\n${i}""}"\n`).join('');
  const text = 'marketoGUID,primaryAttributeValue,attributes\n' + body;
  writeFileSync(file, text);
  let raw = '';
  let headerRaw = '';
  let n = 0;
  for await (const r of readExportRecords(file)) {
    headerRaw = r.headerRaw;
    raw += r.record.raw;
    assert.equal(r.record.fields[0], String(n));
    n++;
  }
  assert.equal(n, 30_000);
  assert.equal(headerRaw + raw, text);
});
