/**
 * Issue 3, done-when 3: custom activity types and `activities/external.json` over HTTP. Types are
 * created, listed and usable at once; posted activities appear in the next export with their
 * attributes keyed by display name; 301 records, a missing lead, an unknown type and a read-only
 * user each get the documented error.
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL (see storeTarget for the CLI's side).
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { activity, JSON_HEADERS, type Harness } from '../helpers/harness.js';
import { dataLines, exportBody, harness, runExport } from './helpers.js';

const LEAD = 5414087;
const OTHER_LEAD = 5414088;
const START = '2026-01-14T00:00:00Z';
const END = '2026-01-16T00:00:00Z';
const TYPES = '/rest/v1/activities/external/types.json';
const TYPE = '/rest/v1/activities/external/type.json';
const EXTERNAL = '/rest/v1/activities/external.json';

/** Marketo's documented create body (the primary attribute nested), plus Tidemark's `attributes`. */
const WEBINAR_TYPE = {
  apiName: 'watchWebinar',
  name: 'Watch Webinar',
  description: 'Lead watched a webinar recording',
  triggerName: 'Watches Webinar',
  filterName: 'Watched Webinar',
  primaryAttribute: { apiName: 'webinarName', name: 'Webinar Name', description: 'Name of the webinar' },
  attributes: [
    { apiName: 'minutesWatched', name: 'Minutes Watched', dataType: 'integer' },
    { apiName: 'completed', name: 'Completed', dataType: 'boolean' },
    { apiName: 'watchUrl', name: 'Watch URL', dataType: 'url', description: 'Where it was watched' },
  ],
};

async function setup(t: TestContext): Promise<{ h: Harness; rw: string; post: (path: string, body: unknown, token?: string) => Promise<any> }> {
  const h = await harness(t);
  // Leads become known when activities for them are imported.
  await h.store.importActivities([activity({ leadId: LEAD }), activity({ leadId: OTHER_LEAD })]);
  const rw = await h.token('read-write-activity');
  const post = (path: string, body: unknown, token = rw) =>
    h.json(path, { method: 'POST', token, headers: JSON_HEADERS, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { h, rw, post };
}

function assertError(body: any, code: string, message?: string | RegExp): void {
  assert.equal(body.success, false, JSON.stringify(body));
  assert.ok(!('result' in body));
  assert.equal(body.errors[0].code, code, JSON.stringify(body));
  if (typeof message === 'string') assert.equal(body.errors[0].message, message);
  else if (message) assert.match(body.errors[0].message, message);
}

const record = (over: Record<string, unknown> = {}) => ({
  leadId: LEAD, activityDate: '2026-01-15T09:30:00Z', activityTypeId: 100001, primaryAttributeValue: 'Data Pipelines 101',
  attributes: [{ apiName: 'minutesWatched', value: 42 }, { name: 'Completed', value: true }], ...over,
});

test('create a type: id 100001, approved at once, listed in external/types.json and types.json', async (t) => {
  const { h, post } = await setup(t);
  const created = await post(TYPE, WEBINAR_TYPE);
  assert.equal(created.success, true, JSON.stringify(created));
  assert.deepEqual(created.result, [{
    id: 100001, apiName: 'watchWebinar', name: 'Watch Webinar', description: 'Lead watched a webinar recording',
    triggerName: 'Watches Webinar', filterName: 'Watched Webinar',
    primaryAttribute: { apiName: 'webinarName', name: 'Webinar Name', dataType: 'string', description: 'Name of the webinar' },
    attributes: [
      { apiName: 'minutesWatched', name: 'Minutes Watched', dataType: 'integer' },
      { apiName: 'completed', name: 'Completed', dataType: 'boolean' },
      { apiName: 'watchUrl', name: 'Watch URL', dataType: 'url', description: 'Where it was watched' },
    ],
    status: 'approved', createdAt: '2026-01-15T12:00:00Z', updatedAt: '2026-01-15T12:00:00Z',
  }]);
  // The flat form is accepted too, and ids count up.
  const flat = await post(TYPE, { apiName: 'scanBadge', name: 'Scan Badge', primaryAttributeApiName: 'boothName', primaryAttributeName: 'Booth Name' });
  assert.equal(flat.result[0].id, 100002);
  assert.deepEqual(flat.result[0].attributes, []);

  const ro = await h.token('read-only-activity');
  const listed = await h.json(TYPES, { token: ro });
  assert.equal(listed.success, true);
  assert.deepEqual(listed.result.map((x: any) => [x.id, x.apiName, x.status]), [[100001, 'watchWebinar', 'approved'], [100002, 'scanBadge', 'approved']]);
  assert.deepEqual(listed.result[0], created.result[0]);

  const all = await h.json('/rest/v1/activities/types.json', { token: ro });
  assert.equal(all.success, true);
  const custom = all.result.filter((x: any) => x.id >= 100001);
  assert.deepEqual(custom.map((x: any) => x.id), [100001, 100002]);
  assert.equal(custom[0].name, 'Watch Webinar');
  assert.deepEqual(custom[0].primaryAttribute, created.result[0].primaryAttribute);
  assert.deepEqual(custom[0].attributes, created.result[0].attributes);
  for (const key of ['id', 'name', 'primaryAttribute', 'attributes']) assert.ok(key in custom[0], key);
  // Standard types come first and stay as they were.
  assert.equal(all.result[0].id < 100001, true);
  assert.ok(all.result.some((x: any) => x.id === 2 && x.name === 'Fill Out Form'));
});

test('type create errors: duplicate apiName 1003, missing keys 1002, bad apiName 1003, read-only user 603', async (t) => {
  const { h, post } = await setup(t);
  assert.equal((await post(TYPE, WEBINAR_TYPE)).success, true);
  assertError(await post(TYPE, { ...WEBINAR_TYPE, name: 'Another' }), '1003', "Invalid value: 'watchWebinar' already exists");
  const { name: _n, ...noName } = WEBINAR_TYPE;
  assertError(await post(TYPE, noName), '1002', "Missing value for required parameter 'name'");
  const { apiName: _a, ...noApi } = WEBINAR_TYPE;
  assertError(await post(TYPE, noApi), '1002', "Missing value for required parameter 'apiName'");
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'x2', primaryAttribute: { name: 'P' } }), '1002',
    "Missing value for required parameter 'primaryAttribute.apiName'");
  const { primaryAttribute: _p, ...noPrimary } = WEBINAR_TYPE;
  assertError(await post(TYPE, { ...noPrimary, apiName: 'x3' }), '1002');
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: '1bad name' }), '1003', /apiName/);
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'x4', attributes: [{ apiName: 'a', name: 'A', dataType: 'blob' }] }), '1003', /dataType/);
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'x5', attributes: Array.from({ length: 21 }, (_, i) => ({ apiName: `a${i}`, name: `A${i}` })) }), '1003', /at most 20/);
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'x6', attributes: [{ apiName: 'a', name: 'A' }, { apiName: 'a', name: 'B' }] }), '1003',
    "Invalid value for 'attributes[1]': apiName 'a' is used twice");
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'x7', attributes: [{ apiName: 'a', name: 'A' }, { apiName: 'b', name: 'A' }] }), '1003',
    "Invalid value for 'attributes[1]': name 'A' is used twice");
  assertError(await post(TYPE, '{not json'), '609', 'Invalid JSON');
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'roUser' }, await h.token('read-only-activity')), '603', 'Access denied');
  assertError(await post(TYPE, { ...WEBINAR_TYPE, apiName: 'assetsUser' }, await h.token('read-write-assets')), '603', 'Access denied');
  assertError(await h.json(TYPES, { token: await h.token('read-only-assets') }), '603');
  // Only the first type exists.
  const listed = await h.json(TYPES, { token: await h.token('read-only-activity') });
  assert.deepEqual(listed.result.map((x: any) => x.apiName), ['watchWebinar']);
});

