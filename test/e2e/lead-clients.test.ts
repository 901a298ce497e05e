/**
 * Real clients' lead flows against a live `tidemark serve`, with data loaded by `tidemark import`:
 * - node-marketo-rest 0.7.8 (unmodified): bulkLeadExtract create, enqueue, statusTilCompleted, file,
 *   cancel, and get() (its Retry class re-instantiated with short delays, as in node-marketo-rest.test.ts);
 * - the requests tap-marketo 2.8.0 makes (notes §2.9): the "Corona" probe (a 1-second `updatedAt`
 *   window, cancelled from Created), the leads stream (create, enqueue, poll, `Range: bytes=0-0`,
 *   file, rows read by header name), and its resume list; once with the feature (updatedAt) and
 *   once without it (`--advanced-extract-filters off`: the probe gets 1035, the stream uses createdAt).
 * Both stores (cli.ts gives the data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { LEAD_CATALOG } from '../../src/store/conformance/lead-fixtures.js';
import { Api, createUser, parseCsv, runCli, startServe, tempDir } from './cli.js';

const require = createRequire(import.meta.url);
const Marketo = require('node-marketo-rest') as new (o: Record<string, unknown>) => { bulkLeadExtract: LeadExtract };
const Retry = require('node-marketo-rest/lib/retry') as new (o: Record<string, number>) => unknown;

interface Envelope { success: boolean; result: Array<Record<string, any>>; errors?: Array<{ code: string; message: string }> }
interface LeadExtract {
  _retry: unknown;
  create(fields: string[], filter: unknown, options?: unknown): Promise<Envelope>;
  enqueue(id: string): Promise<Envelope>;
  statusTilCompleted(id: string): Promise<Envelope>;
  cancel(id: string): Promise<Envelope>;
  file(id: string): Promise<string>;
  get(fields: string[], filter: unknown): Promise<Envelope>;
}

const DAY = 86_400_000;
const LEADS = '/bulk/v1/leads/export';
/** pendulum's isoformat() of a UTC moment, whole seconds: `2024-05-01T09:30:12+00:00`. */
const pendulumIso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');

/** 200 leads created over the last 10 days, updated up to 3 days later (never in the future); lead n is in list 3001 when n is even. */
function leadLines(now: number): string {
  const lines = [];
  for (let n = 0; n < 200; n++) {
    const created = now - 10 * DAY + n * 3_600_000;
    const updated = Math.min(now - 60_000, created + (n % 4) * DAY);
    lines.push(JSON.stringify({ id: 500 + n, createdAt: new Date(created).toISOString(), updatedAt: new Date(updated).toISOString(),
      email: `p${n}@example.com`, firstName: n % 7 ? `Pat, "${n}"` : null, staticListIds: n % 2 ? [] : [3001] }));
  }
  return lines.join('\n') + '\n';
}

