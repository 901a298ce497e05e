/**
 * `GET /rest/asset/v1/programs.json`, `program/{id}.json` and `program/byName.json` over real HTTP
 * (both stores): the Asset API envelope and its key order, maxReturn/offset, filterType/
 * filterValues, status, the updatedAt window with 701, the "No assets found" answer past the end
 * that tap-marketo's loop stops on, `Z+0000` dates, the folder shape, tags and costs (notes §8).
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ASSET_DATE, assetError, assetOk, COUNTS, NOTHING, readsHarness } from './helpers.js';

const PROGRAM_KEYS = ['id', 'name', 'description', 'createdAt', 'updatedAt', 'url', 'type', 'channel', 'folder', 'status', 'workspace', 'sfdcId', 'sfdcName', 'headStart'];
const DAY = 86_400_000;
const T = Date.UTC(2025, 0, 1);

/** The big catalog's program i was updated at T + i days + 1 h. */
const updatedAt = (i: number) => T + i * DAY + 3_600_000;

test('tap-marketo sync_programs: maxReturn=200, offset += 200 until the "No assets found" warning, one window to now', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  const bookmark = '2025-03-01T00:00:00Z'; // as stored in the tap's state
  const now = '2026-01-15T12:00:00.123456+00:00'; // pendulum.utcnow().isoformat()
  const params = new URLSearchParams({ maxReturn: '200', offset: '0', earliestUpdatedAt: bookmark, latestUpdatedAt: now });
  const seen: any[] = [];
  let calls = 0;
  for (;;) {
    assert.ok(++calls < 20, 'the loop ends');
    const data = await h.json(`/rest/asset/v1/programs.json?${params}`, { token });
    if ('warnings' in data && data.warnings.includes(NOTHING)) {
      assetOk(data);
      break;
    }
    seen.push(...assetOk(data));
    params.set('offset', String(Number(params.get('offset')) + Number(params.get('maxReturn'))));
  }
  const expected = Array.from({ length: COUNTS.programs }, (_, i) => i)
    .filter((i) => updatedAt(i) >= Date.parse(bookmark) && updatedAt(i) <= Date.parse('2026-01-15T12:00:00.123Z'));
  assert.ok(expected.length > 300 && expected.length < COUNTS.programs);
  assert.equal(seen.length, expected.length);
  assert.deepEqual(new Set(seen.map((p) => p.id)), new Set(expected.map((i) => 5000 + i)));
  assert.equal(calls, Math.ceil(expected.length / 200) + 1);
  // Ordered by name, case-insensitively, then id (Q16).
  const names = seen.map((p) => p.name.toLowerCase());
  assert.deepEqual(names, [...names].sort());
});

test('Airbyte programs stream: 30-day windows in %Y-%m-%dT%H:%M:%SZ, stops on a page under 200 or without result', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-write-assets');
  const ids = new Set<number>();
  for (let start = T; start < updatedAt(COUNTS.programs); start += 30 * DAY) {
    const window = { earliestUpdatedAt: new Date(start).toISOString().slice(0, 19) + 'Z', latestUpdatedAt: new Date(start + 30 * DAY).toISOString().slice(0, 19) + 'Z' };
    for (let offset = 0; ; offset += 200) {
      const body = await h.json(`/rest/asset/v1/programs.json?${new URLSearchParams({ ...window, maxReturn: '200', offset: String(offset) })}`, { token });
      const page = assetOk(body);
      for (const p of page) ids.add(p.id);
      if (!('result' in body) || page.length < 200) break;
    }
  }
  assert.equal(ids.size, COUNTS.programs, 'every program falls in one of the windows');
});

