/**
 * The OpenAPI document against a live server: it is a valid OpenAPI 3.1 document, its operation
 * ids are unique, every example in it passes its schema, and every operation it lists, called on a
 * server with demo data (with the parameters and bodies its own examples give, and ids from an
 * export flow), answers what its schema says (objects closed: no key the shape does not name),
 * with any refusal's code among the codes the operation lists.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { baseLeads } from '../../src/demo/people.js';
import { writeDemoCatalog } from '../../src/demo/seed.js';
import { activity, startHarness, type Harness } from '../helpers/harness.js';
import { ADMIN_TOKEN } from '../emulator/helpers.js';
import { SchemaCheck } from './schema-check.js';

type Json = Record<string, any>;
interface Op { method: string; path: string; op: Json }

const ALL = 'read-write-activity,read-write-assets,read-write-lead,read-write-campaigns';
const KINDS = { activities: '/bulk/v1/activities/export', leads: '/bulk/v1/leads/export', members: '/bulk/v1/program/members/export' };

/** Calls that change what later calls see go last, in this order. */
const LAST = ['/faults/jobs', '/faults/calls', '/faults/clear', '/quota/exhaust', '/cancel', '/cancel.json', '/disable', '/role', '/clock', '/reset', '/sign-out'];
const rank = (o: Op) => {
  const i = o.method === 'GET' ? -1 : LAST.findIndex((s) => o.path.endsWith(s));
  return i === -1 ? (o.method === 'GET' || o.method === 'HEAD' ? 0 : 1) : 2 + i;
};

function operations(doc: Json): Op[] {
  return Object.entries(doc.paths as Json).flatMap(([path, ms]) => Object.entries(ms as Json).map(([m, op]) => ({ method: m.toUpperCase(), path, op })))
    .sort((a, b) => rank(a) - rank(b));
}

/** The schema of the answer: the response of its status, the media type of its Content-Type. */
function answerSchema(op: Json, status: number, contentType: string): Json | undefined {
  const response = op.responses[String(status)];
  if (!response) return undefined;
  const media = Object.keys(response.content ?? {}).find((k) => contentType.toLowerCase().startsWith(k.split(';')[0]!.toLowerCase()));
  return media ? response.content[media].schema : undefined;
}

async function flow(h: Harness, token: string): Promise<Record<string, string>> {
  const doc = await h.json('/tidemark/v1/openapi.json');
  const ids: Record<string, string> = {};
  for (const [kind, base] of Object.entries(KINDS)) {
    const body = doc.paths[`${base}/create.json`].post.requestBody.content['application/json'].example;
    const create = async () => {
      const r = await h.json(`${base}/create.json`, { method: 'POST', token, body: JSON.stringify(body) });
      assert.equal(r.success, true, `${base} create with the document's example: ${JSON.stringify(r)}`);
      return r.result[0].exportId as string;
    };
    ids[kind] = await create();
    ids[`${kind}-fresh`] = await create(); // for enqueue and cancel, which need a Created job
    assert.equal((await h.json(`${base}/${ids[kind]}/enqueue.json`, { method: 'POST', token })).success, true);
    assert.equal(await h.tm.scheduler.waitForJob(ids[kind]!), 'Completed');
  }
  return ids;
}

