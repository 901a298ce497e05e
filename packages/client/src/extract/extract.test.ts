/**
 * The extraction engine against an in-memory fake of Marketo's bulk API (injected fetch): seams,
 * concurrency, queue-full answers, lost enqueue answers, failed and expired jobs, quota and abort.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MarketoClient } from '../api/client.js';
import { ExportQuotaError } from '../api/errors.js';
import { activities, DAY, expected, FakeMarketo, HOUR, iso, SINCE, UNTIL } from '../testing/fake-marketo.js';
import { extract, type ExtractOptions } from './extract.js';
import type { ExtractEvent } from './ledger.js';
import { loadState, StateMismatchError, type ExtractParams } from './state.js';

function setup(t: TestContext, overrides: Partial<ExtractParams> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-extract-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const acts = activities();
  const server = new FakeMarketo(acts);
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: server.fetch, sleep: async () => {} });
  const params: ExtractParams = { endpoint: 'http://fake.test', since: SINCE, until: UNTIL, format: 'csv', out: join(dir, 'out.csv'), ...overrides };
  const events: ExtractEvent[] = [];
  const run = (extra: Partial<ExtractOptions> = {}) =>
    extract({ client, params, statePath: join(dir, 'state.json'), pollMs: 1, maxPollMs: 5, onEvent: (e) => events.push(e), ...extra });
  return { dir, acts, server, params, events, run, statePath: join(dir, 'state.json') };
}

test('merges the windows in order into one file with one header, equal to the data', async (t) => {
  const s = setup(t, { types: [1] });
  const summary = await s.run({ concurrency: 2 });
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts, [1]));
  assert.equal(summary.windows, 4);
  assert.equal(summary.rows, expected(s.acts, [1]).split('\n').length - 2);
  assert.equal(summary.duplicatesDropped, 0);
  assert.equal(s.server.jobs.length, 4);
  assert.ok(s.server.jobs.every((j) => j.types?.join() === '1'));
  assert.equal(existsSync(`${s.params.out}.parts`), false, 'the work dir is removed');
  assert.equal(existsSync(s.statePath), false, 'the state file is removed after a successful run');
});

test('keepState keeps the state file of a successful run: every window merged', async (t) => {
  const s = setup(t);
  await s.run({ keepState: true });
  const state = loadState(s.statePath)!;
  assert.ok(state.windows.every((w) => w.phase === 'merged'));
  assert.equal(state.outBytes, statSync(s.params.out).size);
});

test('drops duplicate GUIDs at window seams', async (t) => {
  const s = setup(t);
  s.server.overlapMs = 2 * HOUR; // each job repeats the previous window's last 2 hours
  const summary = await s.run();
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
  // Seams 1-3 repeat: the activity 1 s before the seam, and the 6-hourly ones within 2 h before it.
  const repeated = s.acts.filter((a) => [1, 2, 3].some((k) => a.date >= SINCE + k * 31 * DAY - 2 * HOUR && a.date < SINCE + k * 31 * DAY));
  assert.ok(repeated.length >= 3);
  assert.equal(summary.duplicatesDropped, repeated.length);
});

for (const concurrency of [1, 2, 3]) {
  test(`never has more than --concurrency ${concurrency} jobs queued or processing`, async (t) => {
    const s = setup(t);
    await s.run({ concurrency });
    assert.equal(s.server.maxOpen, concurrency);
    assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
  });
}

test('waits while the server queue is full instead of piling jobs on it', async (t) => {
  const s = setup(t);
  s.server.maxQueued = 1;
  await s.run({ concurrency: 3 });
  assert.ok(s.server.queueFullAnswers > 0, 'the fake answered Too many jobs in queue');
  assert.equal(s.server.maxOpen, 1);
  assert.equal(s.server.jobs.length, 4, 'no extra jobs were created');
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
});

test('an enqueue whose answer was lost (Job already queued on retry) carries on', async (t) => {
  const s = setup(t);
  s.server.loseFirstEnqueueAnswer = true;
  await s.run();
  assert.equal(s.server.jobs.length, 4);
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
});

test('a Failed job is run again as a new job; an expired file (404) too', async (t) => {
  const s = setup(t);
  s.server.failFirstJobOfWindow = 2;
  s.server.expireFirstFile = true;
  await s.run();
  assert.equal(s.server.jobs.filter((j) => j.status === 'Failed').length, 1);
  assert.equal(s.server.jobs.length, 6, '4 windows + 1 failed + 1 expired');
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
});

test('the daily quota stops with ExportQuotaError and a saved state that a later run completes', async (t) => {
  const s = setup(t);
  s.server.quotaAfterCreates = 2;
  const err = await s.run({ concurrency: 1 }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ExportQuotaError, `got ${String(err)}`);
  const state = loadState(s.statePath)!;
  // A download still running when the quota stops the run is cut: its window stays 'completed' and is collected later.
  for (const w of state.windows.slice(0, 2)) assert.ok(['merged', 'downloaded', 'completed'].includes(w.phase), w.phase);
  assert.deepEqual(state.windows.slice(2).map((w) => [w.phase, w.exportId]), [['pending', undefined], ['pending', undefined]]);
  assert.equal(s.server.jobs.length, 2);
  assert.ok(!s.server.jobs.some((j) => j.status === 'Cancelled'), 'a quota stop cancels nothing');

  s.server.quotaAfterCreates = Infinity; // the quota resets
  s.events.length = 0;
  await s.run({ concurrency: 1 });
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
  assert.equal(s.server.jobs.length, 4, 'merged windows were not run again');
  assert.ok(!s.events.some((e) => e.type === 'window' && e.phase === 'created' && e.index < 2), 'no job was created again for windows 0-1');
});

test('abort cancels the jobs it has open on the server and saves a state with none open', async (t) => {
  const s = setup(t);
  const abort = new AbortController();
  // Abort as soon as two jobs are queued.
  const fetch = s.server.fetch;
  s.server.fetch = async (url, init) => {
    const res = await fetch(url, init);
    if (url.endsWith('/enqueue.json') && s.server.open() === 2) abort.abort(new Error('interrupted'));
    return res;
  };
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  const err = await extract({ client, params: s.params, statePath: s.statePath, concurrency: 2, signal: abort.signal, pollMs: 1, onEvent: (e) => s.events.push(e) })
    .then(() => undefined, (e: unknown) => e);
  assert.match(String(err), /interrupted/);
  const cancelled = s.server.jobs.filter((j) => j.status === 'Cancelled').map((j) => j.exportId);
  assert.equal(cancelled.length, 2);
  assert.deepEqual(s.events.find((e) => e.type === 'cancelled'), { type: 'cancelled', exportIds: cancelled });
  const state = loadState(s.statePath)!;
  assert.ok(state.windows.every((w) => w.phase !== 'created' && w.phase !== 'queued' && (w.phase !== 'pending' || w.exportId === undefined)));
});

test('a rerun refuses an output file shorter than the state says was merged', async (t) => {
  const s = setup(t);
  await s.run({ keepState: true });
  assert.ok(loadState(s.statePath)!.outBytes > 0);
  writeFileSync(s.params.out, 'marketoGUID\n');
  await assert.rejects(s.run({ keepState: true }), /restore the file, or run with --restart to start over/);
  rmSync(s.params.out);
  await assert.rejects(s.run({ keepState: true }), /is missing/);
});

test('a state file made for another extraction is refused, naming each setting that differs; restart starts over', async (t) => {
  const s = setup(t);
  await s.run({ keepState: true });
  const other: ExtractParams = { ...s.params, endpoint: 'http://other.test', types: [6] };
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  const err = await extract({ client, params: other, statePath: s.statePath }).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof StateMismatchError, String(err));
  assert.deepEqual(err.differences, [
    'endpoint is http://fake.test in the state file, http://other.test now',
    'types is (all) in the state file, 6 now',
  ]);
  assert.match(err.message, /--restart/);
  const jobs = s.server.jobs.length;
  const summary = await extract({ client, params: other, statePath: s.statePath, restart: true, pollMs: 1 });
  assert.equal(s.server.jobs.length, jobs + 4, 'every window was fetched again');
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts, [6]));
  assert.equal(summary.rows, expected(s.acts, [6]).split('\n').length - 2);
});

test('a run that fails before creating any job leaves nothing behind, so the corrected command just runs', async (t) => {
  const s = setup(t);
  const refused: typeof fetch = async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
  };
  const wrong = new MarketoClient({ endpoint: 'http://wrong.test', clientId: 'a', clientSecret: 'b', fetch: refused, sleep: async () => {} });
  await assert.rejects(extract({ client: wrong, params: { ...s.params, endpoint: 'http://wrong.test' }, statePath: s.statePath }), /ECONNREFUSED/);
  assert.equal(existsSync(s.statePath), false, 'no state file');
  assert.equal(existsSync(s.params.out), false, 'no empty output');
  assert.equal(existsSync(`${s.params.out}.parts`), false, 'no work dir');
  // A state saved with no progress (the process was killed before its first job) does not block either.
  writeFileSync(s.statePath, JSON.stringify({ version: 1, params: { ...s.params, endpoint: 'http://wrong.test' }, windows: [{ start: SINCE, end: UNTIL, phase: 'pending' }], outBytes: 0, rows: 0, seamGuids: [] }));
  await s.run();
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
  const restarted = s.events.find((e) => e.type === 'restarted');
  assert.deepEqual(restarted, { type: 'restarted', reason: ['endpoint is http://wrong.test in the state file, http://fake.test now'] });
});

test('NDJSON output: one parsed row a line, attributes as objects', async (t) => {
  const s = setup(t, { format: 'ndjson' });
  s.params.out = join(s.dir, 'out.ndjson');
  await s.run();
  const lines = readFileSync(s.params.out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const want = s.acts.filter((a) => a.date >= SINCE && a.date <= UNTIL).sort((a, b) => a.date - b.date || Number(a.guid) - Number(b.guid));
  assert.deepEqual(lines, want.map((a) => ({
    marketoGUID: a.guid, leadId: 7, activityDate: iso(a.date), activityTypeId: a.type, campaignId: null,
    primaryAttributeValueId: 12, primaryAttributeValue: a.pav, attributes: { n: a.guid },
  })));
});

test('polls from 250 ms, each delay 1.07 times the last, unless told otherwise', async (t) => {
  const s = setup(t);
  s.server.pollsToComplete = 5;
  const delays: number[] = [];
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async (ms) => void delays.push(ms) });
  await extract({ client, params: s.params, statePath: s.statePath, concurrency: 1 });
  assert.equal(readFileSync(s.params.out, 'utf8'), expected(s.acts));
  // 4 windows, each polled 5 times: 4 sleeps each.
  assert.deepEqual(delays.map((d) => Math.round(d * 10) / 10), Array.from({ length: 4 }, () => [250, 267.5, 286.2, 306.3]).flat());
});

test('a download that breaks off while its merge follows it: the part merged is cut, and the window merged from its new job', async (t) => {
  const s = setup(t);
  // Rows of ~40 KB: a window is a few MB, so its merge writes while the download is still running.
  for (const a of s.acts) a.pav = `${'p'.repeat(40_000)} ${a.pav}`;
  let mergedBefore = -1;
  let sawFollowedBytes = false;
  const fetch = s.server.fetch;
  let window1Requests = 0;
  s.server.fetch = async (url, init) => {
    const m = /export\/(job-1)\/file\.json$/.exec(url);
    if (m && ++window1Requests === 1) {
      s.server.cutFileOnce = { exportId: 'job-1', after: 4_500_000 };
      mergedBefore = statSync(s.params.out).size;
    } else if (m && window1Requests === 2) {
      // The resume finds the file gone (404), once the merge has written some of what was downloaded.
      for (let i = 0; i < 500 && !sawFollowedBytes; i++) {
        sawFollowedBytes = loadState(s.statePath)!.windows[0]!.phase === 'merged' && statSync(s.params.out).size > loadState(s.statePath)!.outBytes;
        await new Promise((r) => setTimeout(r, 10));
      }
      return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } });
    }
    return fetch(url, init);
  };
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch, sleep: async () => {} });
  const summary = await extract({ client, params: s.params, statePath: s.statePath, concurrency: 1, pollMs: 1 });
  assert.ok(mergedBefore >= 0 && sawFollowedBytes, 'the merge of window 1 followed its download into the output before it broke off');
  // Compared by digest: a diff of these 20 MB would drown the report.
  const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  assert.equal(digest(readFileSync(s.params.out)), digest(expected(s.acts)));
  assert.equal(s.server.jobs.length, 5, 'window 1 ran again');
  assert.equal(summary.rows, expected(s.acts).split('\n').length - 2);
});
