/**
 * A daily export quota too small for the range (--daily-quota-mb 1, each window's file > 1 MiB):
 * `tidemark extract` stops with exit 3, says when the quota resets (00:00 America/Chicago) and
 * names the state file; after the reset (the server's ManualClock moves a day) the same command
 * continues, and the finished file equals the store.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startHarness } from '../helpers/harness.js';
import { activities, DAY, expectedCsv, extractArgs, rangeFilter, runCli, SINCE_MS, tempDir, WINDOW, windowOf } from './helpers.js';
import { activityRequest } from '../../src/domain/job.js';

const chicago = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });

test('the daily quota stops the extraction with exit 3 and a resume time; a run after the reset completes it', async (t) => {
  const h = await startHarness('client-quota', { maxQueued: 3, maxProcessing: 1, dailyQuotaMb: 1 });
  t.after(() => h.close());
  await h.store.importActivities(activities(400, 3));
  const user = await h.user();
  const want = await expectedCsv(h.store, rangeFilter());
  const firstWindow = await expectedCsv(h.store, { startMs: SINCE_MS, endMs: SINCE_MS + WINDOW - 1000 });
  assert.ok(Buffer.byteLength(firstWindow.text) > 1024 * 1024, 'one window is more than the day allows');

  const dir = tempDir(t, 'quota');
  const out = join(dir, 'all.csv');
  const state = join(dir, 'all.state.json');
  const args = extractArgs(h.baseUrl, user, out, state, ['--concurrency', '2']);

  const runs: Awaited<ReturnType<typeof runCli>>[] = [];
  for (let day = 0; day < 6; day++) {
    const before = Date.now();
    const r = await runCli(t, args);
    runs.push(r);
    if (r.code === 0) break;
    assert.equal(r.code, 3, `run ${day + 1}: exit ${r.code}\n${r.stderr}`);

    // The message: what happened, when it resets (a Chicago midnight within the next day), where the state is.
    const m = /^tidemark: The daily export quota is spent \(Export daily quota 1MB exceeded\.\)\. It resets at (\S+) \(00:00 America\/Chicago\)\. Progress is saved in (\S+); run the same command again after the reset to continue\.\n$/.exec(r.stderr);
    assert.ok(m, `run ${day + 1} message:\n${r.stderr}`);
    const resetsAt = Date.parse(m[1]!);
    assert.equal(chicago.format(resetsAt), '00:00:00', `${m[1]} is midnight in Chicago`);
    assert.ok(resetsAt > before && resetsAt <= Date.now() + DAY + 3600_000, `${m[1]} is the next Chicago midnight`);
    assert.equal(m[2], state);
    const event = r.events.find((e) => e.event === 'quota-exceeded');
    assert.deepEqual(event && { resetsAt: event.resetsAt, state: event.state }, { resetsAt: m[1], state });

    // The saved state: nothing cancelled on the server, nothing lost.
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { windows: { phase: string; exportId?: string }[] };
    const jobs = await h.store.listJobs({ owner: user.clientId, createdSince: 0, offset: 0, limit: 1000 });
    assert.ok(!jobs.some((j) => j.status === 'Cancelled'), 'a quota stop cancels nothing');
    for (const j of jobs) {
      const w = saved.windows[windowOf(activityRequest(j).filter.startMs)]!;
      assert.equal(w.exportId, j.exportId, 'the state remembers every job this extraction created');
    }

    h.clock.advance(DAY); // the server's day ends: the quota resets
  }

  assert.equal(runs.at(-1)!.code, 0, runs.at(-1)!.stderr);
  assert.ok(runs.length >= 2, 'the first run was stopped by the quota');
  assert.equal(readFileSync(out, 'utf8'), want.text, 'the finished file equals the store');
  const done = runs.at(-1)!.events.find((e) => e.event === 'done');
  assert.equal(done?.rows, want.activities.length);

  // No window was exported twice: every job was collected by a later run instead of being redone.
  const jobs = await h.store.listJobs({ owner: user.clientId, createdSince: 0, offset: 0, limit: 1000 });
  assert.deepEqual(jobs.map((j) => windowOf(activityRequest(j).filter.startMs)).sort(), [0, 1, 2, 3]);
  assert.ok(jobs.every((j) => j.status === 'Completed'));
});
