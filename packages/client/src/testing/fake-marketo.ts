/**
 * Test support (not built, not shipped): an in-memory fake of Marketo's bulk export API behind an
 * injected fetch, with hooks for the bad days (full queue, lost answers, failed and expired jobs,
 * quota, cut downloads), and the activities and expected output the extraction tests use.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { FetchLike } from '../api/token-provider.js';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const SINCE = Date.parse('2025-09-01T00:00:00Z');
export const UNTIL = SINCE + 100 * DAY - 1000; // 4 windows
export const HEADER = 'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n';

export interface Activity {
  guid: string;
  date: number;
  type: number;
  pav: string;
}

export interface FakeJob {
  exportId: string;
  status: 'Created' | 'Queued' | 'Processing' | 'Completed' | 'Failed' | 'Cancelled';
  start: number;
  end: number;
  types?: number[];
  polls: number;
  file?: Buffer;
}

export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const q = (s: string) => (/[,"\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const row = (a: Activity) => `${a.guid},7,${iso(a.date)},${a.type},null,12,${q(a.pav)},"{""n"":""${a.guid}""}"\n`;

/** An in-memory Marketo: jobs complete after `pollsToComplete` status polls; hooks change what it answers. */
export class FakeMarketo {
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
export function activities(): Activity[] {
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
export function expected(acts: Activity[], types?: number[]): string {
  return HEADER + acts.filter((a) => a.date >= SINCE && a.date <= UNTIL && (!types || types.includes(a.type)))
    .sort((a, b) => a.date - b.date || Number(a.guid) - Number(b.guid)).map(row).join('');
}
