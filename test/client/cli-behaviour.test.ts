/**
 * What a user of `tidemark extract` expects, with the real CLI against a live Tidemark: a state
 * file of another extraction says which setting differs and `--restart` starts over; the output
 * format follows the file name (`--out x.ssv` is space-separated); the state file goes after
 * success. (A wrong endpoint: cli-connect.test.ts.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
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