test('posted activities are added with a marketoGUID and appear in the next export, attributes by display name', async (t) => {
  const { h, rw, post } = await setup(t);
  await post(TYPE, WEBINAR_TYPE);
  const before = await runExport(h, rw, exportBody(START, END, { activityTypeIds: [100001] }));
  assert.equal(before.numberOfRecords, 0);

  const res = await post(EXTERNAL, { input: [
    record(),
    record({ leadId: OTHER_LEAD, activityDate: '2026-01-15T10:00:00+01:00', primaryAttributeValue: 'Lakehouse, "Live"',
      attributes: [{ apiName: 'watchUrl', value: 'https://example.com/w?a=1,b=2' }, { apiName: 'completed', value: false }] }),
    record({ activityDate: '2026-01-15T11:00:00Z', attributes: [] }),
  ] });
  assert.equal(res.success, true, JSON.stringify(res));
  assert.equal(res.result.length, 3);
  const guids: string[] = [];
  for (const r of res.result) {
    assert.deepEqual(Object.keys(r), ['id', 'marketoGUID', 'status']);
    assert.equal(r.status, 'added');
    assert.match(r.marketoGUID, /^\d+$/);
    assert.equal(r.id, Number(r.marketoGUID));
    guids.push(r.marketoGUID);
  }
  assert.equal(new Set(guids).size, 3);

  const after = await runExport(h, rw, exportBody(START, END, { activityTypeIds: [100001] }, { fields: [
    'marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult',
  ] }));
  assert.equal(after.numberOfRecords, 3);
  assert.deepEqual(dataLines(after.text), [
    `${guids[1]},${OTHER_LEAD},2026-01-15T09:00:00Z,100001,null,null,"Lakehouse, ""Live""","{""Watch URL"":""https://example.com/w?a=1,b=2"",""Completed"":false}",succeeded`,
    `${guids[0]},${LEAD},2026-01-15T09:30:00Z,100001,null,null,Data Pipelines 101,"{""Minutes Watched"":42,""Completed"":true}",succeeded`,
    `${guids[2]},${LEAD},2026-01-15T11:00:00Z,100001,null,null,Data Pipelines 101,{},succeeded`,
  ]);
  // They are in an unfiltered export too, next to the imported activities.
  const all = await runExport(h, rw, exportBody(START, END));
  assert.equal(all.numberOfRecords, 5);
  for (const g of guids) assert.match(all.text, new RegExp(`\\n${g},`));
});