test('envelope, shape and dates: Asset API key order, Z+0000, folder {type, value, folderName}, headStart on Email only', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  const page = assetOk(await h.json('/rest/asset/v1/programs.json', { token }));
  assert.equal(page.length, 20, 'maxReturn defaults to 20');
  for (const p of page) {
    const keys = Object.keys(p);
    assert.deepEqual(keys, PROGRAM_KEYS.filter((k) => keys.includes(k)), JSON.stringify(p));
    assert.match(p.createdAt, ASSET_DATE);
    assert.match(p.updatedAt, ASSET_DATE);
    assert.ok(!('tags' in p) && !('costs' in p), 'browse shows no tags or costs');
    assert.equal('headStart' in p, p.type === 'Email');
  }
  const [first] = assetOk(await h.json('/rest/asset/v1/programs.json?filterType=id&filterValues=5000', { token }));
  assert.deepEqual(first, {
    id: 5000, name: 'Program 000', description: '', createdAt: '2025-01-01T00:00:00Z+0000', updatedAt: '2025-01-01T01:00:00Z+0000',
    url: 'https://app.tidemark.local/#PG5000A1', type: 'Default', channel: 'Webinar', folder: { type: 'Folder', value: 10, folderName: 'Folder 0' },
    status: '', workspace: 'Default', sfdcId: '7010', sfdcName: 'SFDC 0',
  });
  const [email] = assetOk(await h.json('/rest/asset/v1/programs.json?filterType=programId&filterValues=5003', { token }));
  assert.equal(email.type, 'Email');
  assert.equal(email.status, 'unlocked');
  assert.equal(email.url, 'https://app.tidemark.local/#EBP5003A1');
  assert.equal(email.headStart, false);
  const [inProgram] = assetOk(await h.json('/rest/asset/v1/programs.json?filterType=id&filterValues=5006', { token }));
  assert.deepEqual(inProgram.folder, { type: 'Program', value: 5000, folderName: 'Program 000' });
});

test('maxReturn and offset: clamped, never refused; past the end is the warning with no result', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  const count = async (q: string) => assetOk(await h.json(`/rest/asset/v1/programs.json?${q}`, { token })).length;
  assert.equal(await count('maxReturn=200'), 200);
  assert.equal(await count('maxReturn=201'), 200);
  assert.equal(await count('maxReturn=0'), 1);
  assert.equal(await count('maxReturn=-4'), 1);
  assert.equal(await count('maxReturn=7'), 7);
  assert.equal(await count(`offset=${COUNTS.programs - 5}&maxReturn=200`), 5);
  assert.equal(await count('offset=-10&maxReturn=3'), 3);
  const past = await h.json(`/rest/asset/v1/programs.json?offset=${COUNTS.programs}`, { token });
  assert.deepEqual(Object.keys(past), ['success', 'errors', 'requestId', 'warnings']);
  assert.deepEqual(past.warnings, [NOTHING]);
  const byOffset = assetOk(await h.json('/rest/asset/v1/programs.json?offset=3&maxReturn=2', { token })).map((p) => p.id);
  const all = assetOk(await h.json('/rest/asset/v1/programs.json?maxReturn=5', { token })).map((p) => p.id);
  assert.deepEqual(byOffset, all.slice(3, 5));
});

test('filterType/filterValues, status and the window; each combines with AND', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  const ids = async (q: string) => assetOk(await h.json(`/rest/asset/v1/programs.json?maxReturn=200&${q}`, { token })).map((p) => p.id).sort();
  assert.deepEqual(await ids('filterType=id&filterValues=5001,5002,9999'), [5001, 5002]);
  assert.deepEqual(await ids('filterType=programId&filterValues=5004'), [5004]);
  assert.deepEqual((await ids('filterType=folderId&filterValues=5000')).length, Math.floor(COUNTS.programs / 7));
  assert.deepEqual((await ids('filterType=workspace&filterValues=EMEA')).length, COUNTS.programs / 5);
  assert.deepEqual(await ids('filterType=workspace&filterValues=Nowhere'), []);
  assert.deepEqual((await ids('status=on')).length, COUNTS.programs / 5, 'Engagement programs are on');
  assert.deepEqual(await ids('status=on&filterType=id&filterValues=5001,5002,5007'), [5002, 5007]);
  const day = (i: number) => new Date(updatedAt(i)).toISOString().replace('.000Z', 'Z');
  assert.deepEqual(await ids(`earliestUpdatedAt=${day(10)}&latestUpdatedAt=${day(12)}`), [5010, 5011, 5012], 'inclusive at both ends');
  assert.deepEqual(await ids(`earliestUpdatedAt=${encodeURIComponent('2025-01-11T02:00:00+01:00')}&latestUpdatedAt=${day(11)}`), [5010, 5011]);
  assert.deepEqual((await ids(`latestUpdatedAt=${day(2)}`)), [5000, 5001, 5002], 'either bound may be left out');
});

