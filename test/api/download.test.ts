/**
 * `file.json`: whole file, single ranges (a-b, a-, -n), trimming, 416, several or malformed ranges,
 * If-Range, HEAD, ETag, chunked reassembly, and the plain-text 404s.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { activity, startHarness, T0, type Harness } from '../helpers/harness.js';
import {
  BASE, cancel, completedJob, createJob, DAY, download, enqueue, manyActivities, NO_LIMITS, oneJob, status, tokenFor, userWithToken,
} from '../helpers/api.js';

describe('one completed file', () => {
  let h: Harness;
  let token: string;
  let job: any;
  let whole: Buffer;
  let size: number;
  before(async () => {
    h = await startHarness('download', { ...NO_LIMITS });
    await h.store.importActivities(manyActivities(40, { startGuid: 7_000_000 }));
    await h.store.importActivities([activity({ marketoGUID: '8000000', primaryAttributeValue: 'Ünïcödé — 東京', activityDate: T0 - 10_000 })]);
    token = await h.token();
    job = await completedJob(h, token);
    const file = await download(h, token, job.exportId);
    whole = file.body;
    size = whole.length;
  });
  after(() => h.close());

  const get = (headers: Record<string, string> = {}) => download(h, token, job.exportId, headers);

  test('no Range: 200, the whole file, Content-Length, Accept-Ranges, ETag, text/csv; size and checksum match status', async () => {
    const r = await get();
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), String(size));
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.match(r.headers.get('content-type') ?? '', /^text\/csv/);
    assert.equal(r.headers.get('content-range'), null);
    assert.equal(size, job.fileSize);
    const hex = createHash('sha256').update(r.body).digest('hex');
    assert.equal(`sha256:${hex}`, job.fileChecksum);
    assert.equal(r.headers.get('etag'), `"${hex}"`, 'the ETag is the checksum hex, in quotes');
    assert.ok(size > 2000);
  });

  test('bytes=a-b: 206 with exactly those bytes, inclusive', async () => {
    const r = await get({ Range: 'bytes=10-109' });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes 10-109/${size}`);
    assert.equal(r.headers.get('content-length'), '100');
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(r.body, whole.subarray(10, 110));
  });

  test('bytes=0-0 and the last byte alone', async () => {
    const first = await get({ Range: 'bytes=0-0' });
    assert.equal(first.status, 206);
    assert.equal(first.headers.get('content-range'), `bytes 0-0/${size}`);
    assert.deepEqual(first.body, whole.subarray(0, 1));
    const last = await get({ Range: `bytes=${size - 1}-${size - 1}` });
    assert.equal(last.status, 206);
    assert.deepEqual(last.body, whole.subarray(size - 1));
  });

  test('bytes=a-: 206 from a to the end', async () => {
    const a = size - 275;
    const r = await get({ Range: `bytes=${a}-` });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes ${a}-${size - 1}/${size}`);
    assert.equal(r.headers.get('content-length'), '275');
    assert.deepEqual(r.body, whole.subarray(a));
  });

  test('bytes=-n: 206 with the last n bytes; n over the size gives the whole file as 206', async () => {
    const r = await get({ Range: 'bytes=-100' });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes ${size - 100}-${size - 1}/${size}`);
    assert.deepEqual(r.body, whole.subarray(size - 100));
    const all = await get({ Range: `bytes=-${size + 50}` });
    assert.equal(all.status, 206);
    assert.equal(all.headers.get('content-range'), `bytes 0-${size - 1}/${size}`);
    assert.deepEqual(all.body, whole);
  });

  test('an end past the file is trimmed to the last byte (node-marketo-rest asks start..start+750000)', async () => {
    const r = await get({ Range: `bytes=${size - 10}-${size + 750_000}` });
    assert.equal(r.status, 206);
    assert.equal(r.headers.get('content-range'), `bytes ${size - 10}-${size - 1}/${size}`);
    assert.equal(r.headers.get('content-length'), '10');
    assert.deepEqual(r.body, whole.subarray(size - 10));
    const big = await get({ Range: 'bytes=0-18446744073709551615' });
    assert.equal(big.status, 206);
    assert.deepEqual(big.body, whole);
  });

  test('unsatisfiable ranges: 416 with Content-Range bytes */size', async () => {
    for (const range of [`bytes=${size}-`, `bytes=${size}-${size + 10}`, `bytes=${size + 1000}-`, 'bytes=-0']) {
      const r = await get({ Range: range });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers.get('content-range'), `bytes */${size}`, range);
    }
  });

  test('several ranges answer 200 with the whole file', async () => {
    for (const range of ['bytes=0-1,5-9', 'bytes=0-10, 20-30', 'bytes=-5,0-1']) {
      const r = await get({ Range: range });
      assert.equal(r.status, 200, range);
      assert.equal(r.headers.get('content-range'), null);
      assert.deepEqual(r.body, whole, range);
    }
  });

  test('malformed Range headers answer 200 with the whole file', async () => {
    for (const range of ['bytes=9-0', 'items=0-1', 'bytes=abc', 'bytes=-', 'bytes 0-5', '0-5', 'bytes=1.5-3', 'garbage']) {
      const r = await get({ Range: range });
      assert.equal(r.status, 200, range);
      assert.deepEqual(r.body, whole, range);
    }
  });

  test('If-Range with the matching ETag honours Range; with another ETag or a date it answers 200 whole', async () => {
    const etag = (await get()).headers.get('etag')!;
    const match = await get({ Range: 'bytes=0-9', 'If-Range': etag });
    assert.equal(match.status, 206);
    assert.deepEqual(match.body, whole.subarray(0, 10));
    for (const other of [`"${'0'.repeat(64)}"`, 'W/' + etag, 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const r = await get({ Range: 'bytes=0-9', 'If-Range': other });
      assert.equal(r.status, 200, other);
      assert.deepEqual(r.body, whole, other);
    }
  });

  test('HEAD gives the headers and no body, for the whole file and for a range', async () => {
    const r = await download(h, token, job.exportId, {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-length'), String(size));
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.ok(r.headers.get('etag'));
    assert.equal(r.body.length, 0);
    const p = await download(h, token, job.exportId, { Range: 'bytes=5-14' }, 'HEAD');
    assert.equal(p.status, 206);
    assert.equal(p.headers.get('content-range'), `bytes 5-14/${size}`);
    assert.equal(p.headers.get('content-length'), '10');
    assert.equal(p.body.length, 0);
  });

  test('97-byte chunks reassemble to the exact file (multi-byte UTF-8 split across chunks included)', async () => {
    const parts: Buffer[] = [];
    for (let start = 0; start < size; start += 97) {
      const r = await get({ Range: `bytes=${start}-${start + 96}` });
      assert.equal(r.status, 206);
      assert.equal(r.headers.get('content-range'), `bytes ${start}-${Math.min(start + 96, size - 1)}/${size}`);
      parts.push(r.body);
    }
    const joined = Buffer.concat(parts);
    assert.deepEqual(joined, whole);
    assert.equal(`sha256:${createHash('sha256').update(joined).digest('hex')}`, job.fileChecksum);
    assert.ok(joined.toString('utf8').includes('Ünïcödé — 東京'));
  });

  test('node-marketo-rest style chunks (start..start+rangeSize, last = fileSize-1) reassemble too', async () => {
    const parts: Buffer[] = [];
    const rangeSize = 750;
    for (let start = 0; start < size; start += rangeSize + 1) {
      const end = Math.min(start + rangeSize, size - 1);
      const r = await get({ Range: `bytes=${start}-${end}` });
      assert.equal(r.status, 206);
      parts.push(r.body);
    }
    assert.deepEqual(Buffer.concat(parts), whole);
  });
});

describe('plain-text 404 for anything that is not a live Completed file of the caller', () => {
  const assert404 = async (h: Harness, token: string, id: string, why: string) => {
    for (const method of ['GET', 'HEAD']) {
      const r = await download(h, token, id, {}, method);
      assert.equal(r.status, 404, `${why} (${method})`);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/, why);
      if (method === 'GET') {
        assert.ok(r.text.length > 0, why);
        assert.doesNotMatch(r.text, /^\s*[{[]/, `${why}: plain text, not JSON`);
      }
    }
    // A Range does not change the answer.
    assert.equal((await download(h, token, id, { Range: 'bytes=0-0' })).status, 404, why);
  };

  test('unknown id, malformed id, another user\'s job, Created, Queued, Cancelled', async (t) => {
    const h = await startHarness(t.name);
    t.after(() => h.close());
    await h.store.importActivities([activity()]);
    const alice = await userWithToken(h);
    const bob = await userWithToken(h);
    await assert404(h, alice.token, randomUUID(), 'unknown id');
    await assert404(h, alice.token, 'not-a-uuid', 'malformed id');
    await assert404(h, alice.token, '..%2F..%2Fetc%2Fpasswd', 'path-like id');
    const done = await completedJob(h, alice.token);
    await assert404(h, bob.token, done.exportId, "another user's Completed job");
    assert.equal((await download(h, alice.token, done.exportId)).status, 200, 'the owner gets it');
    const created = await createJob(h, alice.token);
    await assert404(h, alice.token, created.exportId, 'a Created job');
    const cancelled = await createJob(h, alice.token);
    await cancel(h, alice.token, cancelled.exportId);
    await assert404(h, alice.token, cancelled.exportId, 'a Cancelled job');
    await h.tm.scheduler.stop();
    const queued = await createJob(h, alice.token);
    await enqueue(h, alice.token, queued.exportId);
    await assert404(h, alice.token, queued.exportId, 'a Queued job');
  });

  test('a Processing job', async (t) => {
    const h = await startHarness(t.name);
    t.after(() => h.close());
    const u = await userWithToken(h);
    const id = randomUUID();
    await h.store.insertJob({
      exportId: id, owner: u.clientId, format: 'CSV', status: 'Processing', createdAt: T0, queuedAt: T0, startedAt: T0,
      request: { kind: 'activities', format: 'CSV', fields: ['leadId'], columnHeaderNames: {}, filter: { startMs: 0, endMs: 1000 } },
    });
    await assert404(h, u.token, id, 'a Processing job');
  });

  test('after 7 days the file answers 404 while status still says Completed', async (t) => {
    const h = await startHarness(t.name);
    t.after(() => h.close());
    await h.store.importActivities([activity()]);
    const u = await h.user();
    const done = await completedJob(h, await tokenFor(h, u));
    const finishedAt = Date.parse(done.finishedAt);
    h.clock.set(finishedAt + 7 * DAY - 1000);
    let token = await tokenFor(h, u);
    assert.equal((await download(h, token, done.exportId)).status, 200, 'still there 1 s before 7 days');
    h.clock.set(finishedAt + 7 * DAY);
    token = await tokenFor(h, u);
    await assert404(h, token, done.exportId, 'an expired file');
    const view = oneJob(await status(h, token, done.exportId));
    assert.equal(view.status, 'Completed');
    assert.equal(view.fileSize, done.fileSize);
  });

  test('a Completed job with 0 records has a header-only file', async (t) => {
    const h = await startHarness(t.name);
    t.after(() => h.close());
    await h.store.importActivities([activity({ activityDate: T0 - 10 * DAY })]); // outside the window
    const token = await h.token();
    const done = await completedJob(h, token, { fields: ['leadId', 'activityDate'], columnHeaderNames: { leadId: 'Lead ID' } });
    assert.equal(done.numberOfRecords, 0);
    const r = await download(h, token, done.exportId);
    assert.equal(r.status, 200);
    assert.equal(r.text, 'Lead ID,activityDate\n');
    assert.equal(done.fileSize, r.body.length);
    const range = await download(h, token, done.exportId, { Range: 'bytes=0-3' });
    assert.equal(range.status, 206);
    assert.equal(range.text, 'Lead');
  });

  test('the exports directory holds only finished files, no temporaries', async (t) => {
    const h = await startHarness(t.name);
    t.after(() => h.close());
    await h.store.importActivities([activity()]);
    const token = await h.token();
    const done = await completedJob(h, token);
    assert.deepEqual(readdirSync(join(h.dataDir, 'exports')), [`${done.exportId}.export`]);
  });
});
