/**
 * Several processes on one PostgreSQL database and one export directory: one `--role api` and two
 * `--role worker`. The processing limit holds across both workers, and killing a worker in the
 * middle of an export still ends with every job Completed and correct (its lease runs out and the
 * other worker runs the job again).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { exportDir } from '../../src/config/config.js';
import { test } from 'node:test';
import { formatHeader, formatRow } from '../../src/domain/file-format.js';
import type { Activity } from '../../src/domain/activity.js';
import { newClientCredentials } from '../../src/lib/ids.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { dropTestSchema, tempDir } from '../helpers/harness.js';
import { startServe } from './serve.js';
import { activityRequest } from '../../src/domain/job.js';

const base = process.env.TIDEMARK_TEST_DATABASE_URL;
const START = Date.UTC(2026, 2, 1);
const ROWS = 250_000;

function* activities(): Generator<Activity> {
  for (let i = 0; i < ROWS; i++) {
    yield {
      marketoGUID: String(1_000_000 + i), leadId: 1000 + (i % 5000), activityDate: START + Math.floor((i * 30 * 86_400_000) / ROWS / 1000) * 1000,
      activityTypeId: [1, 2, 6, 7, 10][i % 5]!, campaignId: i % 3 ? 8000 + (i % 40) : null, primaryAttributeValueId: 2000 + (i % 7),
      primaryAttributeValue: `Asset ${i % 7}, "quoted"`, attributes: JSON.stringify({ 'Client IP Address': `203.0.113.${i % 250}`, Seq: i }),
      actionResult: null,
    };
  }
}

test('two workers and an api process share the limits, and a killed worker loses its job to the other', { skip: base ? false : 'TIDEMARK_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)', timeout: 240_000 }, async (t) => {
  const u = new URL(base!);
  u.searchParams.set('schema', `scaleout_${process.pid}`);
  const url = u.toString();
  const dataDir = tempDir('scale-out');
  const store = new PostgresStore(url);
  const children: ChildProcess[] = [];
  t.after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await store.close();
    await dropTestSchema(url);
    rmSync(dataDir, { recursive: true, force: true });
  });
  await store.importActivities(activities());
  const { clientId, clientSecret } = newClientCredentials();
  await store.createUser({ clientId, name: 'scale@test', role: 'read-only-activity', secretHash: hashSecret(clientSecret), disabled: false, createdAt: Date.now() });

  const common = ['--database-url', url, '--data-dir', dataDir, '--lease-seconds', '3', '--log-level', 'warn', '--max-processing', '2'];
  const api = await startServe([...common, '--role', 'api', '--port', '0', '--rate-limit', 'off', '--max-concurrent-requests', 'off']);
  children.push(api.child);
  const workers = await Promise.all([startServe([...common, '--role', 'worker']), startServe([...common, '--role', 'worker'])]);
  children.push(...workers.map((w) => w.child));
  const baseUrl = api.url!;

  const token = ((await (await fetch(`${baseUrl}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`)).json()) as { access_token: string }).access_token;
  const call = async (path: string, init: RequestInit = {}) =>
    (await fetch(`${baseUrl}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } })).json() as Promise<any>;

  // Five jobs over the whole month, with different type filters, so each takes a while.
  const typeSets = [[1], [2, 6], [7], [10], [1, 2, 6, 7, 10]];
  const ids: string[] = [];
  for (const types of typeSets) {
    const created = await call('/bulk/v1/activities/export/create.json', {
      method: 'POST', body: JSON.stringify({ filter: { createdAt: { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-31T23:59:59Z' }, activityTypeIds: types } }),
    });
    ids.push(created.result[0].exportId);
  }
  for (const id of ids) assert.equal((await call(`/bulk/v1/activities/export/${id}/enqueue.json`, { method: 'POST' })).result[0].status, 'Queued');

  // Watch the job table: never more than 2 Processing; kill the worker that holds the first claim.
  let maxProcessing = 0;
  let killed: string | undefined;
  const pids = new Map(workers.map((w) => [w.child.pid!, w.child]));
  const deadline = Date.now() + 200_000;
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => store.getJob(id)));
    // One query is one snapshot; counting the five reads above could see a job finish and the
    // next one start between two reads, and report 3 (these five are the schema's only jobs).
    const processing = (await store.countJobsByStatus()).Processing;
    maxProcessing = Math.max(maxProcessing, processing);
    if (!killed && processing > 0) {
      const owners = await ownersOf(url);
      // The victim has begun writing: its temp file (tagged `<pid>-...`) is on disk.
      const writing = readdirSync(exportDir(dataDir)).filter((f) => f.endsWith('.part'));
      const victim = owners.map((o) => Number(o.split(':')[1])).find((pid) => pids.has(pid) && writing.some((f) => f.includes(`.${pid}-`)));
      if (victim) {
        pids.get(victim)!.kill('SIGKILL');
        killed = `pid ${victim}`;
      }
    }
    if (jobs.every((j) => j?.status === 'Completed' || j?.status === 'Failed')) break;
    assert.ok(Date.now() < deadline, 'jobs did not finish in time');
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(killed, 'a worker was killed while it held a job');
  assert.ok(maxProcessing <= 2, `at most 2 Processing at once across both workers (saw ${maxProcessing})`);
  t.diagnostic(`killed ${killed}; most Processing at once: ${maxProcessing}`);

  // Every file is complete and equals the oracle for its filter.
  for (const [i, id] of ids.entries()) {
    const status = (await call(`/bulk/v1/activities/export/${id}/status.json`)).result[0];
    assert.equal(status.status, 'Completed', `job ${i}: ${JSON.stringify(status)}`);
    const bytes = Buffer.from(await (await fetch(`${baseUrl}/bulk/v1/activities/export/${id}/file.json`, { headers: { Authorization: `Bearer ${token}` } })).arrayBuffer());
    assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, status.fileChecksum, `job ${i}: checksum`);
    const job = (await store.getJob(id))!;
    const request = activityRequest(job);
    let expected = formatHeader(request);
    for await (const a of store.exportRows(request.filter)) expected += formatRow(a, request.fields, request.format);
    assert.ok(bytes.equals(Buffer.from(expected)), `job ${i}: file equals the oracle`);
    assert.equal(status.numberOfRecords, expected.split('\n').length - 2);
  }

  // Files follow jobs (issue 16, finding 6): the killed worker's temp files go once its lease has
  // run out, swept by the surviving worker (every two leases), without any restart.
  const until = Date.now() + 20_000;
  let left = readdirSync(exportDir(dataDir));
  while (left.some((f) => f.endsWith('.part')) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 250));
    left = readdirSync(exportDir(dataDir));
  }
  assert.deepEqual(left.sort(), ids.map((id) => `${id}.export`).sort(), 'one published file per Completed job and nothing else');
});

async function ownersOf(url: string): Promise<string[]> {
  const { default: pg } = await import('pg');
  const { connectionString, schema } = (await import('../../src/store/postgres/postgres-store.js')).parsePostgresUrl(url);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query(`SELECT lease_owner FROM jobs WHERE status = 'Processing' AND lease_owner IS NOT NULL`)).rows.map((r) => r.lease_owner as string);
  } finally {
    await client.end();
  }
}