test('per-record reasons: missing lead 1004, unknown type 1003, unknown attribute 1006, missing key 1002, bad date 1001; the rest added', async (t) => {
  const { h, rw, post } = await setup(t);
  await post(TYPE, WEBINAR_TYPE);
  const countBefore = await h.store.countActivities();
  const res = await post(EXTERNAL, { input: [
    record(),
    record({ leadId: 999_999 }),
    record({ activityTypeId: 100099 }),
    record({ activityTypeId: 2 }),
    record({ attributes: [{ apiName: 'nope', value: 1 }] }),
    record({ activityDate: undefined }),
    record({ primaryAttributeValue: '' }),
    record({ activityDate: '2026-02-30T00:00:00Z' }),
    'not an object',
    record({ activityDate: '2026-01-15T09:31:00Z' }),
  ] });
  assert.equal(res.success, true, JSON.stringify(res));
  const skipped = (code: string, message: string) => ({ status: 'skipped', reasons: [{ code, message }] });
  assert.equal(res.result[0].status, 'added');
  assert.deepEqual(res.result.slice(1, 9), [
    skipped('1004', 'Lead not found'),
    skipped('1003', "Activity type '100099' not found"),
    skipped('1003', "Activity type '2' not found"),
    skipped('1006', "Field 'nope' not found"),
    skipped('1002', "Missing value for required parameter 'activityDate'"),
    skipped('1002', "Missing value for required parameter 'primaryAttributeValue'"),
    skipped('1001', "Invalid value '2026-02-30T00:00:00Z'. Required of type 'datetime'"),
    skipped('1003', 'Record must be a JSON object'),
  ]);
  assert.equal(res.result[9].status, 'added');
  assert.equal(Number(res.result[9].marketoGUID), Number(res.result[0].marketoGUID) + 1, 'GUIDs are consecutive over added records');
  assert.equal(await h.store.countActivities(), countBefore + 2);
  const exported = await runExport(h, rw, exportBody(START, END, { activityTypeIds: [100001] }));
  assert.equal(exported.numberOfRecords, 2);
  assert.doesNotMatch(exported.text, /999999/);
});

test('request-level errors: 301 records 1003 and nothing added; 300 are fine; empty or non-array input 1003; no input 1002; read-only user 603', async (t) => {
  const { h, rw, post } = await setup(t);
  await post(TYPE, WEBINAR_TYPE);
  const countBefore = await h.store.countActivities();
  const many = (n: number) => Array.from({ length: n }, (_, i) => record({ activityDate: `2026-01-15T0${Math.floor(i / 60) % 10}:${String(i % 60).padStart(2, '0')}:00Z` }));

  assertError(await post(EXTERNAL, { input: many(301) }), '1003', /at most 300 records .* got 301/);
  assert.equal(await h.store.countActivities(), countBefore, '301 records: nothing added');

  assertError(await post(EXTERNAL, { input: [] }), '1003', /input/);
  assertError(await post(EXTERNAL, { input: 'x' }), '1003', /input/);
  assertError(await post(EXTERNAL, { input: { leadId: LEAD } }), '1003', /input/);
  assertError(await post(EXTERNAL, {}), '1002', "Missing value for required parameter 'input'");
  assertError(await post(EXTERNAL, '{"input": ['), '609', 'Invalid JSON');
  assertError(await post(EXTERNAL, { input: [record()] }, await h.token('read-only-activity')), '603', 'Access denied');
  assertError(await post(EXTERNAL, { input: [record()] }, await h.token('read-write-assets,read-write-lead')), '603', 'Access denied');
  assertError(await h.json(EXTERNAL, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ input: [record()] }) }), '601');
  assert.equal(await h.store.countActivities(), countBefore, 'no rejected call added anything');

  const ok = await post(EXTERNAL, { input: many(300) });
  assert.equal(ok.success, true);
  assert.equal(ok.result.length, 300);
  assert.ok(ok.result.every((r: any) => r.status === 'added'));
  assert.equal(await h.store.countActivities(), countBefore + 300);
  const exported = await runExport(h, rw, exportBody(START, END, { activityTypeIds: [100001] }));
  assert.equal(exported.numberOfRecords, 300);
});
