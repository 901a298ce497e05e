/**
 * Issue 16, finding 1: input shapes that answered 611 or an undocumented HTTP answer.
 *   - JSON values that are objects with `toString`/`valueOf` keys reach the validators as data:
 *     1001/1002/1003, never 611 (a `String(value)` ran the "method", which is a number).
 *   - Path parameters of any length answer the route's documented code (1003 on status, enqueue
 *     and cancel; plain-text 404 on file.json), and nothing is logged as an unexpected error.
 *   - Odd HTTP over a real socket: `Expect: foo` (417), no `Host` (400), `CONNECT` (405) answer
 *     non-empty plain text; an absolute-form request target is served like its path.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../../src/lib/logger.js';
import { BASE, openSocket, readAll, userWithToken } from '../helpers/api.js';
import { activity, JSON_HEADERS, startHarness, type Harness } from '../helpers/harness.js';

/** A logger whose lines the test can read. */
function capturedLog() {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  return { log: createLogger('info', sink), lines };
}

const HOSTILE = [{ toString: 1 }, { valueOf: 1 }, { toString: 1, valueOf: 1 }, { toString: {} }, { toJSON: 1 }, JSON.parse('{"__proto__":{"toString":1}}'), [{ toString: 1 }]];
const START = '2026-01-14T12:00:00Z';
const END = '2026-01-16T12:00:00Z';

function createBodies(v: unknown): [string, string[]][] {
  const filter = { createdAt: { startAt: START, endAt: END } };
  return [
    [JSON.stringify({ filter: { createdAt: { startAt: START, endAt: v } } }), ['1001']],
    [JSON.stringify({ filter: { createdAt: { startAt: v, endAt: END } } }), ['1001']],
    [JSON.stringify({ filter: { createdAt: v } }), ['1002', '1003']],
    [JSON.stringify({ filter: v }), ['1002', '1003']],
    [JSON.stringify({ format: v, filter }), ['1003']],
    [JSON.stringify({ fields: v, filter }), ['1003']],
    [JSON.stringify({ fields: [v], filter }), ['1003']],
    [JSON.stringify({ columnHeaderNames: v, filter }), ['1003']],
    [JSON.stringify({ fields: ['leadId'], columnHeaderNames: { leadId: v }, filter }), ['1003']],
    [JSON.stringify({ filter: { ...filter, activityTypeIds: v } }), ['1003']],
    [JSON.stringify({ filter: { ...filter, activityTypeIds: [2], primaryAttributeValues: [v] } }), ['1003']],
    [JSON.stringify({ filter: { ...filter, activityTypeIds: [2], primaryAttributeValueIds: v } }), ['1003']],
    [JSON.stringify(v), ['1002', '1003']],
  ];
}

async function post(h: Harness, token: string, path: string, body: string): Promise<any> {
  return h.json(path, { method: 'POST', token, headers: JSON_HEADERS, body });
}

