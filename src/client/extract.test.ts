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
import { MarketoClient } from './client.js';
import { ExportQuotaError } from './errors.js';
import { loadState, type ExtractParams } from './extract-state.js';
import { runExtraction, type ExtractEvent } from './extract.js';
import type { FetchLike } from './token-provider.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const SINCE = Date.parse('2025-09-01T00:00:00Z');
const UNTIL = SINCE + 100 * DAY - 1000; // 4 windows
const HEADER = 'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n';

interface Activity {
  guid: string;
  date: number;
  type: number;
  pav: string;
}

interface FakeJob {
  exportId: string;
  status: 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
  start: number;
  end: number;
  types?: number[];
  polls: number;
  file?: Buffer;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const q = (s: string) => (/[,"\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const row = (a: Activity) => `${a.guid},7,${iso(a.date)},${a.type},null,12,${q(a.pav)},"{""n"":""${a.guid}""}"\n`;

/** An in-memory Marketo: jobs complete after `pollsToComplete` status polls; hooks change what it answers. */
class FakeMarketo {
  jobs: FakeJob[] = [];
  maxQueued = 10;
  /** Each job also returns activities this long before its startAt (a server with sloppy seams). */
  overlapMs = 0;
  /** Most jobs Queued + Processing seen at once. */
  maxOpen = 0;
  queueFullAnswers = 0;
  quotaAfterCreates = Infinity;
  failFirstJobOfWindow = -1;
  loseFirstEnqueueAnswer = false;
  expireFirstFile = false;
  pollsToComplete = 2;
  /** The first file request of this job gets a body that fails after `after` bytes. */
  cutFileOnce?: { exportId: string; after: number };
  private fileRequests = 0;

  constructor(readonly activities: Activity[]) {}

  open = () => this.jobs.filter((j) => j.status === 'Queued' || j.status === 'Processing').length;

  fetch: FetchLike = async (url, init = {}) => {
    const u = new URL(url);
    const path = u.pathname;
    const json = (result: unknown[]) => Response.json({ requestId: 'f#1', success: true, result });
    const error = (code: string, message: string) => Response.json({ requestId: 'f#2', success: false, errors: [{ code, message }] });
    const view = (j: FakeJob) => ({
      exportId: j.exportId, format: 'CSV', status: j.status, createdAt: '2026-01-15T12:00:00Z',
      ...(j.file ? { numberOfRecords: j.file.toString().split('\n').length - 2, fileSize: j.file.length, fileChecksum: `sha256:${createHash('sha256').update(j.file).digest('hex')}` } : {}),
    });
    if (path === '/identity/oauth/token') return Response.json({ access_token: 'tok', token_type: 'bearer', expires_in: 3600, scope: 's' });
    if (path === '/bulk/v1/activities/export/create.json') {
      if (this.jobs.length >= this.quotaAfterCreates) return error('1029', 'Export daily quota 1MB exceeded.');
      const body = JSON.parse(String(init.body)) as { filter: { createdAt: { startAt: string; endAt: string }; activityTypeIds?: number[] } };
      const start = Date.parse(body.filter.createdAt.startAt);
      const end = Date.parse(body.filter.createdAt.endAt);
      assert.ok(end - start <= 31 * DAY, `span ${(end - start) / DAY} days`);
      const job: FakeJob = { exportId: `job-${this.jobs.length}`, status: 'Created', start, end, types: body.filter.activityTypeIds, polls: 0 };
      this.jobs.push(job);
      return json([view(job)]);
    }
    const m = /^\/bulk\/v1\/activities\/export\/([^/]+)\/(enqueue|status|cancel|file)\.json$/.exec(path);
    const job = m && this.jobs.find((j) => j.exportId === m[1]);
    if (!m || !job) return error('1003', 'Export job not found');
    switch (m[2]) {
      case 'enqueue': {
        if (job.status === 'Queued' || job.status === 'Processing') return error('1029', 'Job already queued');
        if (this.open() >= this.maxQueued) {
          this.queueFullAnswers++;
          return error('1029', 'Too many jobs in queue');
        }
        job.status = 'Queued';
        this.maxOpen = Math.max(this.maxOpen, this.open());
        if (this.loseFirstEnqueueAnswer) {
          this.loseFirstEnqueueAnswer = false;
          throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
        }
        return json([view(job)]);
      }
      case 'status': {
        if (job.status === 'Queued' || job.status === 'Processing') {
          job.polls++;
          if (job.polls >= this.pollsToComplete) this.finish(job);
          else if (job.polls === 1) job.status = 'Processing';
        }
        return json([view(job)]);
      }
      case 'cancel':
        if (job.status !== 'Completed' && job.status !== 'Failed') job.status = 'Cancelled';
        return json([view(job)]);
      case 'file': {
        if (this.expireFirstFile && this.fileRequests++ === 0) return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } });
        if (job.status !== 'Completed' || !job.file) return new Response('Not Found', { status: 404 });
        if (this.cutFileOnce?.exportId === job.exportId) {
          const part = job.file.subarray(0, this.cutFileOnce.after);
          this.cutFileOnce = undefined;
          let at = 0;
          const body = new ReadableStream<Uint8Array>({
            pull(controller) {
              if (at >= part.length) return controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
              controller.enqueue(new Uint8Array(part.subarray(at, at + 65_536)));
              at += 65_536;
            },
          });
          return new Response(body, { headers: { 'content-type': 'text/csv' } });
        }
        return new Response(new Uint8Array(job.file), { headers: { 'content-type': 'text/csv' } });
      }
    }
    return error('610', 'Requested resource not found');
  };