test('the OpenAPI document is valid, and every operation it lists answers as its schemas say', async (t) => {
  const h = await startHarness(t.name, { emulatorControls: true, adminToken: ADMIN_TOKEN, rateLimit: undefined, maxQueued: 50 });
  t.after(() => h.close());
  await writeDemoCatalog(h.store);
  const leads = [...baseLeads()];
  await h.store.importLeads(leads);
  await h.store.importActivities([activity({ leadId: Number(leads[0]!.id) }), activity({ leadId: Number(leads[1]!.id) })]);
  const doc = await h.json('/tidemark/v1/openapi.json');

  const validity = await new Validator().validate(doc);
  assert.equal(validity.valid, true, JSON.stringify(validity.errors));
  const ops = operations(doc);
  const opIds = ops.map((o) => o.op.operationId);
  assert.equal(new Set(opIds).size, opIds.length, 'operation ids are unique');

  // Every example in the document passes the schema it illustrates.
  const open = new SchemaCheck(doc);
  for (const [name, schema] of Object.entries(doc.components.schemas as Json)) {
    for (const example of schema.examples ?? []) assert.deepEqual(open.errors({ $ref: `#/components/schemas/${name}` }, example), [], `example of ${name}`);
  }
  for (const { method, path, op } of ops) {
    for (const response of Object.values(op.responses as Json)) {
      for (const media of Object.values((response as Json).content ?? {}) as Json[]) {
        for (const [name, ex] of Object.entries(media.examples ?? {}) as [string, Json][]) assert.deepEqual(open.errors(media.schema, ex.value), [], `${method} ${path} example ${name}`);
      }
    }
    const body = op.requestBody?.content?.['application/json'];
    if (body?.example !== undefined) assert.deepEqual(open.errors(body.schema, body.example), [], `${method} ${path} request example`);
  }

  const user = await h.user(ALL);
  const token = (await h.json(`/identity/oauth/token?grant_type=client_credentials&client_id=${user.clientId}&client_secret=${user.clientSecret}`)).access_token as string;
  const ids = await flow(h, token);
  const firstId = async (path: string, asset = false) => String((await h.json(path, { token }))[asset ? 'result' : 'result'][0].id);
  const pathIds: Record<string, string> = {
    '/rest/v1/lists/{id}.json': await firstId('/rest/v1/lists.json'),
    '/rest/v1/campaigns/{id}.json': await firstId('/rest/v1/campaigns.json'),
    '/rest/asset/v1/program/{id}.json': await firstId('/rest/asset/v1/programs.json', true),
    '/rest/asset/v1/staticList/{id}.json': String((await h.store.listAssets('staticList'))[0]!.id),
    '/rest/asset/v1/form/{id}.json': String((await h.store.listAssets('form'))[0]!.id),
  };
  const other = await h.user('read-only-activity');
  const closed = new SchemaCheck(doc, { closed: true });
  const signInCode = h.tm.console!.issueSignInCode();

  const concrete = (method: string, path: string): string => {
    const kind = Object.entries(KINDS).find(([, base]) => path.startsWith(`${base}/`))?.[0] ?? 'activities';
    const fresh = /\/(enqueue|cancel)(\.json)?$/.test(path);
    return path.replace('{exportId}', ids[fresh ? `${kind}-fresh` : kind]!).replace('{clientId}', other.clientId)
      .replace('{id}', pathIds[path] ?? '').replace('{dir}/{name}', 'assets/app.js');
  };

  // The file's refusals: 404 (plain text) and 416, as the document describes them.
  const file = doc.paths['/bulk/v1/activities/export/{exportId}/file.json'].get;
  const missing = await h.call('/bulk/v1/activities/export/no-such-job/file.json', { token });
  assert.equal(missing.status, 404);
  assert.ok(answerSchema(file, 404, missing.headers.get('content-type') ?? ''), 'the 404 is described');
  const past = await h.call(`/bulk/v1/activities/export/${ids.activities}/file.json`, { token, headers: { Range: 'bytes=99999999-' } });
  assert.equal(past.status, 416);
  assert.ok(answerSchema(file, 416, past.headers.get('content-type') ?? ''), 'the 416 is described');

  let checked = 0;
  for (const { method, path, op } of ops) {
    const label = `${method} ${path}`;
    const query = new URLSearchParams();
    for (const p of op.parameters ?? []) if (p.in === 'query' && p.example !== undefined) query.set(p.name, p.example);
    if (path === '/identity/oauth/token') query.set('client_id', user.clientId), query.set('client_secret', user.clientSecret);
    const headers: Record<string, string> = {};
    for (const p of op.parameters ?? []) if (p.in === 'header' && p.example !== undefined) headers[p.name] = p.example;
    const scheme = Object.keys(op.security[0] ?? {})[0];
    if (scheme === 'accessToken') headers.Authorization = `Bearer ${token}`;
    if (scheme === 'adminToken' || (scheme === 'consoleSession' && path.startsWith('/tidemark/'))) headers.Authorization = `Bearer ${ADMIN_TOKEN}`;
    let body: string | undefined;
    const json = op.requestBody?.content?.['application/json'];
    if (json) body = JSON.stringify(json.example ?? {}), headers['Content-Type'] = 'application/json';
    else if (op.requestBody?.content?.['application/x-www-form-urlencoded']) {
      body = path === '/console/sign-in' ? `code=${signInCode}` : '_method=GET';
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      if (path === '/console/sign-in') headers.Origin = h.baseUrl;
    }
    if (path === '/tidemark/v1/console/users' && method === 'POST') body = JSON.stringify({ name: 'openapi@test', role: 'read-only-lead' });
    if (path.endsWith('/role')) body = JSON.stringify({ role: 'read-only-lead' });
    const url = `${concrete(method, path)}${query.size ? `?${query}` : ''}`;
    const controller = new AbortController();
    const res = await h.call(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: 'manual', signal: controller.signal });
    const type = res.headers.get('content-type') ?? '';
    const schema = answerSchema(op, res.status, type);
    assert.ok(schema || method === 'HEAD' || res.status === 303, `${label}: HTTP ${res.status} ${type} is not in the document`);
    if (type.startsWith('text/event-stream')) {
      controller.abort(); // an event stream does not end; its first bytes are enough
      checked++;
      continue;
    }
    const text = await res.text();
    if (type.startsWith('application/json') && schema) {
      const answer = JSON.parse(text) as Json;
      assert.deepEqual(closed.errors(schema, answer), [], `${label}: ${text.slice(0, 400)}`);
      if (answer.success === false) assert.fail(`${label} refused with the document's own example: ${text}`);
    }
    assert.ok(res.status < 300 || res.status === 303, `${label}: HTTP ${res.status}`);
    checked++;
  }
  assert.equal(checked, ops.length);

  // Each token operation without a token: 601, which passes the schema and is listed.
  for (const { method, path, op } of ops.filter((o) => o.op.security.some((s: Json) => 'accessToken' in s) && o.method !== 'HEAD')) {
    const res = await h.call(concrete(method, path), { method });
    const answer = await res.json() as Json;
    assert.deepEqual(closed.errors(answerSchema(op, res.status, res.headers.get('content-type') ?? '')!, answer), [], `${method} ${path} without a token`);
    assert.ok(op['x-marketo-errors'].some((e: Json) => e.code === answer.errors[0].code), `${method} ${path}: ${answer.errors[0].code} is listed`);
  }
});
