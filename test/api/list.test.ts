/**
 * `GET /bulk/v1/activities/export.json`: own jobs only, created in the last 7 days, status filters
 * (comma lists, repeated keys, any case, Canceled), batchSize (max 300) and nextPageToken paging.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { JobRecord } from '../../src/domain/job.js';
import { startHarness, T0, type Harness } from '../helpers/harness.js';
import { assertError, BASE, cancel, createJob, DAY, NO_LIMITS, oneJob, status, tokenFor, userWithToken } from '../helpers/api.js';

type View = { exportId: string; status: string };
const list = async (h: Harness, token: string, query = ''): Promise<any> => h.json(`${BASE}.json${query}`, { token });
const ids = (body: { result: View[] }) => body.result.map((j) => j.exportId).sort();

/** Stores a job row directly (many jobs, or statuses the API cannot hold still). */
async function seed(h: Harness, owner: string, jobStatus: JobRecord['status'], createdAt = h.clock.now()): Promise<string> {
  const exportId = randomUUID();
  const ended = jobStatus === 'Completed' || jobStatus === 'Failed' || jobStatus === 'Cancelled';
  await h.store.insertJob({
    exportId, owner, format: 'CSV', status: jobStatus, createdAt,
    request: { kind: 'activities', format: 'CSV', fields: ['leadId'], columnHeaderNames: {}, filter: { startMs: 0, endMs: 1000 } },
    ...(jobStatus !== 'Created' ? { queuedAt: createdAt } : {}),
    ...(jobStatus === 'Processing' || jobStatus === 'Completed' || jobStatus === 'Failed' ? { startedAt: createdAt } : {}),
    ...(ended ? { finishedAt: createdAt } : {}),
    ...(jobStatus === 'Completed' ? { numberOfRecords: 0, fileSize: 7, fileChecksum: `sha256:${'a'.repeat(64)}` } : {}),
    ...(jobStatus === 'Failed' ? { errorMsg: 'Export failed: internal error while writing the file' } : {}),
  });
  return exportId;
}

test('the list shows only the caller\'s jobs, as job objects in the envelope', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const alice = await userWithToken(h);
  const bob = await userWithToken(h);
  const a1 = (await createJob(h, alice.token)).exportId;
  const a2 = (await createJob(h, alice.token)).exportId;
  const b1 = (await createJob(h, bob.token)).exportId;
  const forAlice = await list(h, alice.token);
  assert.equal(forAlice.success, true);
  assert.deepEqual(ids(forAlice), [a1, a2].sort());
  assert.deepEqual(ids(await list(h, bob.token)), [b1]);
  assert.deepEqual(Object.keys(forAlice.result[0]), ['exportId', 'format', 'status', 'createdAt']);
  assert.ok(!('nextPageToken' in forAlice));
  const carol = await userWithToken(h);
  const empty = await list(h, carol.token);
  assert.deepEqual(empty.result, []);
  assert.equal(empty.success, true);
});

test('only jobs created in the last 7 days are listed; older ones still answer status', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  const old = await seed(h, u.clientId, 'Completed', T0 - 7 * DAY - 1000);
  const edge = await seed(h, u.clientId, 'Completed', T0 - 7 * DAY);
  const recent = await seed(h, u.clientId, 'Created', T0 - 6 * DAY);
  const token = await tokenFor(h, u);
  assert.deepEqual(ids(await list(h, token)), [edge, recent].sort());
  assert.equal(oneJob(await status(h, token, old)).status, 'Completed', 'status retention is 30 days, the list window 7');
  // As the clock moves, jobs leave the window.
  h.clock.advance(1000);
  const t2 = await tokenFor(h, u);
  assert.deepEqual(ids(await list(h, t2)), [recent]);
});

