/**
 * What real clients send (decisions.md "Wire format", real-clients.md): the literal `/rest/../bulk`
 * path, bodies on GET, empty JSON bodies and `_method` bodies on enqueue/cancel, fields null / [],
 * stray top-level keys. Sent through node:http so the bytes are exactly the clients'.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { activity, createBody, startHarness, type Harness } from '../helpers/harness.js';
import { BASE, CREATE_BODY, END, NO_LIMITS, oneJob, raw, START, type RawResponse } from '../helpers/api.js';

const DEFAULT_HEADER = 'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes';

let h: Harness;
let token: string;
before(async () => {
  h = await startHarness('client-quirks', { ...NO_LIMITS });
  await h.store.importActivities([activity(), activity()]);
  token = await h.token();
});
after(() => h.close());

/** A request with an exact path, headers and body (Content-Length set when there is a body). */
function send(method: string, path: string, body?: string, contentType?: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  const headers: Record<string, string | number> = { Authorization: `Bearer ${token}`, ...extra };
  if (contentType) headers['Content-Type'] = contentType;
  if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
  return raw(h, { method, path, headers, body });
}

const json = (r: RawResponse) => {
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text);
};

async function newJob(path = `${BASE}/create.json`, body = CREATE_BODY): Promise<string> {
  return oneJob(json(await send('POST', path, body, 'application/json; charset=utf-8'))).exportId;
}

test('node-marketo-rest: the whole flow through the literal /rest/../bulk/v1 path', async () => {
  const dot = `/rest/..${BASE}`;
  const id = await newJob(`${dot}/create.json`);
  const q = json(await send('POST', `${dot}/${id}/enqueue.json`, '{"data":{"_method":"POST"}}', 'application/json'));
  assert.equal(oneJob(q).status, 'Queued');
  await h.tm.scheduler.waitForJob(id);
  const s = json(await send('GET', `${dot}/${id}/status.json`, '{"data":{"_method":"GET"}}', 'application/json'));
  assert.equal(oneJob(s).status, 'Completed');
  const file = await send('GET', `${dot}/${id}/file.json`, '{"data":{"_method":"GET"}}', 'application/json');
  assert.equal(file.status, 200);
  assert.equal(file.text.split('\n')[0], DEFAULT_HEADER);
  assert.equal(file.body.length, oneJob(s).fileSize);
  const list = json(await send('GET', `${dot}.json?status=Completed`));
  assert.ok(list.result.some((j: { exportId: string }) => j.exportId === id));
});

test('other dot-segment and slash spellings reach the same routes', async () => {
  const id = await newJob();
  for (const path of [`/rest/../bulk/v1/./activities/export/${id}/status.json`, `//bulk/v1/activities/export/${id}/status.json`,
    `/a/b/../../bulk/v1/activities/export/${id}/status.json`, `${BASE}/${id}/status.json/`]) {
    assert.equal(oneJob(json(await send('GET', path))).exportId, id, path);
  }
});

test('GET status and file with a JSON body {"data":{"_method":"GET"}} and with a form body _method=GET', async () => {
  const id = await newJob();
  oneJob(json(await send('POST', `${BASE}/${id}/enqueue.json`)));
  await h.tm.scheduler.waitForJob(id);
  const plain = await send('GET', `${BASE}/${id}/file.json`);
  for (const [body, type] of [['{"data":{"_method":"GET"}}', 'application/json'], ['_method=GET', 'application/x-www-form-urlencoded']]) {
    assert.equal(oneJob(json(await send('GET', `${BASE}/${id}/status.json`, body, type))).status, 'Completed', type);
    const file = await send('GET', `${BASE}/${id}/file.json`, body, type);
    assert.equal(file.status, 200, type);
    assert.deepEqual(file.body, plain.body, type);
    const list = json(await send('GET', `${BASE}.json`, body, type));
    assert.equal(list.success, true);
  }
  // Even a body that is not JSON at all is ignored on GET.
  assert.equal(oneJob(json(await send('GET', `${BASE}/${id}/status.json`, '{broken', 'application/json'))).status, 'Completed');
});