  private finish(job: FakeJob): void {
    const windowIndex = Math.round((job.start - SINCE) / (31 * DAY));
    if (windowIndex === this.failFirstJobOfWindow && !this.jobs.some((j) => j !== job && j.start === job.start && j.status === 'Failed')) {
      job.status = 'Failed';
      return;
    }
    const rows = this.activities
      .filter((a) => a.date >= job.start - this.overlapMs && a.date <= job.end && (!job.types || job.types.includes(a.type)))
      .sort((a, b) => a.date - b.date || Number(a.guid) - Number(b.guid));
    job.file = Buffer.from(HEADER + rows.map(row).join(''));
    job.status = 'Completed';
  }
}

/** Activities every 6 hours over the range and a day either side, plus ones exactly on each seam. */
function activities(): Activity[] {
  const out: Activity[] = [];
  let guid = 500;
  for (let t = SINCE - DAY; t <= UNTIL + DAY; t += 6 * HOUR) out.push({ guid: String(++guid), date: t, type: guid % 3 === 0 ? 6 : 1, pav: guid % 5 ? `page ${guid}` : 'Example, "Inc."' });
  for (let k = 1; k < 4; k++) {
    const seam = SINCE + k * 31 * DAY;
    out.push({ guid: String(++guid), date: seam - 1000, type: 1, pav: 'last second of a window' });
    out.push({ guid: String(++guid), date: seam, type: 1, pav: 'first second of a window' });
  }
  out.push({ guid: String(++guid), date: UNTIL, type: 1, pav: 'last second' });
  out.push({ guid: String(++guid), date: UNTIL + 1000, type: 1, pav: 'outside' });
  return out;
}

/** What a perfect extraction writes. */
function expected(acts: Activity[], types?: number[]): string {
  return HEADER + acts.filter((a) => a.date >= SINCE && a.date <= UNTIL && (!types || types.includes(a.type)))
    .sort((a, b) => a.date - b.date || Number(a.guid) - Number(b.guid)).map(row).join('');
}

function setup(t: TestContext, overrides: Partial<ExtractParams> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-extract-unit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const acts = activities();
  const server = new FakeMarketo(acts);
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: server.fetch, sleep: async () => {} });
  const params: ExtractParams = { endpoint: 'http://fake.test', since: SINCE, until: UNTIL, format: 'csv', out: join(dir, 'out.csv'), ...overrides };
  const events: ExtractEvent[] = [];
  const run = (extra: { concurrency?: number; signal?: AbortSignal } = {}) =>
    runExtraction({ client, params, statePath: join(dir, 'state.json'), pollMs: 1, maxPollMs: 5, onEvent: (e) => events.push(e), ...extra });
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
  const state = loadState(s.statePath)!;
  assert.ok(state.windows.every((w) => w.phase === 'merged'));
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
  const err = await runExtraction({ client, params: s.params, statePath: s.statePath, concurrency: 2, signal: abort.signal, pollMs: 1, onEvent: (e) => s.events.push(e) })
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
  await s.run();
  assert.ok(loadState(s.statePath)!.outBytes > 0);
  writeFileSync(s.params.out, 'marketoGUID\n');
  await assert.rejects(s.run(), /delete the state file to start over/);
  rmSync(s.params.out);
  await assert.rejects(s.run(), /is missing/);
});

test('a state file made for another extraction is refused', async (t) => {
  const s = setup(t);
  await s.run();
  const other = { ...s.params, types: [6] };
  const client = new MarketoClient({ endpoint: 'http://fake.test', clientId: 'a', clientSecret: 'b', fetch: s.server.fetch });
  await assert.rejects(runExtraction({ client, params: other, statePath: s.statePath }), /belongs to a different extraction/);
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
  await runExtraction({ client, params: s.params, statePath: s.statePath, concurrency: 1 });
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
  const summary = await runExtraction({ client, params: s.params, statePath: s.statePath, concurrency: 1, pollMs: 1 });
  assert.ok(mergedBefore >= 0 && sawFollowedBytes, 'the merge of window 1 followed its download into the output before it broke off');
  // Compared by digest: a diff of these 20 MB would drown the report.
  const digest = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
  assert.equal(digest(readFileSync(s.params.out)), digest(expected(s.acts)));
  assert.equal(s.server.jobs.length, 5, 'window 1 ran again');
  assert.equal(summary.rows, expected(s.acts).split('\n').length - 2);
});