test('objects with toString/valueOf keys get the rule\'s code (1001/1002/1003), never 611, on every JSON route', async (t) => {
  const { log, lines } = capturedLog();
  const h = await startHarness(t.name, { rateLimit: undefined, emulatorControls: true, adminToken: 'input-shapes-admin-0123456789' }, { log });
  t.after(() => h.close());
  await h.store.importActivities([activity({ leadId: 5414087 })]);
  const { token } = await userWithToken(h, 'read-write-activity');
  const type = await post(h, token, '/rest/v1/activities/external/type.json', JSON.stringify({
    apiName: 'shapeTest', name: 'Shape Test', primaryAttribute: { apiName: 'pav', name: 'Pav' }, attributes: [{ apiName: 'n', name: 'N' }],
  }));
  assert.equal(type.success, true, JSON.stringify(type));
  const typeId = type.result[0].id;

  for (const v of HOSTILE) {
    for (const [body, codes] of createBodies(v)) {
      const r = await post(h, token, `${BASE}/create.json`, body);
      assert.equal(r.success, false, body);
      assert.ok(codes.includes(r.errors[0].code), `${body} -> ${JSON.stringify(r)}`);
    }
    // The value is shown as the JSON it was, not as a converted object.
    const endAt = await post(h, token, `${BASE}/create.json`, JSON.stringify({ filter: { createdAt: { startAt: START, endAt: v } } }));
    assert.equal(endAt.errors[0].message, `Invalid value '${JSON.stringify(v)}'. Required of type 'datetime'`);

    // Custom activity records: record-level reasons, the call itself succeeds.
    const base = { leadId: 5414087, activityDate: '2026-01-15T09:30:00Z', activityTypeId: typeId, primaryAttributeValue: 'x' };
    for (const rec of [{ ...base, activityDate: v }, { ...base, activityTypeId: v }, { ...base, primaryAttributeValue: v }, { ...base, attributes: [{ apiName: v, value: 1 }] }]) {
      const r = await post(h, token, '/rest/v1/activities/external.json', JSON.stringify({ input: [rec] }));
      assert.equal(r.success, true, JSON.stringify(r));
      assert.equal(r.result[0].status, 'skipped', JSON.stringify(r));
      assert.ok(['1001', '1003', '1006'].includes(r.result[0].reasons[0].code), JSON.stringify(r));
    }
    const typeBody = await post(h, token, '/rest/v1/activities/external/type.json', JSON.stringify({ apiName: v, name: v, primaryAttribute: v, attributes: [v] }));
    assert.ok(['1002', '1003'].includes(typeBody.errors?.[0]?.code), JSON.stringify(typeBody));

    const forced = await h.json('/tidemark/v1/emulator/faults/calls', {
      method: 'POST', headers: { ...JSON_HEADERS, Authorization: 'Bearer input-shapes-admin-0123456789' }, body: JSON.stringify({ code: v }),
    });
    assert.equal(forced.errors?.[0]?.code, '1003', JSON.stringify(forced));
  }
  assert.deepEqual(lines.filter((l) => l.includes('unexpected error')), [], 'no 611 cause was logged');
});

test('path parameters of any length: 1003 on status, enqueue and cancel, plain 404 on file.json, nothing logged as unexpected', async (t) => {
  const { log, lines } = capturedLog();
  const h = await startHarness(t.name, { rateLimit: undefined }, { log });
  t.after(() => h.close());
  const { token } = await userWithToken(h, 'read-write-activity');
  for (const n of [99, 100, 101, 500, 4000, 8000]) {
    const id = 'x'.repeat(n);
    for (const [method, action] of [['GET', 'status'], ['POST', 'enqueue'], ['POST', 'cancel']] as const) {
      const r = await h.json(`${BASE}/${id}/${action}.json`, { method, token });
      assert.deepEqual(r.errors, [{ code: '1003', message: `Export job '${id}' not found` }], `${action} with a ${n}-character id`);
    }
    for (const method of ['GET', 'HEAD']) {
      const r = await h.call(`${BASE}/${id}/file.json`, { method, token });
      assert.equal(r.status, 404, `${method} file.json with a ${n}-character id`);
      assert.match(String(r.headers.get('content-type')), /^text\/plain/);
      if (method === 'GET') assert.equal(await r.text(), `Export file for job '${id}' not found or not available`);
    }
    // Without a token the token step answers first, whatever the id's length.
    assert.equal((await h.json(`${BASE}/${id}/status.json`)).errors[0].code, '601');
  }
  assert.deepEqual(lines.filter((l) => l.includes('"level":50')), [], 'no error was logged');
});

/** Sends a hand-made request and returns everything the server wrote before closing. */
async function exchange(h: Harness, text: string): Promise<string> {
  const s = await openSocket(h, text);
  const timer = setTimeout(() => s.destroy(), 3000);
  const out = await readAll(s);
  clearTimeout(timer);
  return out;
}

function parse(answer: string): { status: number; headers: string; body: string } {
  const [head = '', body = ''] = answer.split('\r\n\r\n', 2);
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), headers: head, body };
}

