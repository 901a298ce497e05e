/**
 * Issue 16, item 6: a chaos run of the scale-out. One `--role api` and two `--role worker`
 * processes on PostgreSQL, with Marketo's default limits, while a real `tidemark extract` runs
 * over several 31-day windows; every 1-2 s one of the three processes, chosen at random, gets
 * SIGKILL and is started again (the api on the same port). Bounded in time. At the end:
 *   - the extract exited 0 and its output equals the store's rows, byte for byte;
 *   - every job is Completed, or Cancelled by the client;
 *   - no file without a job and no job without a file: the export directory holds exactly one file
 *     per Completed job, and no temp file;
 *   - the limits held in every sample of the store (every 200 ms): at most 2 Processing, 10 Queued
 *     + Processing, 10 calls in flight (live ones), 100 calls in any 20 s.
 * `npm test` runs a short round (16 windows of 15,000 rows, about half a minute); TIDEMARK_STRESS=1
 * (npm run test:stress) a long one (36 windows of 40,000 rows). Figures go to docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { exportDir } from '../../src/config/config.js';
import type { Activity } from '../../src/domain/activity.js';
import { DEFAULT_FIELDS } from '../../src/domain/export-request.js';
import { formatHeader, formatRow } from '../../src/domain/file-format.js';
import { newClientCredentials } from '../../src/lib/ids.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { parsePostgresUrl, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { dropTestSchema, tempDir } from '../helpers/harness.js';
import { startServe } from '../scale-out/serve.js';

const base = process.env.TIDEMARK_TEST_DATABASE_URL;
const STRESS = Boolean(process.env.TIDEMARK_STRESS);
const WINDOWS = STRESS ? 36 : 16;
const ROWS_PER_WINDOW = STRESS ? 40_000 : 15_000;
const DEADLINE_MS = STRESS ? 420_000 : 90_000;
const START = Date.UTC(2024, 0, 1);
const SPAN_MS = WINDOWS * 31 * 86_400_000;
const ROWS = WINDOWS * ROWS_PER_WINDOW;

function* activities(): Generator<Activity> {
  for (let i = 0; i < ROWS; i++) {
    yield {
      marketoGUID: String(3_000_000 + i), leadId: 1000 + (i % 5000), activityDate: START + Math.floor((i * SPAN_MS) / ROWS / 1000) * 1000,
      activityTypeId: [1, 2, 6, 7, 10][i % 5]!, campaignId: i % 3 ? 8000 + (i % 40) : null, primaryAttributeValueId: 2000 + (i % 7),
      primaryAttributeValue: `Asset ${i % 7}, "q"`, attributes: JSON.stringify({ Seq: i }), actionResult: null,
    };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Sample { processing: number; open: number; inFlight: number; lastWindowCalls: number }

async function sample(db: pg.Client): Promise<Sample> {
  const now = Date.now();
  const r = (await db.query(`SELECT
      (SELECT count(*)::int FROM jobs WHERE status = 'Processing') AS processing,
      (SELECT count(*)::int FROM jobs WHERE status IN ('Queued', 'Processing')) AS open,
      (SELECT count(*)::int FROM calls_in_flight WHERE since > $1) AS in_flight,
      (SELECT count(*)::int FROM api_calls WHERE at > $2) AS last_window`, [now - 30_000, now - 20_000])).rows[0];
  return { processing: r.processing, open: r.open, inFlight: r.in_flight, lastWindowCalls: r.last_window };
}

test(`chaos: SIGKILL of a random api or worker process every few seconds while tidemark extract runs (${WINDOWS} windows, ${ROWS} rows)`, {
  skip: base ? false : 'TIDEMARK_TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)', timeout: DEADLINE_MS + 120_000,
}, async (t) => {
  const u = new URL(base!);
  u.searchParams.set('schema', `chaos_${process.pid}`);
  const url = u.toString();
  const dataDir = tempDir('chaos');
  const store = new PostgresStore(url);
  const { connectionString, schema } = parsePostgresUrl(url);
  const db = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  const procs: Record<string, ChildProcess> = {};
  let extract: ChildProcess | undefined;
  t.after(async () => {
    for (const c of [...Object.values(procs), extract]) c?.kill('SIGKILL');
    await db.end().catch(() => undefined);
    await store.close();
    await dropTestSchema(url);
    rmSync(dataDir, { recursive: true, force: true });
  });
  await store.importActivities(activities());
  await db.connect();
  const { clientId, clientSecret } = newClientCredentials();
  await store.createUser({ clientId, name: 'chaos@test', role: 'read-only-activity', secretHash: hashSecret(clientSecret), disabled: false, createdAt: Date.now() });

  const port = await freePort();
  const common = ['--database-url', url, '--data-dir', dataDir, '--lease-seconds', '2', '--log-level', 'warn'];
  const args: Record<string, string[]> = {
    api: [...common, '--role', 'api', '--port', String(port)],
    'worker-1': [...common, '--role', 'worker'],
    'worker-2': [...common, '--role', 'worker'],
  };
  const start = async (name: string) => {
    // A killed api's port is free again at once (the listening socket dies with it); retry briefly if not.
    for (let attempt = 0; ; attempt++) {
      try {
        procs[name] = (await startServe(args[name]!)).child;
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  for (const name of Object.keys(args)) await start(name);

  const since = new Date(START).toISOString();
  const until = new Date(START + SPAN_MS - 1000).toISOString();
  const out = join(dataDir, 'extract.csv');
  extract = spawn(process.execPath, ['bin/tidemark.js', 'extract', '--endpoint', `http://127.0.0.1:${port}`, '--client-id', clientId,
    `--client-secret=${clientSecret}`, '--since', since, '--until', until, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let extractErr = '';
  let extractOut = '';
  extract.stderr!.on('data', (d) => (extractErr += d));
  extract.stdout!.on('data', (d) => (extractOut += d));
  const extractExit = new Promise<number | null>((resolve) => extract!.once('exit', (code) => resolve(code)));
  let finished = false;
  void extractExit.then(() => (finished = true));

  // Chaos and samples until the extract is done (or the deadline).
  const started = Date.now();
  const kills: Record<string, number> = { api: 0, 'worker-1': 0, 'worker-2': 0 };
  const violations: string[] = [];
  let samples = 0;
  const most: Sample = { processing: 0, open: 0, inFlight: 0, lastWindowCalls: 0 };
  const sampler = (async () => {
    while (!finished) {
      const s = await sample(db);
      samples++;
      for (const k of Object.keys(most) as (keyof Sample)[]) most[k] = Math.max(most[k], s[k]);
      if (s.processing > 2 || s.open > 10 || s.inFlight > 10 || s.lastWindowCalls > 100) violations.push(JSON.stringify(s));
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  let nextKill = Date.now() + 1000;
  while (!finished) {
    assert.ok(Date.now() - started < DEADLINE_MS, `the extract did not finish within ${DEADLINE_MS / 1000} s; stderr: ${extractErr.slice(-2000)}`);
    if (Date.now() >= nextKill) {
      const names = Object.keys(args);
      const victim = names[Math.floor(Math.random() * names.length)]!;
      const child = procs[victim]!;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      kills[victim]!++;
      await start(victim);
      nextKill = Date.now() + 1000 + Math.random() * 1000;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await sampler;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const code = await extractExit;
  assert.equal(code, 0, `extract exit code; stderr: ${extractErr.slice(-3000)}`);
  const rounds = Object.values(kills).reduce((a, b) => a + b, 0);
  assert.ok(rounds >= 3, `at least three kills happened during the extract (${rounds})`);
  assert.deepEqual(violations, [], 'the limits held in every sample');

  // The extract's file is the store's rows.
  let expected = formatHeader({ fields: [...DEFAULT_FIELDS], columnHeaderNames: {}, format: 'CSV' });
  let rows = 0;
  for await (const a of store.exportRows({ startMs: START, endMs: START + SPAN_MS - 1000 })) {
    expected += formatRow(a, [...DEFAULT_FIELDS], 'CSV');
    rows++;
  }
  assert.equal(rows, ROWS);
  assert.ok(readFileSync(out).equals(Buffer.from(expected)), 'the extract output equals the store, byte for byte');

  // Every job Completed, or Cancelled by the client (the extract reports what it cancels).
  const cancelledByClient = new Set(extractOut.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type?: string; event?: string; exportIds?: string[] })
    .flatMap((e) => (e.type === 'cancelled' || e.event === 'cancelled' ? e.exportIds ?? [] : [])));
  const jobs = (await db.query('SELECT export_id, status FROM jobs')).rows as { export_id: string; status: string }[];
  const stray = jobs.filter((j) => j.status !== 'Completed' && !(j.status === 'Cancelled' && cancelledByClient.has(j.export_id)));
  assert.deepEqual(stray, [], 'every job is Completed or was cancelled by the client');
  const completed = jobs.filter((j) => j.status === 'Completed').map((j) => `${j.export_id}.export`).sort();
  assert.ok(completed.length >= WINDOWS, `${completed.length} Completed jobs for ${WINDOWS} windows`);

  // Files follow jobs: the workers' sweep (every two leases) removes what the kills left.
  const until2 = Date.now() + 15_000;
  let files = readdirSync(exportDir(dataDir)).sort();
  while (JSON.stringify(files) !== JSON.stringify(completed) && Date.now() < until2) {
    await new Promise((r) => setTimeout(r, 250));
    files = readdirSync(exportDir(dataDir)).sort();
  }
  assert.deepEqual(files, completed, 'exactly one file per Completed job, no temp file, no orphan');

  const line = `chaos (${STRESS ? 'stress' : 'npm test'}): ${WINDOWS} windows, ${ROWS} rows, extract done in ${seconds} s; ${rounds} kills ` +
    `(${JSON.stringify(kills)}); ${jobs.length} jobs (${completed.length} Completed, ${jobs.length - completed.length} cancelled by the client); ` +
    `${samples} samples, most at once: ${JSON.stringify(most)}; output = store (${rows} rows); files = Completed jobs`;
  t.diagnostic(line);
  process.stdout.write(`# ${line}\n`);
});
