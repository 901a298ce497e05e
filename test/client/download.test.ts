/**
 * The SDK's download against a live Tidemark (real socket, real files): a body cut mid-file (by
 * an injected fetch, and by a TCP proxy that closes the connection) resumes by Range and verifies
 * the checksum; a corrupted byte throws and leaves no file; the row reader agrees with the store.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { downloadExport, type ExportJob, type FetchLike, MarketoClient, MarketoTransportError, readExportRows } from '@tidemark/client';
import { startHarness, type Harness } from '../helpers/harness.js';
import { activities, SINCE_MS, tempDir, WINDOW } from './helpers.js';

const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

interface Fixture {
  h: Harness;
  creds: { clientId: string; clientSecret: string };
  job: ExportJob;
  /** The file as the server serves it in one piece. */
  bytes: Buffer;
  dir: string;
}

/** A live server with one Completed export of the first 31-day window (about 1 MB). */
async function fixture(t: TestContext): Promise<Fixture> {
  const h = await startHarness('client-download', { maxQueued: 3, maxProcessing: 1 });
  t.after(() => h.close());
  await h.store.importActivities(activities(150));
  const creds = await h.user();
  const client = new MarketoClient({ endpoint: h.baseUrl, ...creds });
  const created = await client.createExport({ format: 'CSV', filter: { createdAt: { startAt: iso(SINCE_MS), endAt: iso(SINCE_MS + WINDOW - 1000) } } });
  await client.enqueueExport(created.exportId);
  const job = await client.waitForExport(created.exportId, { intervalMs: 50, maxIntervalMs: 200 });
  assert.equal(job.status, 'Completed');
  const token = await client.tokens.get();
  const bytes = Buffer.from(await (await h.call(`/bulk/v1/activities/export/${job.exportId}/file.json`, { token })).arrayBuffer());
  assert.equal(bytes.length, job.fileSize);
  assert.equal(sha256(bytes), job.fileChecksum);
  assert.ok(bytes.length > 500_000, `${bytes.length} bytes`);
  return { h, creds, job, bytes, dir: tempDir(t, 'download') };
}

/**
 * Wraps a file.json response body: `transform` maps each chunk (given the bytes before it) to the
 * chunk to deliver and, optionally, an error to fail the stream with once that chunk was read.
 */
function rewrap(res: Response, transform: (chunk: Uint8Array, before: number) => { chunk: Uint8Array; thenFail?: Error }): Response {
  const reader = res.body!.getReader();
  let seen = 0;
  let failure: Error | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      // Failing only on the next pull lets the reader take the last chunk first (an error drops queued chunks).
      if (failure) {
        await reader.cancel();
        return c.error(failure);
      }
      const { done, value } = await reader.read();
      if (done) return c.close();
      const out = transform(value, seen);
      seen += value.byteLength;
      failure = out.thenFail;
      c.enqueue(out.chunk);
    },
    cancel: () => reader.cancel(),
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

