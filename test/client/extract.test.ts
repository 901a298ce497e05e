/**
 * `tidemark extract` (the real CLI, a child process) against a live Tidemark (in-process server on
 * a real socket, real SQLite file, --max-queued 3 --max-processing 1): a 100-day extraction equals
 * the store row for row in CSV and NDJSON with at most --concurrency jobs open; Ctrl-C cancels
 * the queued jobs; bad flags exit 2 with a clear message.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatMarketoDate } from '../../src/domain/dates.js';
import { activityRequest, type JobRecord } from '../../src/domain/job.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import {
  activities, expectedCsv, extractArgs, rangeFilter, runCli, SINCE, SINCE_MS, startCli, tempDir, UNTIL, UNTIL_MS, WINDOW, WINDOW_STARTS, windowOf,
} from './helpers.js';

// The harness's clock stands still, so the server's 20 s rate window never slides: two full runs
// in one harness could pass 100 calls and be answered 606 until the test times out.
const LIMITS = { maxQueued: 3, maxProcessing: 1, rateLimit: undefined };

/** The first difference between two texts, with context, for a readable failure. */
function assertSameText(got: string, want: string, what: string): void {
  if (got === want) return;
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  const line = want.slice(0, i).split('\n').length;
  assert.fail(`${what} differs from the store at char ${i} (line ~${line}, got ${got.length} chars, want ${want.length}):\n` +
    `got:  ${JSON.stringify(got.slice(Math.max(0, i - 80), i + 80))}\nwant: ${JSON.stringify(want.slice(Math.max(0, i - 80), i + 80))}`);
}

/**
 * Records, at every enqueue, how many of the owner's jobs are Queued or Processing once it is
 * queued. Enqueues are serialised so two cannot count the same state; a job finishing between the
 * count and the enqueue can only make the number larger, never hide an excess.
 */
function watchOpenJobs(h: Harness, owner: string): { max: () => number; enqueues: () => number } {
  const store = h.store;
  const original = store.enqueueJob.bind(store);
  let chain: Promise<unknown> = Promise.resolve();
  let max = 0;
  let enqueues = 0;
  store.enqueueJob = (exportId, now, maxQueued) => {
    const next = chain.then(async () => {
      const open = await store.listJobs({ owner, createdSince: 0, statuses: ['Queued', 'Processing'], offset: 0, limit: 1000 });
      const job = await original(exportId, now, maxQueued);
      enqueues++;
      max = Math.max(max, open.length + 1);
      return job;
    });
    chain = next.catch(() => undefined);
    return next;
  };
  return { max: () => max, enqueues: () => enqueues };
}

const jobsOf = (h: Harness, owner: string): Promise<JobRecord[]> => h.store.listJobs({ owner, createdSince: 0, offset: 0, limit: 1000 });

