/**
 * Issue 3, done-when 1: on the demo data set, the seed's workflow works over HTTP. Look an asset up
 * by name, take its id, export with `primaryAttributeValueIds: [id]`, and export again with
 * `primaryAttributeValues: [<qualified name>]`: the two files are byte-identical and not empty.
 * Forms (type 2), static lists (24, 25), programs (104) and lead fields (13, 22).
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL (see storeTarget for the CLI's side).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMarketoDate } from '../../src/domain/dates.js';
import { ensureDemoUser, todayUtc, writeDemo } from '../../src/demo/seed.js';
import { activity, T0, type Harness } from '../helpers/harness.js';
import { DAY, dataLines, exportBody, harness, runExport } from './helpers.js';

const END_MS = todayUtc(T0);
const START = formatMarketoDate(END_MS - 30 * DAY);
const END = formatMarketoDate(END_MS);

async function demoHarness(t: Parameters<typeof harness>[0]): Promise<{ h: Harness; token: string }> {
  const h = await harness(t);
  const written = (await writeDemo(h.store, { days: 30, activitiesPerDay: 800, seed: 1, endMs: END_MS })).activities;
  assert.ok(written > 20_000, `the demo wrote ${written} activities`);
  await ensureDemoUser(h.store, h.clock.now());
  // The demo user's role: read-write-activity, read-only-assets, read-only-lead.
  const r = await h.call('/identity/oauth/token?grant_type=client_credentials&client_id=tidemark-demo&client_secret=tidemark-demo-secret');
  const token = ((await r.json()) as { access_token: string }).access_token;
  assert.ok(token);
  return { h, token };
}

/** Exports by id and by name; asserts the files are identical, non-empty and hold only that asset. */
async function sameExport(h: Harness, token: string, types: number[], id: number, name: string, pavColumn: string): Promise<string[]> {
  const byId = await runExport(h, token, exportBody(START, END, { activityTypeIds: types, primaryAttributeValueIds: [id] }));
  const byName = await runExport(h, token, exportBody(START, END, { activityTypeIds: types, primaryAttributeValues: [name] }));
  assert.ok(byId.numberOfRecords > 0, `no ${types.join('/')} activities for ${name} (${id})`);
  assert.equal(byName.numberOfRecords, byId.numberOfRecords);
  assert.ok(byName.bytes.equals(byId.bytes), `filtering by '${name}' and by ${id} differ`);
  assert.equal(byName.fileChecksum, byId.fileChecksum);
  const lines = dataLines(byId.text);
  assert.equal(lines.length, byId.numberOfRecords);
  for (const line of lines) {
    const cols = line.split(',');
    assert.ok(types.includes(Number(cols[3])), `row of type ${cols[3]}: ${line}`);
    assert.equal(cols[5], String(id), `row with another primaryAttributeValueId: ${line}`);
    assert.equal(cols[6], pavColumn);
  }
  return lines;
}

test('seed workflow: form byName -> id -> Fill Out Form export equals the <program>.<form> name export', async (t) => {
  const { h, token } = await demoHarness(t);
  const look = await h.json(`/rest/asset/v1/form/byName.json?name=${encodeURIComponent('MPS Outbound')}`, { token });
  assert.equal(look.success, true);
  assert.equal(look.result.length, 1);
  const form = look.result[0];
  assert.equal(form.name, 'MPS Outbound');
  assert.deepEqual(form.folder, { id: 1001, type: 'Program' });
  // The form's program, found by the folder id, gives the qualified name's first part.
  const program = (await h.json(`/rest/asset/v1/program/${form.folder.id}.json`, { token })).result[0];
  const qualified = `${program.name}.${form.name}`;
  assert.equal(qualified, 'GL_OP_ALL_2026.MPS Outbound');
  await sameExport(h, token, [2], form.id, qualified, qualified);

  // And a different form gives different rows: the filter really selects.
  const other = (await h.json('/rest/asset/v1/form/byName.json?name=Registration', { token })).result[0];
  const a = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValueIds: [form.id] }));
  const b = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValueIds: [other.id] }));
  const all = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2] }));
  assert.ok(b.numberOfRecords > 0);
  assert.ok(a.numberOfRecords + b.numberOfRecords < all.numberOfRecords, 'three demo forms share the Fill Out Form rows');
  const aLines = new Set(dataLines(a.text));
  for (const line of dataLines(b.text)) assert.ok(!aLines.has(line));
});

