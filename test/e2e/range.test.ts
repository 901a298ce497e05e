/**
 * Ranged downloads against a live `tidemark serve`: many small `Range` requests reassemble, byte for
 * byte, into the whole file and hash to fileChecksum. Chunk sizes: node-marketo's fileStream
 * (`bytes=start-(start+750000)`, so 750001-byte chunks, last end = fileSize-1) on a multi-MB file,
 * and odd ~1000-byte chunks on a smaller one, so chunk edges split multi-byte UTF-8 characters
 * and quoted CSV values.
 *
 * Both stores (cli.ts gives each data dir a PostgreSQL schema on the PostgreSQL pass, testDatabaseUrl).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedBulk } from './bulk-seed.js';
import { Api, createUser, sha256, startServe, tempDir, type Job } from './cli.js';

/** Downloads `job`'s file in `bytes=start-(start+step)` pieces; checks every 206 on the way. */
async function rangedDownload(api: Api, job: Job, step: number, clampLast: boolean): Promise<{ bytes: Buffer; parts: Buffer[]; requests: number }> {
  const size = job.fileSize!;
  const parts: Buffer[] = [];
  let requests = 0;
  for (let start = 0; start < size;) {
    const asked = start + step;
    const end = Math.min(asked, size - 1);
    const r = await api.file(job.exportId, { Range: `bytes=${start}-${clampLast ? end : asked}` });
    requests++;
    assert.equal(r.status, 206, `bytes=${start}-${asked}`);
    assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/${size}`);
    assert.equal(Number(r.headers.get('content-length')), end - start + 1);
    assert.equal(r.bytes.length, end - start + 1);
    parts.push(r.bytes);
    start = end + 1;
  }
  return { bytes: Buffer.concat(parts), parts, requests };
}

test('ranged downloads reassemble to the whole file', async (t) => {
  const dir = tempDir(t, 'range');
  await seedBulk(dir, { rows: 40_000, startMs: Date.UTC(2025, 0, 1), days: 20 });
  const user = await createUser(dir, 'range@e2e');
  // Hundreds of calls in a few seconds: the rate limit is off for this server.
  const serve = await startServe(t, dir, ['--rate-limit', 'off']);
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);

  const big = await api.create('2025-01-01T00:00:00Z', '2025-01-21T00:00:00Z');
  await api.enqueue(big);
  const bigJob = await api.waitFor(big, ['Completed']);
  assert.equal(bigJob.numberOfRecords, 40_000);
  assert.ok(bigJob.fileSize! > 3 * 750_001, `file is several 750 KB chunks (${bigJob.fileSize} bytes)`);

  const small = await api.create('2025-01-05T00:00:00Z', '2025-01-05T12:00:00Z', { fields: ['marketoGUID', 'activityDate', 'primaryAttributeValue', 'attributes'] });
  await api.enqueue(small);
  const smallJob = await api.waitFor(small, ['Completed']);
  assert.ok(smallJob.fileSize! > 50_000 && smallJob.fileSize! < 400_000, `small file is ${smallJob.fileSize} bytes`);

  const whole = await api.file(big);
  assert.equal(whole.status, 200);
  assert.equal(whole.bytes.length, bigJob.fileSize);
  assert.equal(sha256(whole.bytes), bigJob.fileChecksum);

  await t.test("750000-byte ranges the way node-marketo's fileStream asks", async () => {
    const { bytes, requests } = await rangedDownload(api, bigJob, 750_000, true);
    t.diagnostic(`${requests} range requests for ${bigJob.fileSize} bytes`);
    assert.equal(requests, Math.ceil(bigJob.fileSize! / 750_001));
    assert.equal(bytes.length, bigJob.fileSize);
    assert.equal(sha256(bytes), bigJob.fileChecksum);
    assert.ok(bytes.equals(whole.bytes));
  });

  await t.test('750000-byte ranges whose last end runs past the file (trimmed)', async () => {
    const { bytes } = await rangedDownload(api, bigJob, 750_000, false);
    assert.equal(sha256(bytes), bigJob.fileChecksum);
  });

  await t.test('~1000-byte ranges on a smaller file, edges inside multi-byte characters', async () => {
    const { bytes, parts, requests } = await rangedDownload(api, smallJob, 1008, true); // 1009-byte chunks
    t.diagnostic(`${requests} range requests for ${smallJob.fileSize} bytes`);
    assert.ok(requests >= 50);
    assert.equal(bytes.length, smallJob.fileSize);
    assert.equal(sha256(bytes), smallJob.fileChecksum);
    // Decoding chunk by chunk (as node-marketo does) breaks characters at some edges; the bytes do not.
    const brokenEdges = parts.filter((p) => p.toString('utf8').includes('\uFFFD')).length;
    t.diagnostic(`${brokenEdges} chunks split a multi-byte character`);
    assert.ok(brokenEdges > 0, 'some chunk edge falls inside a multi-byte character');
    assert.ok(bytes.toString('utf8').includes('Membré ✓'));
    assert.ok(!bytes.toString('utf8').includes('\uFFFD'));
  });

  await t.test('suffix, open-ended, probe and If-Range requests', async () => {
    const size = smallJob.fileSize!;
    const full = (await api.file(small)).bytes;
    const tail = await api.file(small, { Range: 'bytes=-100' });
    assert.equal(tail.status, 206);
    assert.ok(tail.bytes.equals(full.subarray(size - 100)));
    const open = await api.file(small, { Range: `bytes=${size - 10}-` });
    assert.equal(open.headers.get('content-range'), `bytes ${size - 10}-${size - 1}/${size}`);
    assert.ok(open.bytes.equals(full.subarray(size - 10)));
    const probe = await api.file(small, { Range: 'bytes=0-0' });
    assert.equal(probe.status, 206);
    assert.equal(probe.bytes.length, 1);
    const etag = probe.headers.get('etag')!;
    assert.equal(etag, `"${smallJob.fileChecksum!.replace('sha256:', '')}"`);
    const same = await api.file(small, { Range: 'bytes=10-19', 'If-Range': etag });
    assert.equal(same.status, 206);
    assert.ok(same.bytes.equals(full.subarray(10, 20)));
    const stale = await api.file(small, { Range: 'bytes=10-19', 'If-Range': '"0000"' });
    assert.equal(stale.status, 200, 'a stale If-Range gets the whole file');
    assert.equal(stale.bytes.length, size);
  });
});
