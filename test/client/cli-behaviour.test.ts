/**
 * What a user of `tidemark extract` expects, with the real CLI against a live Tidemark: a state
 * file of another extraction says which setting differs and `--restart` starts over; the output
 * format follows the file name (`--out x.ssv` is space-separated); the state file goes after
 * success. (A wrong endpoint: cli-connect.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createJob, userWithToken } from '../helpers/api.js';
import { startHarness } from '../helpers/harness.js';
import { activities, expectedCsv, extractArgs, rangeFilter, runCli, tempDir } from './helpers.js';

test('a state file of another extraction names the setting that differs (the endpoint); --restart starts over; --out x.ssv is SSV', async (t) => {
  // No rate limit: the harness's clock stands still, so its 20 s window would never slide over two runs.
  const h = await startHarness('client-behaviour', { maxQueued: 3, maxProcessing: 1, rateLimit: undefined });
  t.after(() => h.close());
  await h.store.importActivities(activities(5));
  const user = await h.user();
  const dir = tempDir(t, 'restart');
  const out = join(dir, 'all.ssv');
  const state = join(dir, 's.json');
  const first = await runCli(t, extractArgs(h.baseUrl, user, out, state, ['--keep-state']));
  assert.equal(first.code, 0, first.stderr);
  const want = await expectedCsv(h.store, rangeFilter(), 'SSV');
  assert.equal(readFileSync(out, 'utf8'), want.text, 'the format followed the name: space-separated');

  const other = h.baseUrl.replace('127.0.0.1', 'localhost');
  const refused = await runCli(t, extractArgs(other, user, out, state));
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `tidemark: ${state} was saved for a different extraction: endpoint is ${h.baseUrl} in the state file, ${other} now. ` +
    'Start over with --restart (restart: true in the SDK), or use another --state file.\n');

  const again = await runCli(t, extractArgs(other, user, out, state, ['--restart']));
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(out, 'utf8'), want.text);
  assert.equal(again.events.filter((e) => e.event === 'window' && e.phase === 'created').length, 4, 'every window fetched again');
  assert.equal(existsSync(state), false, 'the state file is removed after success');
});

test('--restart cancels the jobs the earlier run left Created or Queued on the same endpoint, and only those', async (t) => {
  const h = await startHarness('client-restart-cancels', { maxQueued: 10, maxProcessing: 2, rateLimit: undefined });
  t.after(() => h.close());
  await h.store.importActivities(activities(2));
  const user = await userWithToken(h);
  const [created, queued, finished, elsewhere] = [
    (await createJob(h, user.token)).exportId as string,
    (await createJob(h, user.token)).exportId as string,
    (await createJob(h, user.token)).exportId as string,
    (await createJob(h, user.token)).exportId as string,
  ];
  // The client goes by its state file's phases, so the store's jobs can all stay Created here.
  const dir = tempDir(t, 'restart-cancels');
  const out = join(dir, 'all.csv');
  const state = join(dir, 's.json');
  const saved = (endpoint: string, windows: object[]) => writeFileSync(state, JSON.stringify({
    version: 1, params: { endpoint, since: 0, until: 1, format: 'csv', out }, windows, outBytes: 0, rows: 0, seamGuids: [],
  }));
  const win = (phase: string, exportId: string) => ({ start: 0, end: 1, phase, exportId });

  // A state of another endpoint: its jobs are not this server's to cancel.
  saved('http://127.0.0.1:1', [win('created', elsewhere)]);
  const other = await runCli(t, extractArgs(h.baseUrl, user, out, state, ['--restart']));
  assert.equal(other.code, 0, other.stderr);
  assert.equal(other.events.some((e) => e.event === 'abandoned'), false, 'nothing to cancel, nothing said');
  assert.equal((await h.store.getJob(elsewhere))?.status, 'Created');

  saved(h.baseUrl, [win('created', created), win('queued', queued), win('completed', finished)]);
  const again = await runCli(t, extractArgs(h.baseUrl, user, out, state, ['--restart']));
  assert.equal(again.code, 0, again.stderr);
  const cancelled = again.events.find((e) => e.event === 'abandoned')?.exportIds as string[];
  const statusOf = async (id: string) => (await h.store.getJob(id))?.status;
  assert.deepEqual(cancelled, [created, queued]);
  assert.deepEqual([await statusOf(created), await statusOf(queued), await statusOf(finished)], ['Cancelled', 'Cancelled', 'Created'],
    'a window past its job (completed) is left alone');
  assert.equal(readFileSync(out, 'utf8'), (await expectedCsv(h.store, rangeFilter(), 'CSV')).text, 'the restarted run still extracts everything');
});