test('seed workflow: static lists (types 24 and 25), in a program and in a folder', async (t) => {
  const { h, token } = await demoHarness(t);
  const list = (await h.json('/rest/asset/v1/staticList/byName.json?name=Newsletter', { token })).result[0];
  assert.deepEqual(list.folder, { id: 1001, type: 'Program' });
  const lines = await sameExport(h, token, [24, 25], list.id, 'GL_OP_ALL_2026.Newsletter', 'GL_OP_ALL_2026.Newsletter');
  const types = new Set(lines.map((l) => l.split(',')[3]));
  assert.deepEqual([...types].sort(), ['24', '25'], 'both Add to List and Remove from List rows');

  // A list in a plain folder is named by its bare name.
  const dnc = (await h.json(`/rest/asset/v1/staticList/byName.json?name=${encodeURIComponent('Do Not Call')}`, { token })).result[0];
  assert.deepEqual(dnc.folder, { id: 14, type: 'Folder' });
  await sameExport(h, token, [24, 25], dnc.id, 'Do Not Call', 'Do Not Call');
});

test('seed workflow: a program (type 104) by its name', async (t) => {
  const { h, token } = await demoHarness(t);
  const name = 'Webinar - Data Pipelines';
  const program = (await h.json(`/rest/asset/v1/program/byName.json?name=${encodeURIComponent(name)}`, { token })).result[0];
  assert.equal(program.name, name);
  const lines = await sameExport(h, token, [104], program.id, name, name);
  // Change Status in Progression carries its program member attributes.
  for (const line of lines) assert.match(line, /Program Member ID.*New Status/);
});

test('seed workflow: lead fields (types 13 and 22) by display name from leads/describe.json', async (t) => {
  const { h, token } = await demoHarness(t);
  const describe = await h.json('/rest/v1/leads/describe.json', { token });
  assert.equal(describe.success, true);
  const byName = new Map<string, number>(describe.result.map((f: { displayName: string; id: number }) => [f.displayName, f.id]));
  const status = byName.get('Lead Status');
  const score = byName.get('Lead Score');
  assert.equal(typeof status, 'number');
  assert.equal(typeof score, 'number');
  await sameExport(h, token, [13], status!, 'Lead Status', 'Lead Status');
  await sameExport(h, token, [22], score!, 'Lead Score', 'Lead Score');
  await sameExport(h, token, [13, 22], score!, 'Lead Score', 'Lead Score');
});

test('a name resolves through the catalog to activities whose stored value is different (the bare form name)', async (t) => {
  const { h, token } = await demoHarness(t);
  // As Marketo stores it: the form's own name, not the qualified one; and an unrelated form with
  // the same bare name in no catalog program.
  const at = END_MS - 2 * DAY;
  await h.store.importActivities([
    activity({ marketoGUID: '900000001', activityTypeId: 2, activityDate: at, primaryAttributeValueId: 2001, primaryAttributeValue: 'MPS Outbound' }),
    activity({ marketoGUID: '900000002', activityTypeId: 2, activityDate: at, primaryAttributeValueId: 9999, primaryAttributeValue: 'Elsewhere' }),
  ]);
  const byName = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValues: ['GL_OP_ALL_2026.MPS Outbound'] }));
  const byId = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValueIds: [2001] }));
  assert.ok(byName.bytes.equals(byId.bytes));
  assert.match(byName.text, /\n900000001,/);
  assert.doesNotMatch(byName.text, /900000002/);
  // The stored value matches too (no catalog entry needed), and names are case-sensitive.
  const stored = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValues: ['Elsewhere'] }));
  assert.equal(stored.numberOfRecords, 1);
  assert.match(stored.text, /\n900000002,/);
  const caseDiffers = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValues: ['gl_op_all_2026.mps outbound'] }));
  assert.equal(caseDiffers.numberOfRecords, 0);
  // A name resolves within the types' asset group only: a program name does not select forms.
  const wrongGroup = await runExport(h, token, exportBody(START, END, { activityTypeIds: [2], primaryAttributeValues: ['GL_OP_ALL_2026'] }));
  assert.equal(wrongGroup.numberOfRecords, 0);
});