test('query errors: 701 as Marketo words it, 1003 for an unknown filterType, 1001 for numbers and dates, in the Asset envelope', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  const err = async (q: string, code: string, message: string) => assetError(await h.json(`/rest/asset/v1/programs.json?${q}`, { token }), code, message);
  await err('earliestUpdatedAt=2026-01-02T00:00:00Z&latestUpdatedAt=2026-01-01T00:00:00Z', '701', 'End date should always be after start date');
  await err('filterType=id', '701', 'filterValues cannot be blank');
  await err('filterType=id&filterValues=', '701', 'filterValues cannot be blank');
  await err('filterValues=5000', '701', 'filterType cannot be blank');
  await err('filterType=name&filterValues=x', '1003', "Invalid value for 'filterType': unknown filter type 'name'; use id, programId, folderId, workspace");
  await err('filterType=id&filterValues=5000,x', '1001', "Invalid value 'x'. Required of type 'integer'");
  await err('maxReturn=lots', '1001', "Invalid value 'lots'. Required of type 'integer'");
  await err('offset=1.5', '1001', "Invalid value '1.5'. Required of type 'integer'");
  await err('earliestUpdatedAt=yesterday', '1001', "Invalid value 'yesterday'. Required of type 'datetime'");
  // Asset paths answer every error in the Asset envelope, the pipeline's too.
  assetError(await h.json('/rest/asset/v1/programs.json'), '601', 'Access token invalid');
  assetError(await h.json('/rest/asset/v1/programs.json', { token: await h.token('read-write-lead') }), '603', 'Access denied');
  assetError(await h.json('/rest/asset/v1/nothing.json', { token }), '610', 'Requested resource not found');
  // The Asset API ignores _method (Feb 2020): a POST is Create Program, which Tidemark does not have.
  assetError(await h.json('/rest/asset/v1/programs.json?_method=GET', { token, method: 'POST' }), '610');
  assetError(await h.json('/rest/asset/v1/programs.json', {
    token, method: 'POST', body: '_method=GET', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  }), '610');
});

test('program by id and by name: the browse members plus tags and costs (null when none or not asked for)', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-assets');
  await h.store.putAssets([]); // no-op: the catalog below adds tags and costs to one program
  const { parseCatalog } = await import('../../src/domain/assets.js');
  const parsed = parseCatalog({ programs: [{
    id: 5001, name: 'Program 001 b', type: 'Event', channel: 'Tradeshow', createdAt: '2025-01-02T00:00:00Z', updatedAt: '2025-02-02T00:00:00Z',
    tags: [{ tagType: 'Region', tagValue: 'EMEA' }], costs: [{ startDate: '2025-02-01', cost: 2000, note: 'Booth' }], startDate: '2025-03-01',
  }] }, '2026-01-15T12:00:00Z');
  assert.ok('assets' in parsed);
  await h.store.putAssets(parsed.assets);
  const [byId] = assetOk(await h.json('/rest/asset/v1/program/5001.json', { token }));
  assert.deepEqual(byId, {
    id: 5001, name: 'Program 001 b', description: '', createdAt: '2025-01-02T00:00:00Z+0000', updatedAt: '2025-02-02T00:00:00Z+0000',
    url: 'https://app.tidemark.local/#ME5001A1', type: 'Event', channel: 'Tradeshow', folder: { type: 'Folder', value: 1, folderName: 'Marketing Activities' },
    status: '', workspace: 'Default', tags: [{ tagType: 'Region', tagValue: 'EMEA' }], costs: [{ startDate: '2025-02-01', cost: 2000, note: 'Booth' }],
    startDate: '2025-03-01',
  });
  const byName = (q: string) => h.json(`/rest/asset/v1/program/byName.json?name=${encodeURIComponent('Program 001 b')}${q}`, { token });
  assert.deepEqual(assetOk(await byName('&includeTags=true&includeCosts=true')), [byId]);
  const [plain] = assetOk(await byName(''));
  assert.deepEqual([plain.tags, plain.costs], [null, null]);
  const [tagsOnly] = assetOk(await byName('&includeTags=TRUE'));
  assert.deepEqual([tagsOnly.tags, tagsOnly.costs], [byId.tags, null]);
  const [none] = assetOk(await h.json('/rest/asset/v1/program/5002.json', { token }));
  assert.deepEqual([none.tags, none.costs], [null, null]);
  assert.deepEqual(assetOk(await h.json('/rest/asset/v1/program/999.json', { token })), []);
  assert.deepEqual(assetOk(await h.json('/rest/asset/v1/program/byName.json?name=program%20001%20b', { token })), [], 'names match exactly');
  assetError(await h.json('/rest/asset/v1/program/byName.json', { token }), '1002', "Missing value for required parameter 'name'");
  assetError(await byName('&includeTags=maybe'), '1001', "Invalid value 'maybe'. Required of type 'boolean'");
  assetError(await h.json('/rest/asset/v1/program/5x.json', { token }), '1001', "Invalid value '5x'. Required of type 'integer'");
});