/** What tap-marketo does with a leads export: the file by Range probe and whole, rows by header name. */
async function tapReadsFile(api: Api, id: string): Promise<Record<string, string>[]> {
  const probe = await api.call(`${LEADS}/${id}/file.json`, { headers: { Range: 'bytes=0-0' } });
  assert.equal(probe.status, 206);
  assert.equal((await probe.text()).length, 1);
  const res = await api.call(`${LEADS}/${id}/file.json`);
  const [header, ...rows] = parseCsv((await res.text()).replaceAll('\r', ''));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

async function pollCompleted(api: Api, id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 600; i++) {
    const job = (await api.json(`${LEADS}/${id}/status.json`)).result[0];
    if (job.status === 'Completed') return job;
    assert.ok(['Queued', 'Processing'].includes(job.status), `unexpected status ${job.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('the lead job never completed');
}

/** tap-marketo's sync of the leads stream: the probe decides between updatedAt ("Corona") and createdAt windows. */
async function tapSync(api: Api, now: number, bookmark: number): Promise<{ corona: boolean; rows: Record<string, string>[] }> {
  const post = (body: unknown) => api.json(`${LEADS}/create.json`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const yesterday = now - DAY;
  const probe = await post({ format: 'CSV', fields: ['id'], filter: { updatedAt: { startAt: pendulumIso(yesterday), endAt: pendulumIso(yesterday + 1000) } } });
  const corona = !(probe.errors ?? []).some((e: { code: string }) => e.code === '1035');
  if (corona) {
    assert.equal(probe.result[0].status, 'Created');
    const cancelled = await api.json(`${LEADS}/${probe.result[0].exportId}/cancel.json`, { method: 'POST' });
    assert.equal(cancelled.result[0].status, 'Cancelled');
  } else {
    assert.deepEqual(probe, { requestId: probe.requestId, success: false, errors: [{ code: '1035', message: 'Unsupported filter type for target subscription' }] });
  }
  const start = corona ? bookmark - DAY : bookmark;
  const created = await post({ format: 'CSV', fields: ['id', 'createdAt', 'updatedAt', 'email', 'firstName'],
    filter: { [corona ? 'updatedAt' : 'createdAt']: { startAt: pendulumIso(start), endAt: pendulumIso(Math.min(start + 30 * DAY, now)) } } });
  assert.equal(created.success, true, JSON.stringify(created));
  const id = created.result[0].exportId as string;
  assert.equal((await api.json(`${LEADS}/${id}/enqueue.json`, { method: 'POST' })).result[0].status, 'Queued');
  const job = await pollCompleted(api, id);
  const rows = await tapReadsFile(api, id);
  assert.equal(rows.length, job.numberOfRecords);
  // The tap parses every row's updatedAt; it must never be null.
  for (const r of rows) assert.ok(!Number.isNaN(Date.parse(r.updatedAt!)) && !Number.isNaN(Date.parse(r.createdAt!)), JSON.stringify(r));
  // Resume: the job list with repeated status keys shows the job.
  const listed = await api.json(`${LEADS}.json?status=Created&status=Queued&status=Processing&status=Completed`);
  assert.ok(listed.result.some((j: { exportId: string }) => j.exportId === id));
  return { corona, rows: corona ? rows : rows.filter((r) => Date.parse(r.updatedAt!) >= bookmark) };
}

test('node-marketo-rest and the tap-marketo lead flow against tidemark serve, with and without the advanced filters', async (t) => {
  const dir = tempDir(t, 'lead-clients');
  const now = Date.now();
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(LEAD_CATALOG));
  writeFileSync(join(dir, 'leads.ndjson'), leadLines(now));
  for (const args of [['--kind', 'assets', join(dir, 'catalog.json')], ['--kind', 'leads', join(dir, 'leads.ndjson')]]) {
    const r = await runCli(['import', ...args, '--data-dir', dir]);
    assert.equal(r.code, 0, r.stderr);
  }
  const user = await createUser(dir, 'leads@e2e', 'read-only-lead');
  let serve = await startServe(t, dir);
  let api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const lib = new Marketo({ endpoint: `${serve.url}/rest`, identity: `${serve.url}/identity`, clientId: user.clientId, clientSecret: user.clientSecret });

  await t.test('node-marketo-rest: create with staticListName, enqueue, statusTilCompleted, file; get(); cancel', async () => {
    const created = await lib.bulkLeadExtract.create(['id', 'email', 'firstName'], { staticListName: 'Newsletter' });
    assert.equal(created.success, true, JSON.stringify(created));
    const id = created.result[0]!.exportId as string;
    assert.equal((await lib.bulkLeadExtract.enqueue(id)).result[0]!.status, 'Queued');
    await pollCompleted(api, id); // so the library resolves on its first status call (its own retry waits 90 s)
    const done = (await lib.bulkLeadExtract.statusTilCompleted(id)).result[0]!;
    assert.equal(done.numberOfRecords, 100);
    const text = await lib.bulkLeadExtract.file(id);
    assert.equal(Buffer.byteLength(text), done.fileSize);
    const rows = parseCsv(text);
    assert.deepEqual(rows[0], ['id', 'email', 'firstName']);
    assert.deepEqual(rows[1], ['500', 'p0@example.com', 'null']);
    assert.deepEqual(rows[3], ['504', 'p4@example.com', 'Pat, "4"']);

    lib.bulkLeadExtract._retry = new Retry({ maxRetries: 40, initialDelay: 250, maxDelay: 500 });
    const got = (await lib.bulkLeadExtract.get(['id'], { createdAt: { startAt: new Date(now - 11 * DAY).toISOString(), endAt: new Date(now).toISOString() } })).result[0]!;
    assert.equal(got.status, 'Completed');
    assert.equal(got.numberOfRecords, 200);

    const spare = (await lib.bulkLeadExtract.create(['id'], { staticListId: 3001 })).result[0]!.exportId as string;
    assert.equal((await lib.bulkLeadExtract.cancel(spare)).result[0]!.status, 'Cancelled');
  });

  const bookmark = now - 5 * DAY;
  await t.test('tap-marketo with the feature: probe created and cancelled, then updatedAt windows', async () => {
    const { corona, rows } = await tapSync(api, now, bookmark);
    assert.equal(corona, true);
    // updatedAt compares the last change; the window starts a day before the bookmark.
    const expected = JSON.parse(`[${leadLines(now).trim().split('\n').join(',')}]`)
      .filter((l: { updatedAt: string }) => Date.parse(l.updatedAt) >= bookmark - DAY).map((l: { id: number }) => String(l.id));
    assert.deepEqual(rows.map((r) => r.id), expected);
  });

  await serve.stop();
  serve = await startServe(t, dir, ['--advanced-extract-filters', 'off']);
  api = await Api.login(serve.url, user.clientId, user.clientSecret);
  await t.test('tap-marketo without it: the probe answers 1035, createdAt windows, rows kept by updatedAt', async () => {
    const { corona, rows } = await tapSync(api, now, bookmark);
    assert.equal(corona, false);
    assert.ok(rows.length > 50);
    for (const r of rows) assert.ok(Date.parse(r.updatedAt!) >= bookmark);
  });
});