test('odd HTTP: Expect other than 100-continue, no Host, CONNECT and absolute-form targets get documented, non-empty answers', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const { token } = await userWithToken(h);
  const cases: [string, string, number, string][] = [
    ['Expect: foo', `GET ${BASE}.json HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nConnection: close\r\n\r\n`, 417, "Expectation Failed: only 'Expect: 100-continue' is supported"],
    ['no Host', `GET ${BASE}.json HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`, 400, 'Bad Request: an HTTP/1.1 request needs a Host header'],
    ['empty Host', `GET ${BASE}.json HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n`, 400, 'Bad Request: an HTTP/1.1 request needs a Host header'],
    ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405, 'Method Not Allowed: CONNECT is not supported; Tidemark is not a proxy'],
  ];
  for (const [what, request, status, body] of cases) {
    const a = parse(await exchange(h, request));
    assert.equal(a.status, status, what);
    assert.equal(a.body, body, what);
    assert.match(a.headers, /content-type: text\/plain; charset=utf-8/i, what);
  }
  // HTTP/1.0 needs no Host; an absolute-form target is served as its path.
  const old = parse(await exchange(h, `GET ${BASE}.json HTTP/1.0\r\nAuthorization: Bearer ${token}\r\n\r\n`));
  assert.equal(old.status, 200);
  assert.match(old.body, /"success":true/);
  const absolute = parse(await exchange(h, `GET http://123-ABC-456.mktorest.com${BASE}.json HTTP/1.1\r\nHost: 123-ABC-456.mktorest.com\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`));
  assert.equal(absolute.status, 200);
  assert.match(absolute.body, /"success":true/);
  // Expect: 100-continue still works, and the server keeps answering.
  const cont = await exchange(h, `GET ${BASE}.json HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`);
  assert.match(cont, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  assert.match(cont, /"success":true/);
});

test('a path parameter past the URI limit is 414, as the rest of an over-long URI, also in process (no socket limit)', async (t) => {
  const { log, lines } = capturedLog();
  const h = await startHarness(t.name, { rateLimit: undefined }, { log });
  t.after(() => h.close());
  const { token } = await userWithToken(h, 'read-write-activity');
  for (const action of ['status', 'file']) {
    const r = await h.tm.app.inject({ url: `${BASE}/${'x'.repeat(9000)}/${action}.json`, headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.statusCode, 414, action);
    assert.equal(r.payload, 'Request-URI Too Long');
  }
  assert.deepEqual(lines.filter((l) => l.includes('"level":50')), [], 'no error was logged');
});

test('filter texts with NUL, lone surrogates or 100,000 characters: the job completes, selecting what an import of the same text stored (both stores)', async (t) => {
  const h = await startHarness(t.name, { rateLimit: undefined });
  t.after(() => h.close());
  const long = 'v'.repeat(100_000);
  await h.store.importActivities([
    activity({ activityTypeId: 2, primaryAttributeValue: 'ab' }), // what importing "a\u0000b" stores
    activity({ activityTypeId: 2, primaryAttributeValue: 'x\uFFFDy' }), // what importing "x\uD800y" stores
    activity({ activityTypeId: 2, primaryAttributeValue: long }),
    activity({ activityTypeId: 2, primaryAttributeValue: 'other' }),
  ]);
  const { token } = await userWithToken(h);
  const created = await post(h, token, `${BASE}/create.json`, JSON.stringify({
    fields: ['primaryAttributeValue'],
    filter: { createdAt: { startAt: START, endAt: END }, activityTypeIds: [2], primaryAttributeValues: ['a\u0000b', 'x\uD800y', long, '\u0000'] },
  }));
  assert.equal(created.success, true, JSON.stringify(created).slice(0, 300));
  const id = created.result[0].exportId;
  await h.json(`${BASE}/${id}/enqueue.json`, { method: 'POST', token });
  assert.equal(await h.tm.scheduler.waitForJob(id), 'Completed');
  const file = await (await h.call(`${BASE}/${id}/file.json`, { token })).text();
  assert.deepEqual(file.split('\n').slice(1, -1).sort(), ['ab', long, 'x\uFFFDy'].sort());
});
