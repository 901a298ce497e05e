/**
 * Crashes beyond test/e2e/crash-restart.test.ts (SIGKILL during an export):
 *   - SIGKILL of `tidemark import` at several moments: the store opens cleanly (SQLite integrity
 *     check), the import is all-or-nothing (0 or every record, never a part), and a re-run imports
 *     everything once;
 *   - SIGKILL of `tidemark serve` while a client keeps creating, enqueueing and cancelling jobs, so
 *     that job state changes are in flight: after each restart no acknowledged job is lost, every
 *     job settles as it should, and every Completed job's file matches its checksum and size.
 * Figures go to docs/reliability.md; TIDEMARK_STRESS=1 runs five times as many kills.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { sqliteFile } from '../../src/config/config.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { seedBulk } from '../e2e/bulk-seed.js';
import { Api, BASE, BIN, createUser, databaseUrlOf, ROOT, runCli, sha256, sleep, startServe, storeArgs, tempDir, type Job } from '../e2e/cli.js';

const SCALE = process.env.TIDEMARK_STRESS ? 5 : 1;
const SETTLED = ['Completed', 'Failed', 'Cancelled'];

/** The data dir's store, opened directly (no server running); SQLite also passes its integrity check. */
async function openDirStore(dir: string): Promise<Store> {
  const url = databaseUrlOf(dir);
  if (url) return openStore({ kind: 'postgres', url });
  // Killed before it created the file: opening creates an empty store, which is "nothing imported".
  if (!existsSync(sqliteFile(dir))) return openStore({ kind: 'sqlite', file: sqliteFile(dir) });
  const db = new Database(sqliteFile(dir), { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'the SQLite file passes its integrity check');
  } finally {
    db.close();
  }
  return openStore({ kind: 'sqlite', file: sqliteFile(dir) });
}