test('status filters: one value, comma lists, repeated keys, any case, Canceled and Cancelled', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  const u = await h.user();
  const token = await tokenFor(h, u);
  const by: Record<string, string> = {};
  for (const s of ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'] as const) by[s] = await seed(h, u.clientId, s);
  const expect = (...statuses: string[]) => statuses.map((s) => by[s]!).sort();

  assert.deepEqual(ids(await list(h, token)), expect('Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'));
  assert.deepEqual(ids(await list(h, token, '?status=Completed')), expect('Completed'));
  assert.deepEqual(ids(await list(h, token, '?status=Completed,Failed')), expect('Completed', 'Failed'));
  assert.deepEqual(ids(await list(h, token, '?status=Completed, Failed')), expect('Completed', 'Failed'));
  // tap-marketo: repeated keys, capitalised.
  assert.deepEqual(ids(await list(h, token, '?status=Created&status=Queued&status=Processing&status=Completed')), expect('Created', 'Queued', 'Processing', 'Completed'));
  // The swagger enum: lower case.
  assert.deepEqual(ids(await list(h, token, '?status=queued&status=processing')), expect('Queued', 'Processing'));
  assert.deepEqual(ids(await list(h, token, '?status=COMPLETED')), expect('Completed'));
  for (const spelling of ['Canceled', 'Cancelled', 'canceled', 'CANCELLED']) {
    assert.deepEqual(ids(await list(h, token, `?status=${spelling}`)), expect('Cancelled'), spelling);
  }
  assert.deepEqual(ids(await list(h, token, '?status=created,Canceled&status=FAILED')), expect('Created', 'Cancelled', 'Failed'));
  // Status values are spelled Cancelled in the answer.
  const cancelled = (await list(h, token, '?status=canceled')).result[0];
  assert.equal(cancelled.status, 'Cancelled');
  assertError(await list(h, token, '?status=Done'), '1003', /status.*Done/);
  assertError(await list(h, token, '?status=Completed,Nope'), '1003', /Nope/);
});

test('a job cancelled through the API is listed under status=Canceled', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const token = await h.token();
  const job = await createJob(h, token);
  await cancel(h, token, job.exportId);
  const body = await list(h, token, '?status=Canceled');
  assert.deepEqual(ids(body), [job.exportId]);
  assert.equal(body.result[0].status, 'Cancelled');
});

test('batchSize: default and maximum 300; nextPageToken pages through every job exactly once', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  const u = await h.user();
  const token = await tokenFor(h, u);
  const all: string[] = [];
  for (let i = 0; i < 305; i++) all.push(await seed(h, u.clientId, i % 2 ? 'Completed' : 'Created', T0 - i * 1000));
  all.sort();

  const first = await list(h, token);
  assert.equal(first.result.length, 300);
  assert.equal(typeof first.nextPageToken, 'string');
  assert.deepEqual(Object.keys(first), ['requestId', 'result', 'success', 'nextPageToken']);
  const second = await list(h, token, `?nextPageToken=${encodeURIComponent(first.nextPageToken)}`);
  assert.equal(second.result.length, 5);
  assert.ok(!('nextPageToken' in second), 'no token on the last page');
  assert.deepEqual([...ids(first), ...ids(second)].sort(), all);

  const capped = await list(h, token, '?batchSize=1000');
  assert.equal(capped.result.length, 300, 'batchSize over 300 is capped at 300');

  // Small pages: every job once, in a stable order, the last page without a token.
  const seen: string[] = [];
  let page = await list(h, token, '?batchSize=50');
  let pages = 1;
  for (;;) {
    assert.ok(page.result.length <= 50);
    seen.push(...page.result.map((j: View) => j.exportId));
    if (!page.nextPageToken) break;
    page = await list(h, token, `?batchSize=50&nextPageToken=${encodeURIComponent(page.nextPageToken)}`);
    pages++;
  }
  assert.equal(pages, 7);
  assert.equal(new Set(seen).size, 305);
  assert.deepEqual([...seen].sort(), all);

  // Paging combines with a status filter.
  const done: string[] = [];
  let p = await list(h, token, '?status=Completed&batchSize=100');
  for (;;) {
    done.push(...p.result.map((j: View) => { assert.equal(j.status, 'Completed'); return j.exportId; }));
    if (!p.nextPageToken) break;
    p = await list(h, token, `?status=Completed&batchSize=100&nextPageToken=${encodeURIComponent(p.nextPageToken)}`);
  }
  assert.equal(done.length, 152);
});

test('exactly batchSize jobs: one page, no nextPageToken', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user();
  for (let i = 0; i < 3; i++) await seed(h, u.clientId, 'Created', T0 - i * 1000);
  const body = await list(h, await tokenFor(h, u), '?batchSize=3');
  assert.equal(body.result.length, 3);
  assert.ok(!('nextPageToken' in body));
});

test('a bad batchSize or nextPageToken answers 1003', async (t) => {
  const h = await startHarness(t.name, { ...NO_LIMITS });
  t.after(() => h.close());
  const token = await h.token();
  for (const v of ['0', '-1', 'abc', '1.5', '1e2', '']) {
    assertError(await list(h, token, `?batchSize=${encodeURIComponent(v)}`), '1003', /batchSize/);
  }
  for (const v of ['garbage!', 'eyJ4IjoxfQ', Buffer.from('{"o":-5}').toString('base64url'), Buffer.from('[1]').toString('base64url')]) {
    assertError(await list(h, token, `?nextPageToken=${encodeURIComponent(v)}`), '1003', /nextPageToken/);
  }
});