test('enqueue and cancel with an empty body and Content-Type application/json (marketorestpython)', async () => {
  const a = await newJob();
  assert.equal(oneJob(json(await send('POST', `${BASE}/${a}/enqueue.json`, '', 'application/json'))).status, 'Queued');
  const b = await newJob();
  assert.equal(oneJob(json(await send('POST', `${BASE}/${b}/cancel.json`, '', 'application/json'))).status, 'Cancelled');
  await h.tm.scheduler.waitForJob(a);
});

test('enqueue and cancel with {"data":{"_method":"POST"}}, with _method=POST, with no body and no Content-Type, with junk', async () => {
  const bodies: [string | undefined, string | undefined][] = [
    ['{"data":{"_method":"POST"}}', 'application/json'],
    ['_method=POST', 'application/x-www-form-urlencoded'],
    [undefined, undefined],
    ['{not json', 'application/json'],
    ['whatever', 'text/plain'],
  ];
  for (const [body, type] of bodies) {
    const a = await newJob();
    assert.equal(oneJob(json(await send('POST', `${BASE}/${a}/enqueue.json`, body, type))).status, 'Queued', `${type} ${body}`);
    const b = await newJob();
    assert.equal(oneJob(json(await send('POST', `${BASE}/${b}/cancel.json`, body, type))).status, 'Cancelled', `${type} ${body}`);
    await h.tm.scheduler.waitForJob(a);
  }
});

test('create: Content-Type application/json; charset=utf-8, text/plain, or none, all read the JSON body', async () => {
  for (const type of ['application/json; charset=utf-8', 'text/plain', undefined]) {
    assert.equal(oneJob(json(await send('POST', `${BASE}/create.json`, CREATE_BODY, type))).status, 'Created', String(type));
  }
});

test('create: unknown top-level keys are ignored (hotglue window_start_date), unknown filter keys are 1003', async () => {
  const ok = json(await send('POST', `${BASE}/create.json`, createBody(START, END, { window_start_date: START, window_end_date: END }), 'application/json'));
  assert.equal(oneJob(ok).status, 'Created');
  const bad = json(await send('POST', `${BASE}/create.json`, createBody(START, END, {}, { updatedAt: { startAt: START, endAt: END } }), 'application/json'));
  assert.equal(bad.errors[0].code, '1003');
  assert.match(bad.errors[0].message, /filter\.updatedAt/);
});

test('fields null (marketorestpython), [] (airbyte) and absent (node-marketo-rest) give the 8 default columns', async () => {
  for (const extra of [{ fields: null }, { fields: [] }, {}]) {
    const id = await newJob(`${BASE}/create.json`, createBody(START, END, extra));
    oneJob(json(await send('POST', `${BASE}/${id}/enqueue.json`)));
    assert.equal(await h.tm.scheduler.waitForJob(id), 'Completed');
    const file = await send('GET', `${BASE}/${id}/file.json`);
    const lines = file.text.split('\n');
    assert.equal(lines[0], DEFAULT_HEADER, JSON.stringify(extra));
    assert.equal(lines.length, 4, 'header, 2 rows, and the empty string after the final LF');
  }
});

test('create with milliseconds and with +00:00 offsets, as node-marketo-rest and tap-marketo send them', async () => {
  const a = json(await send('POST', `${BASE}/create.json`, createBody('2026-01-14T12:00:00.000Z', '2026-01-16T12:00:00.000Z'), 'application/json'));
  assert.equal(oneJob(a).status, 'Created');
  const b = json(await send('POST', `${BASE}/create.json`, createBody('2026-01-14T12:00:00+00:00', '2026-01-16T12:00:00+00:00', {
    fields: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId', 'primaryAttributeValue', 'primaryAttributeValueId', 'attributes'],
  }, { activityTypeIds: [104] }), 'application/json'));
  assert.equal(oneJob(b).status, 'Created');
});

test('tap-marketo probe: Range bytes=0-0 right after Completed answers 206 with one byte', async () => {
  const id = await newJob();
  oneJob(json(await send('POST', `${BASE}/${id}/enqueue.json`)));
  await h.tm.scheduler.waitForJob(id);
  const r = await send('GET', `${BASE}/${id}/file.json`, undefined, undefined, { Range: 'bytes=0-0' });
  assert.equal(r.status, 206);
  assert.equal(r.text, 'm');
});
