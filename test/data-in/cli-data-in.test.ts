/**
 * Issue 3 through the real CLI: `tidemark import --kind assets FILE.json` (loads a catalog, prints a
 * summary, the look-ups then return it; a bad catalog exits non-zero, says why and loads nothing),
 * `tidemark demo` followed by the seed's workflow over HTTP, and `tidemark demo` reproducibility.
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL (see storeTarget for the CLI's side).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { ASSET_KINDS } from '../../src/domain/assets.js';
import type { Config } from '../../src/config/config.js';
import type { Harness } from '../helpers/harness.js';
import { cli, cliOk, dataLines, exportBody, harness, runExport, storeTarget } from './helpers.js';

const CATALOG = {
  programs: [
    { id: 5001, name: 'EV_2026_Summit', description: 'Annual summit', type: 'event', channel: 'Tradeshow', status: 'on',
      folder: { id: 40, type: 'Folder' }, workspace: 'EMEA', createdAt: '2025-11-02T08:00:00Z', updatedAt: '2025-12-01T09:30:00Z',
      tags: [{ tagType: 'Region', tagValue: 'EMEA' }], costs: [{ startDate: '2026-01-01', cost: 5000, note: 'Venue' }] },
    { id: 5002, name: 'Nurture Q1' },
  ],
  staticLists: [
    { id: 6001, name: 'Attendees', folder: { id: 5001, type: 'Program' }, description: 'Who came' },
    { id: 6002, name: 'Global Suppression', folder: { id: 41, type: 'Folder' } },
  ],
  forms: [
    { id: 7001, name: 'Summit Registration', folder: { id: 5001, type: 'Program' }, status: 'draft', language: 'English' },
    { id: 7002, name: 'Contact Us' },
  ],
  leadFields: [
    { id: 101, displayName: 'Preferred Language', dataType: 'string' },
    { id: 102, displayName: 'Annual Revenue', dataType: 'currency', rest: { name: 'annualRevenue', readOnly: true }, soap: { name: 'AnnualRevenue', readOnly: true } },
  ],
};

async function serve(t: TestContext, config: Partial<Config>): Promise<{ h: Harness; token: string }> {
  const h = await harness(t, config);
  return { h, token: await h.token('read-only-assets,read-only-lead,read-only-activity') };
}

async function assetCount(h: Harness): Promise<number> {
  let n = 0;
  for (const kind of ASSET_KINDS) n += (await h.store.listAssets(kind)).length;
  return n;
}

test('import --kind assets: loads the catalog, prints a summary, and the look-ups return it', async (t) => {
  const target = storeTarget(t, 'assets');
  const dir = target.dir;
  const file = join(dir, 'catalog.json');
  writeFileSync(file, JSON.stringify(CATALOG, null, 2));
  const run = await cliOk(['import', '--kind', 'assets', file, ...target.args]);
  assert.equal(run.stdout, 'imported asset catalog: 2 programs, 2 staticLists, 2 forms, 2 leadFields, 0 campaigns, 0 smartLists, 0 programMemberFields\n');

  const { h, token } = await serve(t, target.config);
  const program = (await h.json('/rest/asset/v1/program/byName.json?name=EV_2026_Summit&includeTags=true&includeCosts=true', { token })).result;
  // The Asset API's program shape: the swagger's `event` reads as Event, dates end in Z+0000.
  assert.deepEqual(program, [{
    id: 5001, name: 'EV_2026_Summit', description: 'Annual summit', createdAt: '2025-11-02T08:00:00Z+0000', updatedAt: '2025-12-01T09:30:00Z+0000',
    url: 'https://app.tidemark.local/#ME5001A1', type: 'Event', channel: 'Tradeshow', folder: { type: 'Folder', value: 40, folderName: 'Marketing Activities' },
    status: 'on', workspace: 'EMEA', tags: [{ tagType: 'Region', tagValue: 'EMEA' }], costs: [{ startDate: '2026-01-01', cost: 5000, note: 'Venue' }],
  }]);
  // Defaults for what the file leaves out.
  const bare = (await h.json('/rest/asset/v1/program/5002.json', { token })).result[0];
  assert.equal(bare.description, '');
  assert.equal(bare.type, 'Default');
  assert.equal(bare.workspace, 'Default');
  assert.deepEqual(bare.folder, { type: 'Folder', value: 1, folderName: 'Marketing Activities' });
  assert.deepEqual([bare.tags, bare.costs], [null, null]);
  assert.match(bare.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\+0000$/);

  const form = (await h.json('/rest/asset/v1/form/byName.json?name=Summit%20Registration', { token })).result[0];
  assert.equal(form.id, 7001);
  assert.equal(form.status, 'draft');
  assert.equal(form.language, 'English', 'keys the file adds are passed through');
  assert.deepEqual(form.folder, { id: 5001, type: 'Program' });
  const contact = (await h.json('/rest/asset/v1/form/7002.json', { token })).result[0];
  assert.equal(contact.status, 'approved');
  const list = (await h.json('/rest/asset/v1/staticList/6001.json', { token })).result[0];
  assert.equal(list.description, 'Who came');

  // The lead schema: the standard fields, the catalog's custom field, and its annualRevenue replacing the standard one.
  const fields = (await h.json('/rest/v1/leads/describe.json', { token })).result;
  assert.equal(fields.length, 92);
  assert.deepEqual(fields.filter((f: { id: number }) => f.id === 101 || f.id === 102 || f.id === 15), [
    { id: 101, displayName: 'Preferred Language', dataType: 'string', length: 255,
      rest: { name: 'preferredLanguage', readOnly: false }, soap: { name: 'PreferredLanguage', readOnly: false } },
    { id: 102, displayName: 'Annual Revenue', dataType: 'currency',
      rest: { name: 'annualRevenue', readOnly: true }, soap: { name: 'AnnualRevenue', readOnly: true } },
  ]);

  // Names resolve through the loaded catalog: <program>.<asset> for assets in a program, the bare
  // name for assets in a folder, the display name for lead fields.
  await h.store.importActivities([
    { marketoGUID: '1', leadId: 1, activityDate: Date.UTC(2026, 0, 10), activityTypeId: 2, campaignId: null, primaryAttributeValueId: 7001, primaryAttributeValue: 'Summit Registration', attributes: '{}', actionResult: null },
    { marketoGUID: '2', leadId: 1, activityDate: Date.UTC(2026, 0, 10), activityTypeId: 24, campaignId: null, primaryAttributeValueId: 6002, primaryAttributeValue: 'Global Suppression', attributes: '{}', actionResult: null },
    { marketoGUID: '3', leadId: 1, activityDate: Date.UTC(2026, 0, 10), activityTypeId: 13, campaignId: null, primaryAttributeValueId: 102, primaryAttributeValue: 'AnnualRevenue', attributes: '{}', actionResult: null },
    { marketoGUID: '4', leadId: 1, activityDate: Date.UTC(2026, 0, 10), activityTypeId: 104, campaignId: null, primaryAttributeValueId: 5001, primaryAttributeValue: 'Summit', attributes: '{}', actionResult: null },
  ]);
  const guidsFor = async (types: number[], name: string) =>
    dataLines((await runExport(h, token, exportBody('2026-01-01T00:00:00Z', '2026-01-15T00:00:00Z', { activityTypeIds: types, primaryAttributeValues: [name] }))).text)
      .map((l) => l.split(',')[0]);
  assert.deepEqual(await guidsFor([2], 'EV_2026_Summit.Summit Registration'), ['1']);
  assert.deepEqual(await guidsFor([2], 'Summit Registration'), ['1'], 'the stored value matches as well');
  assert.deepEqual(await guidsFor([24, 25], 'Global Suppression'), ['2']);
  assert.deepEqual(await guidsFor([13, 22], 'Annual Revenue'), ['3']);
  assert.deepEqual(await guidsFor([104], 'EV_2026_Summit'), ['4']);
});

test('import --kind assets: a bad catalog exits non-zero with a clear message and loads nothing', async (t) => {
  const target = storeTarget(t, 'bad-assets');
  const dir = target.dir;
  const cases: [string, unknown, RegExp][] = [
    ['unknown section', { programs: CATALOG.programs, emails: [{ id: 1, name: 'E' }] }, /unknown section 'emails'/],
    ['program not in catalog', { programs: CATALOG.programs, forms: [{ id: 7001, name: 'Orphan', folder: { id: 9999, type: 'Program' } }] },
      /forms\[0\]: folder program 9999 is not in the catalog/],
    ['missing id', { programs: [CATALOG.programs[0], { name: 'No Id' }] }, /programs\[1\]: id must be a positive integer/],
    ['missing name', { staticLists: [{ id: 3 }] }, /staticLists\[0\]: name is required/],
    ['missing displayName', { leadFields: [{ id: 3, dataType: 'string' }] }, /leadFields\[0\]: displayName is required/],
    ['bad folder', { forms: [{ id: 3, name: 'F', folder: { id: 1, type: 'Workspace' } }] }, /forms\[0\]: folder must be/],
    ['section not an array', { programs: { id: 1 } }, /programs must be an array/],
    ['not an object', [CATALOG.programs], /must be a JSON object/],
    ['unknown program type', { programs: [{ id: 1, name: 'P', type: 'Webcast' }] }, /programs\[0\]: type must be one of Default, Event, Event with Webinar, Engagement, Email/],
    ['bad date', { programs: [{ id: 1, name: 'P', createdAt: 'yesterday' }] }, /programs\[0\]: createdAt must be a date/],
    ['list workspace without id', { staticLists: [{ id: 3, name: 'L', workspace: 'EMEA' }] }, /staticLists\[0\]: workspaceId is required for a list in workspace 'EMEA'/],
    ['campaign in an unknown program', { campaigns: [{ id: 8, name: 'C', programId: 77 }] }, /campaigns\[0\]: program 77 is not in the catalog/],
    ['campaign type', { campaigns: [{ id: 8, name: 'C', type: 'smart' }] }, /campaigns\[0\]: type must be one of batch, trigger/],
  ];
  for (const [label, content, message] of cases) {
    const file = join(dir, `${label.replace(/ /g, '-')}.json`);
    writeFileSync(file, JSON.stringify(content));
    const r = await cli(['import', '--kind', 'assets', file, ...target.args]);
    assert.notEqual(r.code, 0, `${label}: exit code`);
    assert.match(r.stderr, /^tidemark: nothing imported: /, label);
    assert.match(r.stderr, message, label);
    assert.equal(r.stdout, '', label);
  }
  const notJson = join(dir, 'broken.json');
  writeFileSync(notJson, '{"programs": [');
  const r = await cli(['import', '--kind', 'assets', notJson, ...target.args]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is not valid JSON/);
  const missing = await cli(['import', '--kind', 'assets', join(dir, 'nope.json'), ...target.args]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /cannot read/);
  const unknownKind = await cli(['import', '--kind', 'customobjects', notJson, ...target.args]);
  assert.notEqual(unknownKind.code, 0);
  assert.match(unknownKind.stderr, /unknown --kind 'customobjects'; use activities, leads, program-members or assets/);

  const { h } = await serve(t, target.config);
  assert.equal(await assetCount(h), 0, 'no valid entry before the bad one was kept');
});

test('import --kind assets: a bad catalog leaves an earlier catalog as it was; a good one adds and replaces by id', async (t) => {
  const target = storeTarget(t, 'replace-assets');
  const dir = target.dir;
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify(CATALOG));
  await cliOk(['import', '--kind', 'assets', good, ...target.args]);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, JSON.stringify({ programs: [{ id: 5001, name: 'Renamed' }], forms: [{ name: 'no id' }] }));
  assert.notEqual((await cli(['import', '--kind', 'assets', bad, ...target.args])).code, 0);
  const more = join(dir, 'more.json');
  writeFileSync(more, JSON.stringify({ programs: [{ id: 5002, name: 'Nurture Q2' }, { id: 5003, name: 'New One' }] }));
  const run = await cliOk(['import', '--kind', 'assets', more, ...target.args]);
  assert.match(run.stdout, /2 programs, 0 staticLists, 0 forms, 0 leadFields, 0 campaigns/);
  const { h, token } = await serve(t, target.config);
  assert.equal((await h.json('/rest/asset/v1/program/5001.json', { token })).result[0].name, 'EV_2026_Summit');
  assert.equal((await h.json('/rest/asset/v1/program/5002.json', { token })).result[0].name, 'Nurture Q2');
  assert.equal((await h.json('/rest/asset/v1/program/5003.json', { token })).result[0].name, 'New One');
  assert.equal(await assetCount(h), 9);
});

test('tidemark demo --days 30, then the seed workflow over HTTP with the demo user', async (t) => {
  const target = storeTarget(t, 'demo30');
  const run = await cliOk(['demo', '--days', '30', '--activities-per-day', '300', '--end', '2026-01-15', ...target.args]);
  assert.match(run.stdout, /wrote \d+ demo activities.* client_id=tidemark-demo client_secret=tidemark-demo-secret/);
  const h = await harness(t, target.config);
  const auth = await (await h.call('/identity/oauth/token?grant_type=client_credentials&client_id=tidemark-demo&client_secret=tidemark-demo-secret')).json() as { access_token: string };
  const token = auth.access_token;
  const form = (await h.json('/rest/asset/v1/form/byName.json?name=MPS%20Outbound', { token })).result[0];
  assert.equal(form.id, 2001);
  const window = ['2025-12-16T00:00:00Z', '2026-01-15T00:00:00Z'] as const;
  const byId = await runExport(h, token, exportBody(...window, { activityTypeIds: [2], primaryAttributeValueIds: [form.id] }));
  const byName = await runExport(h, token, exportBody(...window, { activityTypeIds: [2], primaryAttributeValues: ['GL_OP_ALL_2026.MPS Outbound'] }));
  assert.ok(byId.numberOfRecords > 0);
  assert.ok(byId.bytes.equals(byName.bytes));
  for (const line of dataLines(byId.text)) assert.match(line, /^\d+,\d+,[^,]+,2,[^,]+,2001,GL_OP_ALL_2026\.MPS Outbound,/);
  // The data set spans the 30 days before --end and nothing after it.
  const all = await runExport(h, token, exportBody(...window));
  const lines = dataLines(all.text);
  assert.ok(lines[0]!.split(',')[2]! >= '2025-12-16T00:00:00Z');
  assert.ok(lines.at(-1)!.split(',')[2]! < '2026-01-15T00:00:00Z');
  const days = new Set(lines.map((l) => l.split(',')[2]!.slice(0, 10)));
  assert.equal(days.size, 30);
});

test('tidemark demo is reproducible: the same flags give the same export checksum in two fresh data dirs', async (t) => {
  const args = ['demo', '--days', '2', '--activities-per-day', '500', '--end', '2026-03-01'];
  const checksums: string[] = [];
  const counts: number[] = [];
  for (const [label, extra] of [['a', []], ['b', []], ['seed2', ['--seed', '2']]] as const) {
    const target = storeTarget(t, `demo-${label}`);
    const first = await cliOk([...args, ...extra, ...target.args]);
    assert.match(first.stdout, /^wrote [1-9]\d* demo activities/);
    if (label === 'b') {
      // Running it again into the same dir adds nothing: the data set has fixed GUIDs.
      const again = await cliOk([...args, ...extra, ...target.args]);
      assert.match(again.stdout, /^wrote 0 demo activities/);
    }
    const h = await harness(t, target.config);
    const token = await h.token('read-only-activity');
    const out = await runExport(h, token, exportBody('2026-02-27T00:00:00Z', '2026-03-01T00:00:00Z', {}, {
      fields: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult'],
    }));
    checksums.push(out.fileChecksum);
    counts.push(out.numberOfRecords);
    await h.close();
  }
  assert.ok(counts[0]! > 500, `demo wrote ${counts[0]} activities`);
  assert.equal(checksums[0], checksums[1], 'two runs with the same flags differ');
  assert.notEqual(checksums[2], checksums[0], 'another seed should give other data');
});
