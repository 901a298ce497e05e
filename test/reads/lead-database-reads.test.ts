/**
 * `GET /rest/v1/lists.json`, `lists/{id}.json`, `campaigns.json` and `campaigns/{id}.json` over real
 * HTTP (both stores through the harness): paging to the end as tap-marketo, Airbyte and
 * marketorestpython loop, every filter as a comma list and as repeated keys, the answers 1001,
 * 1003 (page token), 1013, 601 and 603, shapes and key order (notes §6, §7, Q13, Q14, Q18), and
 * page tokens that outlive a restart.
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTidemark } from '../../src/server/main.js';
import { silentLogger } from '../../src/lib/logger.js';
import { assertError } from '../helpers/api.js';
import { COUNTS, LEAD_DB_DATE, leadDbOk, readsHarness, tapPaginated } from './helpers.js';

const LIST_KEYS = ['id', 'name', 'description', 'programName', 'workspaceId', 'workspaceName', 'createdAt', 'updatedAt'];
const CAMPAIGN_KEYS = ['id', 'name', 'description', 'type', 'programName', 'programId', 'workspaceName', 'createdAt', 'updatedAt', 'active'];

/** Keys appear in this order, optional ones left out. */
function assertKeyOrder(row: Record<string, unknown>, order: string[]): void {
  const keys = Object.keys(row);
  assert.deepEqual(keys, order.filter((k) => keys.includes(k)), JSON.stringify(row));
}

test('tap-marketo / Airbyte paging: batchSize=300 and the token until it is absent, every list and campaign once, ascending', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-only-campaigns');
  for (const [endpoint, count, first] of [['lists', COUNTS.lists, 20000], ['campaigns', COUNTS.campaigns, 40000]] as const) {
    const { rows, pages } = await tapPaginated(h, token, endpoint);
    assert.deepEqual(pages, [300, 300, count - 600], endpoint);
    assert.deepEqual(rows.map((r) => r.id), Array.from({ length: count }, (_, i) => first + i), `${endpoint}: all, once, ascending`);
  }
  // The pages' rows are the shapes of notes §6/§7 (Q18's optional members).
  const lists = (await tapPaginated(h, token, 'lists')).rows;
  for (const l of lists) {
    assertKeyOrder(l, LIST_KEYS);
    assert.match(l.createdAt, LEAD_DB_DATE);
    assert.match(l.updatedAt, LEAD_DB_DATE);
  }
  assert.deepEqual(lists[0], {
    id: 20000, name: 'List 0', description: 'about list 0', programName: 'Program 000', workspaceId: 2, workspaceName: 'EMEA',
    createdAt: '2025-01-01T00:00:00Z', updatedAt: '2026-01-15T12:00:00Z',
  });
  assert.deepEqual(lists[1], { id: 20001, name: 'List 1', workspaceId: 1, workspaceName: 'Default', createdAt: '2025-01-01T01:00:00Z', updatedAt: '2026-01-15T12:00:00Z' });
  const campaigns = (await tapPaginated(h, token, 'campaigns')).rows;
  for (const c of campaigns) assertKeyOrder(c, CAMPAIGN_KEYS);
  assert.deepEqual(campaigns[0], {
    id: 40000, name: 'Campaign 0', type: 'batch', programName: 'Program 000', programId: 5000, workspaceName: 'Default',
    createdAt: '2025-01-01T00:00:00Z', updatedAt: '2026-01-15T12:00:00Z', active: true,
  });
  assert.deepEqual(campaigns[1], {
    id: 40001, name: 'Campaign 1', description: 'c1', type: 'trigger', workspaceName: 'Default',
    createdAt: '2025-01-01T00:01:00Z', updatedAt: '2026-01-15T12:00:00Z', active: false,
  });
});

test('marketorestpython get_multiple_lists: repeated id keys, batchSize, stops on an empty result or no token', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-write-lead');
  const args = new URLSearchParams([['id', '20003'], ['id', '20001'], ['id', '29999'], ['id', '20002'], ['batchSize', '2']]);
  const seen: number[] = [];
  for (let guard = 0; guard < 10; guard++) {
    const result = leadDbOk(await h.json(`/rest/v1/lists.json?${args}`, { token }));
    seen.push(...result.result.map((r) => r.id));
    if (result.result.length === 0 || !('nextPageToken' in result)) break;
    args.set('nextPageToken', result.nextPageToken!);
  }
  assert.deepEqual(seen, [20001, 20002, 20003]);
});