test('a 100-day extraction equals the store row for row (CSV and NDJSON), never more than --concurrency jobs open', async (t) => {
  const h = await startHarness('client-extract', LIMITS);
  t.after(() => h.close());
  await h.store.importActivities(activities(100));
  const user = await h.user();
  const watch = watchOpenJobs(h, user.clientId);
  const dir = tempDir(t, 'extract');
  const types = [1, 2, 10, 104, 46];

  const want = await expectedCsv(h.store, rangeFilter(types));
  // The data really covers the range edges and every seam, and excludes what it should.
  const dates = new Set(want.activities.map((a) => a.activityDate));
  for (const at of [SINCE_MS, UNTIL_MS, ...WINDOW_STARTS.slice(1).flatMap((s) => [s - 1000, s])]) assert.ok(dates.has(at), `an activity at ${formatMarketoDate(at)}`);
  assert.ok(!dates.has(SINCE_MS - 1000) && !dates.has(UNTIL_MS + 1000));
  assert.ok(want.activities.length > 4000, `${want.activities.length} rows`);
  assert.ok(want.activities.every((a) => types.includes(a.activityTypeId)));

  const out = join(dir, 'x.csv');
  const state = join(dir, 's.json');
  const csvRun = await runCli(t, extractArgs(h.baseUrl, user, out, state, ['--types', types.join(','), '--concurrency', '2', '--keep-state']));
  assert.equal(csvRun.code, 0, csvRun.stderr);
  assertSameText(readFileSync(out, 'utf8'), want.text, 'the merged CSV');
  const done = csvRun.events.find((e) => e.event === 'done');
  assert.deepEqual(done, { event: 'done', windows: 4, rows: want.activities.length, bytes: Buffer.byteLength(want.text), duplicatesDropped: 0, out });
  assert.ok(watch.max() <= 2, `${watch.max()} jobs were Queued + Processing at once with --concurrency 2`);
  assert.equal(watch.enqueues(), 4);

  // One job per window, exactly the windows Marketo accepts, with the types asked for.
  const jobs = await jobsOf(h, user.clientId);
  assert.equal(jobs.length, 4);
  assert.ok(jobs.every((j) => j.status === 'Completed' && activityRequest(j).filter.activityTypeIds?.join() === types.join()));
  const spans = jobs.map((j) => [activityRequest(j).filter.startMs, activityRequest(j).filter.endMs] as const).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(spans.map(([s]) => windowOf(s)), [0, 1, 2, 3]);
  spans.forEach(([s, e], i) => assert.equal(e, i < 3 ? s + WINDOW - 1000 : UNTIL_MS));

  // --keep-state: the state says every window is merged; the work directory is gone.
  const saved = JSON.parse(readFileSync(state, 'utf8')) as { windows: { phase: string }[]; outBytes: number; rows: number };
  assert.deepEqual(saved.windows.map((w) => w.phase), ['merged', 'merged', 'merged', 'merged']);
  assert.equal(saved.rows, want.activities.length);
  assert.equal(existsSync(`${out}.parts`), false);

  // NDJSON (format inferred from the extension): same GUIDs in the same order, parsed values.
  const nd = join(dir, 'x.ndjson');
  const ndRun = await runCli(t, extractArgs(h.baseUrl, user, nd, join(dir, 's2.json'), ['--types', types.join(','), '--concurrency', '2']));
  assert.equal(ndRun.code, 0, ndRun.stderr);
  assert.equal(existsSync(join(dir, 's2.json')), false, 'without --keep-state the state file is removed after success');
  const rows = readFileSync(nd, 'utf8').split('\n');
  assert.equal(rows.pop(), '', 'the file ends with a line end');
  const parsed = rows.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(parsed.map((r) => r.marketoGUID), want.activities.map((a) => a.marketoGUID));
  parsed.forEach((r, i) => {
    const a = want.activities[i]!;
    assert.deepEqual(r, {
      marketoGUID: a.marketoGUID, leadId: a.leadId, activityDate: formatMarketoDate(a.activityDate), activityTypeId: a.activityTypeId,
      campaignId: a.campaignId, primaryAttributeValueId: a.primaryAttributeValueId, primaryAttributeValue: a.primaryAttributeValue,
      attributes: JSON.parse(a.attributes) as unknown,
    }, `row ${i}`);
    assert.equal(typeof r.attributes, 'object');
  });
  assert.ok(watch.max() <= 2);
  assert.equal(watch.enqueues(), 8);
});

test('Ctrl-C while jobs are queued: exit 130, the jobs are Cancelled on the server, the state has no open job', async (t) => {
  const h = await startHarness('client-sigint', LIMITS);
  t.after(() => h.close());
  await h.store.importActivities(activities(10));
  const user = await h.user();
  await h.tm.scheduler.stop(); // nothing runs, so the jobs stay Queued
  const dir = tempDir(t, 'sigint');
  const out = join(dir, 'x.csv');
  const state = join(dir, 's.json');
  const cli = startCli(t, extractArgs(h.baseUrl, user, out, state, ['--concurrency', '2']));
  await cli.waitForEvent((e) => e.event === 'window' && e.index === 0 && e.phase === 'queued');
  await cli.waitForEvent((e) => e.event === 'window' && e.index === 1 && e.phase === 'queued');
  const queued = (await jobsOf(h, user.clientId)).filter((j) => j.status === 'Queued').map((j) => j.exportId).sort();
  assert.equal(queued.length, 2, 'two jobs queued with --concurrency 2');

  cli.child.kill('SIGINT');
  const exit = await cli.exited;
  assert.equal(exit.code, 130, cli.stderr());
  assert.match(cli.stderr(), /^tidemark: interrupted: the server jobs this run had queued were cancelled; progress is saved in .*s\.json\n$/);

  const jobs = await jobsOf(h, user.clientId);
  assert.deepEqual(jobs.map((j) => j.exportId).sort(), queued, 'no other job was created');
  assert.ok(jobs.every((j) => j.status === 'Cancelled'), jobs.map((j) => j.status).join());

  const events = cli.events();
  const cancelled = events.find((e) => e.event === 'cancelled') as { exportIds: string[] } | undefined;
  assert.deepEqual([...(cancelled?.exportIds ?? [])].sort(), queued);
  assert.deepEqual(events.at(-1), { event: 'interrupted', state });

  const saved = JSON.parse(readFileSync(state, 'utf8')) as { windows: { phase: string; exportId?: string }[] };
  assert.equal(saved.windows.length, 4);
  for (const w of saved.windows) {
    assert.equal(w.phase, 'pending');
    assert.equal(w.exportId, undefined);
  }
});

