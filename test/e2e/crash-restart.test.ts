/**
 * A restart loses no job (decisions.md): a 31-day export of 1.5 M activities takes a few seconds;
 * the server is killed while it is Processing, and a restart on the same data dir runs it again to
 * Completed with a checksum that matches the bytes served. Two ways to stop:
 *   - SIGKILL (a crash): only a `.part` may be left, nothing is served, the row still says
 *     Processing until the restart puts it back in the queue;
 *   - SIGTERM (clean stop): exit code 0, the job is Queued again in the store, no partial output.
 *
 * Both stores (cli.ts gives the data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 * On PostgreSQL several processes may share the store, so a restart does not take back every
 * Processing job at once: the crashed process's claim runs out after its lease (`--lease-seconds 2`
 * here, 30 s by default) and then the job is claimed again.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportDir } from '../../src/config/config.js';
import { seedBulk, storedJob } from './bulk-seed.js';
import { Api, createUser, E2E_STORE, sleep, startServe, tempDir, type Job } from './cli.js';

const ROWS = 1_500_000;
const WINDOW = ['2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'] as const; // exactly 31 days
/** A short lease, so that on PostgreSQL the killed process's claim runs out soon after the restart. */
const SERVE_ARGS = ['--rate-limit', 'off', '--lease-seconds', '2'];

/** The job as the store holds it, read straight from the store (SQLite file or PostgreSQL schema) while no server runs. */
async function jobRow(dir: string, exportId: string) {
  const job = await storedJob(dir, exportId);
  assert.ok(job, `job ${exportId} is in the store`);
  return job;
}

/** The job's temp files (`<exportId>...part`) in the export dir. */
const partsOf = (dir: string, exportId: string) =>
  readdirSync(exportDir(dir)).filter((f) => f.startsWith(exportId) && f.endsWith('.part'));

/** Waits until the running export has written some bytes to its temp file. */
async function waitForPartialOutput(dir: string, exportId: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const part of partsOf(dir, exportId)) {
      const size = statSync(join(exportDir(dir), part), { throwIfNoEntry: false })?.size ?? 0;
      if (size > 0) return size;
    }
    await sleep(20);
  }
  throw new Error(`no partial output of ${exportId} in ${exportDir(dir)} within ${timeoutMs} ms: ${readdirSync(exportDir(dir)).join(', ')}`);
}

/** After the restart: Queued/Processing with no file served, then Completed with matching bytes. */
async function assertRunsAgainToCompletion(api: Api, exportId: string): Promise<Job> {
  const first = await api.status(exportId);
  assert.ok(['Queued', 'Processing'].includes(first.status), `after restart the job is ${first.status}`);
  const early = await api.file(exportId);
  assert.equal(early.status, 404, 'no file is served before the rerun completes');
  assert.match(early.headers.get('content-type') ?? '', /^text\/plain/);
  const done = await api.waitFor(exportId, ['Completed'], { intervalMs: 100 });
  assert.equal(done.numberOfRecords, ROWS);
  const got = await api.fileDigest(exportId);
  assert.equal(got.status, 200);
  assert.equal(got.size, done.fileSize);
  assert.equal(got.checksum, done.fileChecksum);
  return done;
}

test('jobs survive SIGKILL and SIGTERM of tidemark serve', async (t) => {
  const dir = tempDir(t, 'crash');
  const seeded = await seedBulk(dir, { rows: ROWS, startMs: Date.UTC(2025, 0, 1), days: 31 });
  t.diagnostic(`seeded ${seeded.rows} activities in ${seeded.ms} ms`);
  assert.equal(seeded.rows, ROWS);
  const user = await createUser(dir, 'crash@e2e');
  const files = () => readdirSync(exportDir(dir));
  let firstChecksum: string | undefined;

  await t.test('SIGKILL while Processing: only a .part remains; the restart completes the job', async (st) => {
    const serve = await startServe(st, dir, SERVE_ARGS);
    const api = await Api.login(serve.url, user.clientId, user.clientSecret);
    const id = await api.create(...WINDOW);
    await api.enqueue(id);
    await api.waitFor(id, ['Processing'], { intervalMs: 20 });
    const partial = await waitForPartialOutput(dir, id);
    const killed = await serve.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    st.diagnostic(`killed with ${partial}+ bytes written`);

    const left = files();
    const crashedParts = partsOf(dir, id);
    assert.equal(crashedParts.length, 1, `the partial output is still a .part: ${left.join(', ')}`);
    assert.deepEqual(left.filter((f) => !f.endsWith('.part')), [], 'no finished export file after a crash');
    assert.equal((await jobRow(dir, id)).status, 'Processing');

    const again = await startServe(st, dir, SERVE_ARGS);
    const api2 = await Api.login(again.url, user.clientId, user.clientSecret);
    const done = await assertRunsAgainToCompletion(api2, id);
    firstChecksum = done.fileChecksum;
    if (E2E_STORE === 'sqlite') {
      assert.deepEqual(files().filter((f) => f.endsWith('.part')), [], 'the restart removed the stale .part');
    } else {
      // Where processes share the store, none may delete another's temp files at start-up; the
      // crashed attempt's .part goes at a later sweep, once nobody has written it for two leases.
      // The rerun left none of its own.
      const left = files().filter((f) => f.endsWith('.part'));
      assert.ok(left.every((f) => crashedParts.includes(f)), `only the crashed attempt's .part may be left: ${left.join(', ')}`);
    }
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });

  await t.test('SIGTERM while Processing: exit 0, the job is Queued again and completes after restart', async (st) => {
    const serve = await startServe(st, dir, SERVE_ARGS);
    const api = await Api.login(serve.url, user.clientId, user.clientSecret);
    const id = await api.create(...WINDOW);
    await api.enqueue(id);
    await api.waitFor(id, ['Processing'], { intervalMs: 20 });
    await waitForPartialOutput(dir, id);
    const stopped = await serve.stop('SIGTERM');
    assert.deepEqual(stopped, { code: 0, signal: null }, `serve exits 0 on SIGTERM; stderr:\n${serve.stderr().slice(-2000)}`);
    assert.match(serve.stderr(), /SIGTERM/);

    const row = await jobRow(dir, id);
    assert.equal(row.status, 'Queued', 'a clean stop puts the running job back in the queue');
    assert.equal(row.startedAt, undefined, 'and clears startedAt');
    assert.ok(!files().some((f) => f.startsWith(id)), 'a clean stop leaves no partial output of the job');

    const again = await startServe(st, dir, SERVE_ARGS);
    const api2 = await Api.login(again.url, user.clientId, user.clientSecret);
    const done = await assertRunsAgainToCompletion(api2, id);
    if (firstChecksum) assert.equal(done.fileChecksum, firstChecksum, 'the same window exports the same bytes');
    assert.equal((await again.stop('SIGTERM')).code, 0);
  });
});