test('filters: id, name, programName, workspaceName as comma lists or repeated keys, AND-combined; isTriggerable', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-write-campaigns');
  const ids = async (path: string) => leadDbOk(await h.json(path, { token })).result.map((r) => r.id);
  assert.deepEqual(await ids('/rest/v1/lists.json?id=20005,20002, 20009'), [20002, 20005, 20009]);
  assert.deepEqual(await ids('/rest/v1/lists.json?id=20005&id=20002'), [20002, 20005]);
  assert.deepEqual(await ids('/rest/v1/lists.json?name=List%207,List%208'), [20007, 20008]);
  assert.deepEqual(await ids('/rest/v1/lists.json?name=List%207&name=list%208'), [20007], 'names match exactly');
  assert.deepEqual(await ids('/rest/v1/lists.json?programName=Program%20006'), [20006, 20456]);
  const emea = await ids('/rest/v1/lists.json?workspaceName=EMEA');
  assert.equal(emea.length, Math.ceil(COUNTS.lists / 11));
  assert.deepEqual(await ids('/rest/v1/lists.json?workspaceName=EMEA&programName=Program%20000,Program%20033%20b'), [20000, 20033]);
  assert.deepEqual(await ids('/rest/v1/lists.json?id=20000,20001&workspaceName=Default'), [20001]);

  const triggerable = await ids('/rest/v1/campaigns.json?isTriggerable=true');
  assert.deepEqual(triggerable, Array.from({ length: COUNTS.campaigns }, (_, i) => i).filter((i) => i % 13 === 0).map((i) => 40000 + i));
  assert.equal((await ids('/rest/v1/campaigns.json?isTriggerable=false')).length, 300, 'false filters nothing (first page)');
  assert.deepEqual(await ids('/rest/v1/campaigns.json?programName=Program%20004&name=Campaign%2014,Campaign%2024&batchSize=1'), [40014]);
  assert.deepEqual(await ids('/rest/v1/campaigns.json?id=40000&id=40001&workspaceName=EMEA'), []);
  const named = await ids('/rest/v1/campaigns.json?name=Campaign%207');
  assert.deepEqual(named, [40007, 40107, 40207, 40307, 40407, 40507, 40607]);
});

test('a token works only with the filters it was issued for; bad parameters answer 1001 / 1003', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-only-campaigns');
  const first = leadDbOk(await h.json('/rest/v1/lists.json?workspaceName=EMEA&batchSize=5', { token }));
  assert.deepEqual(first.result.map((r) => r.id), [20000, 20011, 20022, 20033, 20044]);
  assert.match(first.nextPageToken!, /^[A-Z2-7]+=*$/);
  const next = leadDbOk(await h.json(`/rest/v1/lists.json?workspaceName=EMEA&batchSize=5&nextPageToken=${first.nextPageToken}`, { token }));
  assert.deepEqual(next.result.map((r) => r.id), [20055, 20066, 20077, 20088, 20099]);
  // The page size may change between pages; the filters may not.
  assert.equal(leadDbOk(await h.json(`/rest/v1/lists.json?workspaceName=EMEA&batchSize=2&nextPageToken=${first.nextPageToken}`, { token })).result[0].id, 20055);
  for (const path of [
    `/rest/v1/lists.json?nextPageToken=${first.nextPageToken}`,
    `/rest/v1/lists.json?workspaceName=Default&nextPageToken=${first.nextPageToken}`,
    `/rest/v1/campaigns.json?workspaceName=EMEA&nextPageToken=${first.nextPageToken}`,
    '/rest/v1/lists.json?nextPageToken=GIYDAOBNGEYS2MBWKQYDAORQGA5DAMBOGAYDAKZQGAYDALBQ',
    '/rest/v1/lists.json?nextPageToken=not-a-token',
  ]) {
    assertError(await h.json(path, { token }), '1003', 'Invalid nextPageToken');
  }
  assertError(await h.json('/rest/v1/lists.json?id=1,abc', { token }), '1001', "Invalid value 'abc'. Required of type 'integer'");
  assertError(await h.json('/rest/v1/campaigns.json?batchSize=many', { token }), '1001', "Invalid value 'many'. Required of type 'integer'");
  assertError(await h.json('/rest/v1/campaigns.json?isTriggerable=yes', { token }), '1001', "Invalid value 'yes'. Required of type 'boolean'");
  // Out-of-range sizes are clamped, not refused (Q14).
  for (const size of ['0', '-3', '301', '100000']) {
    assert.equal(leadDbOk(await h.json(`/rest/v1/campaigns.json?batchSize=${size}`, { token })).result.length, 300, size);
  }
  assert.equal(leadDbOk(await h.json('/rest/v1/campaigns.json?batchSize=7', { token })).result.length, 7);
  // Nothing matches: an empty result and no token, not an error.
  const none = await h.json('/rest/v1/campaigns.json?id=1', { token });
  assert.deepEqual(none, { requestId: none.requestId, result: [], success: true });
});