async function writeNdjson(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) {
    const line = JSON.stringify({
      marketoGUID: String(90_000_000 + i), leadId: 1000 + (i % 5000), activityDate: new Date(Date.UTC(2025, 5, 1) + i * 1000).toISOString().replace('.000Z', 'Z'),
      activityTypeId: [1, 2, 6, 104][i % 4], campaignId: 8000 + (i % 50), primaryAttributeValueId: 1000 + (i % 9), primaryAttributeValue: `Asset ${i % 9}`,
      attributes: { 'Webpage URL': `/p${i % 100}`, 'Client IP Address': '203.0.113.9' }, actionResult: null,
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
}

test('SIGKILL during `tidemark import`: the store opens cleanly and holds all or nothing of the import', async (t) => {
  const dir = tempDir(t, 'crash-import');
  const N = 250_000;
  const file = join(dir, 'activities.ndjson');
  await writeNdjson(file, N);
  const delays = [300, 1000, 1800, 2600, 3400].flatMap((d) => Array.from({ length: SCALE }, (_, i) => d + i * 97));
  const outcomes: string[] = [];
  for (const delay of delays) {
    const child = spawn(process.execPath, [BIN, 'import', file, ...storeArgs(dir)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let exited = false;
    const done = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    await sleep(delay);
    const killed = !exited && child.kill('SIGKILL');
    await done;
    const store = await openDirStore(dir);
    try {
      const count = await store.countActivities();
      assert.ok(count === 0 || count === N, `after a kill at ${delay} ms the store holds ${count} of ${N} activities`);
      outcomes.push(`${delay} ms: ${killed ? 'killed' : 'had finished'}, ${count === 0 ? 'nothing' : 'all'} stored`);
      if (count === N) break; // later kills would only re-import duplicates
    } finally {
      await store.close();
    }
  }
  t.diagnostic(outcomes.join('; '));
  process.stdout.write(`# import kills: ${outcomes.length} (${outcomes.join('; ')}), partial imports 0\n`);
  assert.ok(outcomes.some((o) => o.includes('killed')), 'at least one kill landed while the import ran');
  // Run to the end: every record once; a second run adds nothing.
  const full = await runCli(['import', file, '--data-dir', dir], { timeoutMs: 120_000 });
  assert.equal(full.code, 0, full.stderr);
  const again = await runCli(['import', file, '--data-dir', dir], { timeoutMs: 120_000 });
  assert.match(again.stdout, new RegExp(`imported 0 activities, ${N} already present`));
  const store = await openDirStore(dir);
  try {
    assert.equal(await store.countActivities(), N);
  } finally {
    await store.close();
  }
});

/** Creates, enqueues and sometimes cancels small jobs until the server goes away; returns every acknowledged id. */
async function workload(api: Api, stop: () => boolean): Promise<Map<string, string>> {
  const acked = new Map<string, string>(); // id -> the last state change the server acknowledged
  let i = 0;
  const one = async () => {
    while (!stop()) {
      const day = 1 + (i++ % 9);
      try {
        const id = await api.create(`2025-03-0${day}T00:00:00Z`, `2025-03-0${day}T23:59:59Z`);
        acked.set(id, 'Created');
        if (i % 5 === 0) continue; // some stay Created
        const q = await api.enqueueRaw(id);
        if (q.success) acked.set(id, 'Queued');
        if (i % 3 === 0 && (await api.cancel(id)).success) acked.set(id, 'Cancelled');
      } catch {
        return; // the server was killed
      }
    }
  };
  await Promise.all([one(), one(), one()]);
  return acked;
}

test('SIGKILL of serve during job state changes: no acknowledged job is lost, every file matches its checksum', async (t) => {
  const dir = tempDir(t, 'crash-states');
  await seedBulk(dir, { rows: 200_000, startMs: Date.UTC(2025, 2, 1), days: 10 });
  const user = await createUser(dir, 'crash@e2e');
  const args = ['--rate-limit', 'off', '--max-concurrent-requests', 'off', '--max-queued', '8'];
  const all = new Map<string, string>();
  const kills = 4 * SCALE;
  for (let k = 0; k < kills; k++) {
    const serve = await startServe(t, dir, args);
    const api = await Api.login(serve.url, user.clientId, user.clientSecret);
    let stopped = false;
    const running = workload(api, () => stopped);
    await sleep(300 + ((k * 397) % 900));
    await serve.stop('SIGKILL');
    stopped = true;
    for (const [id, s] of await running) all.set(id, s);
    const store = await openDirStore(dir); // opens cleanly after every kill
    await store.close();
  }

  const serve = await startServe(t, dir, args);
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const final: Record<string, number> = {};
  let lost = 0;
  let mismatched = 0;
  for (const [id, acked] of all) {
    const env = await api.json(`${BASE}/${id}/status.json`);
    if (!env.success) {
      lost++;
      continue;
    }
    let job: Job = env.result[0];
    if (!SETTLED.includes(job.status) && job.status !== 'Created') job = await api.waitFor(id, SETTLED, { timeoutMs: 60_000 });
    final[job.status] = (final[job.status] ?? 0) + 1;
    // What the server acknowledged holds: a cancelled job stays cancelled, a queued one ran.
    if (acked === 'Cancelled') assert.equal(job.status, 'Cancelled', `${id} was cancelled`);
    if (acked === 'Queued') assert.ok(['Completed', 'Cancelled'].includes(job.status), `${id} was queued, is ${JSON.stringify(job)}`);
    assert.notEqual(job.status, 'Failed', `${id} failed: ${JSON.stringify(job)}`);
    if (job.status === 'Completed') {
      const file = await api.file(id);
      if (file.status !== 200 || file.bytes.length !== job.fileSize || sha256(file.bytes) !== job.fileChecksum) mismatched++;
    } else {
      assert.equal((await api.file(id)).status, 404, `no file for a ${job.status} job`);
    }
  }
  assert.equal((await serve.stop('SIGTERM')).code, 0);
  const line = `serve kills during state changes: ${kills}; acknowledged jobs ${all.size}; final ${JSON.stringify(final)}; lost ${lost}; checksum mismatches ${mismatched}`;
  t.diagnostic(line);
  process.stdout.write(`# ${line}\n`);
  assert.ok(all.size >= kills * 3, `only ${all.size} jobs were acknowledged`);
  assert.equal(lost, 0);
  assert.equal(mismatched, 0);
});
