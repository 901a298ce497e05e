/**
 * The `_method=GET` override (notes Q19) over real HTTP, as the clients send it: marketorestpython's
 * get_multiple_campaigns (POST, `_method=GET` and the paging in the query, repeated `id=` in a form
 * body), node-marketo-rest's list.find (POST, form body with `_method=GET` and comma-joined ids), a
 * JSON body `{"data":{"_method":"GET",...}}`; a POST without it is 610, GET bodies stay ignored, and
 * the Asset API is left alone (programs.test.ts).
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertError, raw } from '../helpers/api.js';
import { leadDbOk, readsHarness } from './helpers.js';

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

test('marketorestpython get_multiple_campaigns: POST ?_method=GET&batchSize=...&nextPageToken=... with repeated id= in the form body', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-campaigns');
  const body = ['40010', '40003', '40007', '40001', '40005'].map((id) => `id=${id}`).join('&');
  const seen: number[] = [];
  let next: string | undefined;
  for (let guard = 0; guard < 10; guard++) {
    const query = new URLSearchParams({ _method: 'GET', batchSize: '2', ...(next ? { nextPageToken: next } : {}) });
    const page = leadDbOk(await h.json(`/rest/v1/campaigns.json?${query}`, { token, method: 'POST', headers: FORM, body }));
    seen.push(...page.result.map((r) => r.id));
    if (page.result.length === 0 || !page.nextPageToken) break;
    next = page.nextPageToken;
  }
  assert.deepEqual(seen, [40001, 40003, 40005, 40007, 40010]);
  // The same query as a GET gives the same first page and the same token: one query, two spellings.
  const viaPost = leadDbOk(await h.json('/rest/v1/campaigns.json?_method=GET&batchSize=2', { token, method: 'POST', headers: FORM, body }));
  const viaGet = leadDbOk(await h.json(`/rest/v1/campaigns.json?batchSize=2&${body}`, { token }));
  assert.deepEqual(viaPost.result, viaGet.result);
  assert.equal(viaPost.nextPageToken, viaGet.nextPageToken);
});

test('node-marketo-rest list.find: POST with a form body _method=GET and comma-joined ids; its nextPage() posts the token back', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead');
  const page1 = leadDbOk(await h.json('/rest/v1/lists.json', { token, method: 'POST', headers: FORM, body: 'id=20004%2C20002%2C20006&batchSize=2&_method=GET' }));
  assert.deepEqual(page1.result.map((r) => r.id), [20002, 20004]);
  const page2 = leadDbOk(await h.json('/rest/v1/lists.json', {
    token, method: 'POST', headers: FORM, body: `id=20004%2C20002%2C20006&batchSize=2&_method=GET&nextPageToken=${page1.nextPageToken}`,
  }));
  assert.deepEqual(page2.result.map((r) => r.id), [20006]);
  assert.equal(page2.nextPageToken, undefined);
});

test('a JSON body {"data":{"_method":"GET",...}} (or flat) is read the same way; the body wins over the query', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-only-campaigns');
  const post = async (path: string, body: unknown) => h.json(path, { token, method: 'POST', headers: JSON_TYPE, body: JSON.stringify(body) });
  const ids = (b: any) => leadDbOk(b).result.map((r) => r.id);
  assert.deepEqual(ids(await post('/rest/v1/campaigns.json', { data: { _method: 'GET', id: [40002, 40001], batchSize: 5 } })), [40001, 40002]);
  assert.deepEqual(ids(await post('/rest/v1/campaigns.json', { _method: 'GET', name: 'Campaign 7', batchSize: 2 })), [40007, 40107]);
  assert.deepEqual(ids(await post('/rest/v1/lists.json?id=20001', { data: { _method: 'get', id: '20003' } })), [20003], 'body wins; any case');
  assert.deepEqual(ids(await post('/rest/v1/lists.json?_method=GET&id=20001&batchSize=1', { data: { name: 'List 2' } })), [], 'merged with AND');
  assert.deepEqual(ids(await post('/rest/v1/lists/20003.json?_method=GET', {})), [20003], 'by id too');
  // A form body's keys win over the query's as well.
  assert.deepEqual(ids(await h.json('/rest/v1/lists.json?_method=GET&id=20001', { token, method: 'POST', headers: FORM, body: 'id=20009' })), [20009]);
});

test('every /rest/v1 read takes the override; a POST without _method=GET is 610; the override keeps token and permission checks', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-lead,read-only-activity');
  const usage = await h.json('/rest/v1/stats/usage.json?_method=GET', { token, method: 'POST' });
  assert.equal(usage.success, true, JSON.stringify(usage));
  assert.equal(typeof usage.result[0].total, 'number');
  assert.equal((await h.json('/rest/v1/activities/types.json', { token, method: 'POST', headers: FORM, body: '_method=GET' })).success, true);
  for (const [body, headers] of [[undefined, {}], ['_method=POST', FORM], ['batchSize=2', FORM], ['{"data":{"batchSize":2}}', JSON_TYPE], ['{not json', JSON_TYPE]] as const) {
    assertError(await h.json('/rest/v1/lists.json', { token, method: 'POST', headers, body }), '610', 'Requested resource not found');
  }
  assertError(await h.json('/rest/v1/lists.json?_method=DELETE', { token, method: 'POST' }), '610');
  assertError(await h.json('/rest/v1/lists.json?_method=GET', { method: 'POST' }), '601');
  assertError(await h.json('/rest/v1/campaigns.json?_method=GET', { token, method: 'POST' }), '603');
  // POST-only routes are untouched: custom activities still take their JSON body.
  assertError(await h.json('/rest/v1/activities/external.json?_method=GET', { token, method: 'POST', headers: JSON_TYPE, body: '{}' }), '603');
});

test('GET bodies stay ignored (node-marketo-rest campaign.getCampaigns sends its filters there): every campaign comes back', async (t) => {
  const h = await readsHarness(t);
  const token = await h.token('read-only-campaigns');
  const res = await raw(h, {
    path: '/rest/v1/campaigns.json', headers: { Authorization: `Bearer ${token}`, ...FORM, 'Content-Length': 31 }, body: '_method=GET&name=Campaign%207xx',
  });
  assert.equal(res.status, 200);
  assert.equal(leadDbOk(JSON.parse(res.text)).result.length, 300);
});