test('by id: the same shape as the list; unknown id 1013; a bad id 1001; no .json 610', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-only-campaigns');
  const [fromList] = leadDbOk(await h.json('/rest/v1/lists.json?id=20033', { token })).result;
  assert.deepEqual(leadDbOk(await h.json('/rest/v1/lists/20033.json', { token })).result, [fromList]);
  const [campaign] = leadDbOk(await h.json('/rest/v1/campaigns.json?id=40002', { token })).result;
  assert.deepEqual(leadDbOk(await h.json('/rest/v1/campaigns/40002.json', { token })).result, [campaign]);
  assertError(await h.json('/rest/v1/lists/19999.json', { token }), '1013', 'Object not found');
  assertError(await h.json('/rest/v1/campaigns/20000.json', { token }), '1013', 'Object not found');
  assertError(await h.json('/rest/v1/campaigns/abc.json', { token }), '1001', "Invalid value 'abc'. Required of type 'integer'");
  assertError(await h.json('/rest/v1/lists/20033', { token }), '610', 'Requested resource not found');
});

test('permissions: lists need a lead permission, campaigns a campaigns permission; no token is 601', async (t) => {
  const h = await readsHarness(t);
  const tokens = new Map<string, string>(); // one user a role: each costs a scrypt hash
  const tokenOf = async (role: string) => tokens.get(role) ?? tokens.set(role, await h.token(role)).get(role)!;
  const can = async (role: string, path: string) => {
    const body = await h.json(path, { token: await tokenOf(role) });
    if (body.success) return true;
    assertError(body, '603', 'Access denied');
    return false;
  };
  const lists = ['/rest/v1/lists.json', '/rest/v1/lists/20000.json'];
  const campaigns = ['/rest/v1/campaigns.json', '/rest/v1/campaigns/40000.json'];
  const table: [string, boolean, boolean][] = [
    ['read-only-lead', true, false], ['read-write-lead', true, false], ['read-only-campaigns', false, true], ['read-write-campaigns', false, true],
    ['read-write-activity,read-write-assets', false, false], ['none', false, false], ['read-only-lead,read-only-campaigns', true, true],
  ];
  for (const [role, onLists, onCampaigns] of table) {
    for (const p of lists) assert.equal(await can(role, p), onLists, `${role} ${p}`);
    for (const p of campaigns) assert.equal(await can(role, p), onCampaigns, `${role} ${p}`);
  }
  // 603 comes before the id is looked at.
  assertError(await h.json('/rest/v1/campaigns/abc.json', { token: await tokenOf('read-only-lead') }), '603');
  assertError(await h.json('/rest/v1/lists.json'), '601');
  assertError(await h.json('/rest/v1/campaigns.json', { token: 'nope' }), '601');
});

test('page tokens outlive a restart: a token from the first server pages on in the second', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-campaigns');
  const first = leadDbOk(await h.json('/rest/v1/campaigns.json?batchSize=300', { token }));
  const expected = (await tapPaginated(h, token, 'campaigns', first.nextPageToken)).rows.map((r) => r.id);
  // A new server process on the same store: nothing about the token was kept anywhere.
  await h.tm.close();
  const again = await createTidemark(h.config, { clock: h.clock, log: silentLogger, pollMs: 50 });
  const rows: number[] = [];
  try {
    const base = await again.app.listen({ host: '127.0.0.1', port: 0 });
    let next: string | undefined = first.nextPageToken;
    while (next) {
      const page = leadDbOk(await (await fetch(`${base}/rest/v1/campaigns.json?batchSize=300&nextPageToken=${next}`, { headers: { Authorization: `Bearer ${token}` } })).json());
      rows.push(...page.result.map((r) => r.id));
      next = page.nextPageToken;
    }
  } finally {
    await again.close(); // before the harness drops the store
  }
  assert.deepEqual(rows, expected);
  assert.deepEqual(rows, Array.from({ length: COUNTS.campaigns - 300 }, (_, i) => 40300 + i));
});
