/**
 * `tidemark extract` killed (SIGKILL) half way against a live `tidemark serve` child process
 * (--max-queued 3 --max-processing 1), then rerun with the same --state: the final file equals
 * the store, and windows merged before the kill are neither created nor downloaded again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { sqliteFile } from '../../src/config/config.js';
import { newClientCredentials } from '../../src/lib/ids.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { openStore } from '../../src/store/open-store.js';
import { activities, expectedCsv, extractArgs, rangeFilter, runCli, startCli, tempDir, windowOf } from './helpers.js';
import { activityRequest } from '../../src/domain/job.js';

interface SavedWindow {
  phase: string;
  exportId?: string;
}

test('killed half way (SIGKILL) and rerun with --state: same file, merged windows not fetched again', async (t) => {
  const dir = tempDir(t, 'resume');
  const dataDir = join(dir, 'data');
  let store = await openStore({ kind: 'sqlite', file: sqliteFile(dataDir) });
  await store.importActivities(activities(100, 11));
  const { clientId, clientSecret } = newClientCredentials();
  await store.createUser({ clientId, name: 'etl@test', role: 'read-only-activity', secretHash: hashSecret(clientSecret), disabled: false, createdAt: Date.now() });
  const want = await expectedCsv(store, rangeFilter());
  await store.close();

  const serve = startCli(t, ['serve', '--port', '0', '--data-dir', dataDir, '--max-queued', '3', '--max-processing', '1', '--log-level', 'silent']);
  const url = (await serve.waitForText(/listening on (http:\/\/\S+)/))[1]!;

  const out = join(dir, 'all.csv');
  const state = join(dir, 'all.state.json');
  const args = extractArgs(url, { clientId, clientSecret }, out, state, ['--concurrency', '2']);

  const first = startCli(t, args);
  await first.waitForEvent((e) => e.event === 'merged');
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');

  const atKill = JSON.parse(readFileSync(state, 'utf8')) as { windows: SavedWindow[]; outBytes: number };
  const merged = atKill.windows.flatMap((w, i) => (w.phase === 'merged' ? [i] : []));
  assert.ok(merged.length >= 1 && merged.length < 4, `killed half way: ${atKill.windows.map((w) => w.phase).join(', ')}`);
  assert.deepEqual(merged, merged.map((_, i) => i), 'windows merge in order');
  const withJob = atKill.windows.flatMap((w, i) => (w.exportId ? [i] : []));

  const second = await runCli(t, args);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(readFileSync(out, 'utf8'), want.text, 'the resumed file equals the store');
  const done = second.events.find((e) => e.event === 'done');
  assert.equal(done?.rows, want.activities.length);
  assert.equal(done?.duplicatesDropped, 0);
  assert.deepEqual(second.events.find((e) => e.event === 'resumed'), { event: 'resumed', merged: merged.length, windows: 4 });

  // The rerun left merged windows alone, and reused the jobs the killed run had created.
  const touched = (e: Record<string, unknown>) => typeof e.index === 'number' && e.event !== 'resumed';
  for (const i of merged) assert.ok(!second.events.some((e) => touched(e) && e.index === i), `window ${i} was touched again`);
  for (const i of withJob) {
    assert.ok(!second.events.some((e) => e.event === 'window' && e.index === i && e.phase === 'created'), `window ${i} got a second job`);
  }

  // Server side: stop it, then count the jobs of each window in its store.
  serve.child.kill('SIGTERM');
  await serve.exited;
  store = await openStore({ kind: 'sqlite', file: sqliteFile(dataDir) });
  const jobs = await store.listJobs({ owner: clientId, createdSince: 0, offset: 0, limit: 1000 }).finally(() => store.close());
  const perWindow = [0, 1, 2, 3].map((i) => jobs.filter((j) => windowOf(activityRequest(j).filter.startMs) === i));
  assert.ok(jobs.every((j) => windowOf(activityRequest(j).filter.startMs) >= 0));
  for (const i of [...merged, ...withJob]) assert.equal(perWindow[i]!.length, 1, `window ${i} has ${perWindow[i]!.length} jobs on the server`);
  for (const list of perWindow) assert.ok(list.some((j) => j.status === 'Completed'));
});
