/**
 * Operability: `GET /metrics` (Prometheus text: requests by route and code, jobs by status, queue
 * depth, quota used, export rows and bytes), `GET /tidemark/v1/health`, the OpenAPI document
 * generated from the registered routes, and structured logs that carry requestId and exportId.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { defaultConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTidemark } from '../../src/server/main.js';
import { activity, startHarness, T0, tempDir } from '../helpers/harness.js';
import { assertError, BASE, completedJob, createJob, enqueue, oneJob, REQUEST_ID, status, userWithToken } from '../helpers/api.js';
import { startEmulator } from '../emulator/helpers.js';

/** `name{labels} value` lines of a Prometheus text, as a map from `name{labels}` to the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

test('/metrics: requests by route and code, jobs by status, queue depth, quota, export rows and bytes', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity(), activity()]);
  const u = await userWithToken(h);
  const done = await completedJob(h, u.token);
  assertError(await status(h, 'not-a-token', done.exportId), '601');
  await h.json('/no/such/path');
  await h.emu.delayJobs('1h');
  const held = await createJob(h, u.token);
  oneJob(await enqueue(h, u.token, held.exportId));
  const waiting = await createJob(h, u.token);
  oneJob(await enqueue(h, u.token, waiting.exportId));
  const queued = await createJob(h, u.token);
  oneJob(await enqueue(h, u.token, queued.exportId)); // 2 processing slots: held, waiting; this one waits
  for (let i = 0; i < 200 && oneJob(await status(h, u.token, waiting.exportId)).status !== 'Processing'; i++) await new Promise((r) => setTimeout(r, 10));

  const res = await h.call('/metrics'); // no token needed
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const m = samples(await res.text());
  const req = (route: string, method: string, st: number, code: string) => m.get(`tidemark_http_requests_total{route="${route}",method="${method}",status="${st}",code="${code}"}`);
  assert.equal(req(`${BASE}/create.json`, 'POST', 200, 'none'), 4);
  assert.equal(req(`${BASE}/:exportId/status.json`, 'GET', 200, '601'), 1);
  assert.equal(req('unmatched', 'GET', 200, '610'), 1);
  assert.equal(req('/identity/oauth/token', 'GET', 200, 'none'), 1);
  assert.equal(req('/tidemark/v1/emulator/faults/jobs', 'POST', 200, 'none'), 1);
  assert.equal(m.get('tidemark_jobs{status="Completed"}'), 1);
  assert.equal(m.get('tidemark_jobs{status="Processing"}'), 2);
  assert.equal(m.get('tidemark_jobs{status="Queued"}'), 1);
  assert.equal(m.get('tidemark_jobs{status="Failed"}'), 0);
  assert.equal(m.get('tidemark_queue_depth'), 1);
  assert.equal(m.get('tidemark_export_quota_used_bytes'), done.fileSize);
  assert.equal(m.get('tidemark_export_quota_limit_bytes'), 500 * 1024 * 1024);
  assert.equal(m.get('tidemark_export_rows_total'), 3);
  assert.equal(m.get('tidemark_export_bytes_total'), done.fileSize);
  assert.equal(m.get('tidemark_exports_total{outcome="completed"}'), 1);
  assert.equal(m.get('tidemark_export_duration_seconds_count'), 1);
  assert.ok((m.get(`tidemark_http_request_duration_seconds_count{route="${BASE}/create.json"}`) ?? 0) >= 4);
  assert.ok(m.has('tidemark_process_resident_memory_bytes'), 'process metrics are there too');
  assert.ok((m.get('tidemark_api_calls_today') ?? 0) >= 8);
  // Scrapes are not API calls: they pass without a token and count toward no limit.
  const before = m.get('tidemark_api_calls_today');
  const again = samples(await (await h.call('/metrics')).text());
  assert.equal(again.get('tidemark_api_calls_today'), before);
});

test('/tidemark/v1/health: 200 with the store reachable, 503 when it is not; public', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const ok = await h.call('/tidemark/v1/health');
  assert.equal(ok.status, 200);
  const body = await ok.json() as Record<string, unknown>;
  assert.equal(body.status, 'ok');
  assert.equal(body.store, h.store.location.kind);
  assert.equal(body.role, 'all');
  assert.equal(body.time, new Date(T0).toISOString(), 'the server clock');
  assert.match(String(body.version), /^\d+\.\d+\.\d+/);
  const real = h.store.countJobsByStatus.bind(h.store);
  h.store.countJobsByStatus = async () => {
    throw new Error('connection refused');
  };
  const down = await h.call('/tidemark/v1/health');
  assert.equal(down.status, 503);
  const downBody = await down.json() as Record<string, unknown>;
  assert.equal(downBody.status, 'unavailable');
  assert.ok(!JSON.stringify(downBody).includes('connection refused'), 'the cause goes to the log, not the answer');
  h.store.countJobsByStatus = real;
  assert.equal((await h.call('/tidemark/v1/health')).status, 200);
});

test('the OpenAPI document lists exactly the registered routes, each with a summary; emulator routes only when mounted', async (t) => {
  for (const controls of [false, true]) {
    const h = controls ? await startEmulator(`${t.name} on`) : await startHarness(`${t.name} off`);
    try {
      const res = await h.call('/tidemark/v1/openapi.json');
      assert.equal(res.status, 200);
      const doc = await res.json() as { openapi: string; paths: Record<string, Record<string, { summary: string; operationId: string; security: unknown[]; parameters?: { name: string }[] }>> };
      assert.equal(doc.openapi, '3.1.0');
      const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([m, op]) => ({ key: `${m.toUpperCase()} ${p}`, op })));
      for (const { key, op } of ops) {
        assert.ok(op.summary, `${key} has a summary`);
        // Every listed operation is a real route of the app.
        const [method, path] = key.split(' ') as [string, string];
        assert.ok(h.tm.app.hasRoute({ method: method as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), `${key} is registered`);
        assert.ok(op.operationId, `${key} has an operationId`);
      }
      const keys = ops.map((o) => o.key);
      assert.ok(keys.includes(`GET ${BASE}/{exportId}/file.json`) && keys.includes(`HEAD ${BASE}/{exportId}/file.json`));
      assert.ok(!keys.includes(`HEAD ${BASE}.json`), "Fastify's automatic HEAD routes are not listed");
      assert.equal(keys.some((k) => k.includes('/tidemark/v1/emulator')), controls);
      const status = doc.paths[`${BASE}/{exportId}/status.json`]!.get!;
      assert.deepEqual(status.parameters?.map((p) => p.name), ['exportId']);
      assert.deepEqual(status.security, [{ accessToken: [] }]);
      assert.deepEqual(doc.paths['/tidemark/v1/health']!.get!.security, []);
      if (controls) assert.deepEqual(doc.paths['/tidemark/v1/emulator/reset']!.post!.security, [{ adminToken: [] }]);
    } finally {
      await h.close();
    }
  }
});

test('logs are JSON lines; request lines carry the requestId, and every line about a job its exportId', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      cb();
    },
  });
  const dataDir = tempDir(t.name);
  const clock = new ManualClock(T0);
  const tm = await createTidemark(defaultConfig({ dataDir, port: 0 }), { clock, log: createLogger('debug', sink), pollMs: 50 });
  t.after(() => tm.close());
  const url = await tm.app.listen({ host: '127.0.0.1', port: 0 });
  const h = { tm, baseUrl: url, call: (p: string, init: RequestInit & { token?: string } = {}) => fetch(`${url}${p}`, { ...init, headers: { ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}), ...(init.headers as Record<string, string>) } }) };
  const { hashSecret } = await import('../../src/lib/secrets.js');
  await tm.store.createUser({ clientId: 'log-user', name: 'log@test', role: 'read-only-activity', secretHash: hashSecret('log-secret-value'), disabled: false, createdAt: T0 });
  await tm.store.importActivities([activity()]);
  const token = ((await (await h.call('/identity/oauth/token?grant_type=client_credentials&client_id=log-user&client_secret=log-secret-value')).json()) as { access_token: string }).access_token;
  const created = (await (await h.call(`${BASE}/create.json`, { method: 'POST', token, body: JSON.stringify({ filter: { createdAt: { startAt: '2026-01-14T00:00:00Z', endAt: '2026-01-16T00:00:00Z' } } }) })).json()) as { result: [{ exportId: string }] };
  const id = created.result[0].exportId;
  await h.call(`${BASE}/${id}/enqueue.json`, { method: 'POST', token });
  assert.equal(await tm.scheduler.waitForJob(id), 'Completed');
  await h.call(`${BASE}/${id}/status.json`, { token });
  await h.call(`${BASE}/${id}/file.json`, { token });

  const about = (msg: string) => lines.filter((l) => l.msg === msg);
  for (const msg of ['export job created', 'export job queued', 'export started', 'export completed']) {
    assert.equal(about(msg).length, 1, `one '${msg}' line`);
    assert.equal(about(msg)[0]!.exportId, id, `'${msg}' carries the exportId`);
  }
  const requests = about('request');
  assert.ok(requests.length >= 5);
  for (const l of requests) {
    assert.match(String(l.requestId), REQUEST_ID);
    assert.equal(typeof l.level, 'number');
    assert.equal(typeof l.time, 'number');
  }
  const jobCalls = requests.filter((l) => String(l.url).includes(id));
  assert.equal(jobCalls.length, 3, 'enqueue, status and file');
  for (const l of jobCalls) assert.equal(l.exportId, id);
  assert.match(String(about('export job created')[0]!.requestId), REQUEST_ID, 'handler lines carry the requestId too');
  // The identity call's line shows the URL without the secret.
  const identity = requests.find((l) => String(l.url).startsWith('/identity'));
  assert.ok(identity && String(identity.url).includes('client_secret=[redacted]'), JSON.stringify(identity));
});