test('bad flags exit 2 with a clear message and no stack trace', async (t) => {
  const dir = tempDir(t, 'flags');
  const out = join(dir, 'never.csv');
  const creds = ['--client-id', 'a', '--client-secret', 'b'];
  const ep = ['--endpoint', 'http://127.0.0.1:9'];
  const range = ['--since', SINCE, '--until', UNTIL];
  const cases: [string, string[], RegExp][] = [
    ['missing --out', ['extract', ...ep, ...creds, ...range], /--out is required/],
    ['bad --since', ['extract', ...ep, ...creds, '--since', 'yesterday', '--until', UNTIL, '--out', out], /--since must be an ISO date or datetime, got 'yesterday'/],
    ['impossible --since', ['extract', ...ep, ...creds, '--since', '2025-02-30', '--until', UNTIL, '--out', out], /--since must be an ISO date/],
    ['missing --until', ['extract', ...ep, ...creds, '--since', SINCE, '--out', out], /--until must be an ISO date/],
    ['--until before --since', ['extract', ...ep, ...creds, '--since', '2025-12-01', '--until', '2025-11-01', '--out', out], /--until is before --since/],
    ['--concurrency 0', ['extract', ...ep, ...creds, ...range, '--out', out, '--concurrency', '0'], /--concurrency must be an integer from 1 to 10/],
    ['--concurrency 11', ['extract', ...ep, ...creds, ...range, '--out', out, '--concurrency', '11'], /--concurrency must be an integer from 1 to 10/],
    ['--concurrency two', ['extract', ...ep, ...creds, ...range, '--out', out, '--concurrency', 'two'], /--concurrency must be an integer/],
    ['unknown --format', ['extract', ...ep, ...creds, ...range, '--out', out, '--format', 'xml'], /--format must be one of csv, tsv, ssv, ndjson/],
    ['bad --types', ['extract', ...ep, ...creds, ...range, '--out', out, '--types', '1,web'], /--types must be comma-separated activity type ids/],
    ['missing --endpoint', ['extract', ...creds, ...range, '--out', out], /--endpoint must be an http\(s\) URL/],
    ['missing secret', ['extract', ...ep, '--client-id', 'a', ...range, '--out', out], /--client-id and --client-secret are required/],
    ['an --out name with no format', ['extract', ...ep, ...creds, ...range, '--out', join(dir, 'never.txt')], /cannot tell the output format from the name '.*never\.txt'.*give --format/],
    ['unknown flag', ['extract', ...ep, ...creds, ...range, '--out', out, '--colour'], /unknown option '--colour'/],
  ];
  const results = await Promise.all(cases.map(([, args]) => runCli(t, args)));
  cases.forEach(([name, , message], i) => {
    const r = results[i]!;
    assert.equal(r.code, 2, `${name}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, message, name);
    assert.match(r.stderr, /^tidemark: [^\n]+\n$/, `${name}: one line, no stack trace:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, name);
    assert.equal(r.stdout, '', name);
  });
  assert.equal(existsSync(out), false, 'no output file is created');
  assert.equal(existsSync(`${out}.state.json`), false, 'no state file is created');
});

test('credentials the server refuses: a one-line error, exit 1, no stack trace', async (t) => {
  const h = await startHarness('client-badcreds', LIMITS);
  t.after(() => h.close());
  const dir = tempDir(t, 'badcreds');
  const r = await runCli(t, extractArgs(h.baseUrl, { clientId: 'nobody', clientSecret: 'wrong' }, join(dir, 'x.csv'), join(dir, 's.json')));
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^tidemark: invalid_client: Bad client credentials\n$/);
});