test('a download cut mid-file (injected fetch) resumes by Range and verifies the checksum', async (t) => {
  const f = await fixture(t);
  const CUT = 300_001;
  const ranges: (string | null)[] = [];
  let cut = false;
  const cutting: FetchLike = async (url, init) => {
    const res = await fetch(url, init);
    if (!url.includes('/file.json')) return res;
    ranges.push(new Headers(init?.headers).get('range'));
    if (cut) return res;
    cut = true;
    return rewrap(res, (chunk, before) => {
      if (before + chunk.byteLength < CUT) return { chunk };
      const reset = new TypeError('terminated', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
      return { chunk: chunk.subarray(0, CUT - before), thenFail: reset };
    });
  };
  const client = new MarketoClient({ endpoint: f.h.baseUrl, ...f.creds, fetch: cutting });
  const dest = join(f.dir, 'window.csv');
  const got = await downloadExport(client, f.job.exportId, dest);
  assert.equal(got.resumes, 1);
  assert.deepEqual(ranges, [null, `bytes=${CUT}-`], 'the second request asked for the rest only');
  assert.equal(got.bytes, f.job.fileSize);
  assert.equal(got.checksum, f.job.fileChecksum);
  const onDisk = readFileSync(dest);
  assert.equal(sha256(onDisk), f.job.fileChecksum);
  assert.ok(onDisk.equals(f.bytes));
  assert.equal(existsSync(`${dest}.part`), false);

  // The row reader over the resumed file agrees with the store.
  const guids: string[] = [];
  for await (const row of readExportRows(dest, 'CSV')) {
    guids.push(row.marketoGUID!);
    assert.equal(typeof row.attributes, 'object');
    assert.equal(typeof row.leadId, 'number');
  }
  const stored: string[] = [];
  for await (const a of f.h.store.exportRows({ startMs: SINCE_MS, endMs: SINCE_MS + WINDOW - 1000 })) stored.push(a.marketoGUID);
  assert.equal(guids.length, f.job.numberOfRecords);
  assert.deepEqual(guids, stored);
});

test('a connection closed mid-body by a TCP proxy resumes by Range and verifies the checksum', async (t) => {
  const f = await fixture(t);
  const upstream = new URL(f.h.baseUrl);
  const CUT = 250_000; // response bytes (headers included) after which the first file download is cut
  const requests: string[] = [];
  let armed = false;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const proxy = createServer((down) => {
    const up = connect(Number(upstream.port), upstream.hostname);
    sockets.add(down).add(up);
    let counting = false;
    let sent = 0;
    down.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      if (/^GET \S*\/file\.json/m.test(text)) {
        requests.push(text);
        if (!armed) counting = armed = true;
      }
      up.write(d);
    });
    up.on('data', (d: Buffer) => {
      if (!counting) return void down.write(d);
      if (sent + d.length < CUT) {
        sent += d.length;
        return void down.write(d);
      }
      cuts++;
      down.write(d.subarray(0, CUT - sent), () => {
        down.destroy();
        up.destroy();
      });
      counting = false;
    });
    const close = () => {
      down.destroy();
      up.destroy();
    };
    down.on('error', close).on('close', close);
    up.on('error', close).on('close', close);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    proxy.close(() => r());
  }));
  const port = (proxy.address() as { port: number }).port;

  const client = new MarketoClient({ endpoint: `http://127.0.0.1:${port}/rest`, ...f.creds });
  const dest = join(f.dir, 'proxied.csv');
  const got = await downloadExport(client, f.job.exportId, dest, { fileSize: f.job.fileSize, fileChecksum: f.job.fileChecksum });
  assert.equal(cuts, 1, 'the proxy cut the connection once');
  assert.ok(got.resumes >= 1);
  assert.equal(requests.length, got.resumes + 1);
  assert.doesNotMatch(requests[0]!, /^range:/im);
  const range = /^range: bytes=(\d+)-\r$/im.exec(requests[1]!);
  assert.ok(range, `the resumed request has a Range header:\n${requests[1]}`);
  const from = Number(range[1]);
  assert.ok(from > 0 && from < CUT, `resumed from byte ${from}`);
  assert.equal(got.checksum, f.job.fileChecksum);
  assert.ok(readFileSync(dest).equals(f.bytes));
});

test('a corrupted byte throws a checksum error and leaves no file', async (t) => {
  const f = await fixture(t);
  const AT = 123_456;
  const corrupting: FetchLike = async (url, init) => {
    const res = await fetch(url, init);
    if (!url.includes('/file.json')) return res;
    return rewrap(res, (chunk, before) => {
      if (AT < before || AT >= before + chunk.byteLength) return { chunk };
      const copy = new Uint8Array(chunk);
      copy[AT - before] = copy[AT - before]! ^ 0x01;
      return { chunk: copy };
    });
  };
  const client = new MarketoClient({ endpoint: f.h.baseUrl, ...f.creds, fetch: corrupting });
  const dest = join(f.dir, 'bad.csv');
  const err = await downloadExport(client, f.job.exportId, dest).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof MarketoTransportError, `got ${String(err)}`);
  assert.match(err.message, /does not match the job/);
  assert.ok(err.message.includes(f.job.fileChecksum!), 'the message names the expected checksum');
  assert.equal(existsSync(dest), false, 'no final file');
  assert.equal(existsSync(`${dest}.part`), false, 'no partial file');
});
