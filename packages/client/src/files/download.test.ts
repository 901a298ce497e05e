/**
 * downloadExport with an injected fetch (no server): Range resume after cut bodies, bodies that
 * end early, leftovers of a killed run, servers that ignore Range, checksum failures, 404.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { MarketoClient } from '../api/client.js';
import { downloadExport } from './download.js';
import { MarketoApiError, MarketoTransportError } from '../api/errors.js';
import type { FetchLike } from '../api/token-provider.js';

const FILE = Buffer.from(
  'marketoGUID,leadId,activityDate,attributes\n' +
    Array.from({ length: 4000 }, (_, i) => `${1000 + i},${i},2026-01-15T11:00:00Z,"{""n"":${i},""s"":""Ünïcødé""}"\n`).join(''),
);
const CHECKSUM = `sha256:${createHash('sha256').update(FILE).digest('hex')}`;

interface FileRequest {
  range?: string;
}

interface Behaviour {
  /** Answer for the n-th file request (0-based); undefined = serve normally. */
  answer?: (n: number, range: string | undefined) => Response | undefined;
  /** Bytes after which the n-th body is cut: 'error' errors the stream, 'end' closes it cleanly. */
  cut?: (n: number) => { after: number; how: 'error' | 'end' } | undefined;
  /** Honour Range headers (default true). */
  ranges?: boolean;
  /** Flip this byte offset of the served file. */
  corrupt?: number;
}

function fakeServer(b: Behaviour = {}) {
  const requests: FileRequest[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    if (url.includes('/identity/oauth/token')) return Response.json({ access_token: 't', token_type: 'bearer', expires_in: 3600, scope: 's' });
    if (url.endsWith('/status.json')) {
      return Response.json({ requestId: 'a#1', success: true, result: [{ exportId: 'e-1', format: 'CSV', status: 'Completed', createdAt: '2026-01-15T12:00:00Z', fileSize: FILE.length, fileChecksum: CHECKSUM }] });
    }
    assert.match(url, /\/bulk\/v1\/activities\/export\/e-1\/file\.json$/);
    const range = (init.headers as Record<string, string>).Range;
    const n = requests.push({ range }) - 1;
    const special = b.answer?.(n, range);
    if (special) return special;
    let bytes = Buffer.from(FILE);
    if (b.corrupt !== undefined) bytes[b.corrupt] = bytes[b.corrupt]! ^ 0x20;
    let status = 200;
    const m = range && b.ranges !== false ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      bytes = bytes.subarray(Number(m[1]));
      status = 206;
    }
    const cut = b.cut?.(n);
    const end = cut ? Math.min(cut.after, bytes.length) : bytes.length;
    let at = 0;
    // Several chunks, as a socket delivers them; the cut comes after the bytes before it were read.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at < end) {
          const next = Math.min(at + 16_384, end);
          controller.enqueue(new Uint8Array(bytes.subarray(at, next)));
          at = next;
        } else if (cut?.how === 'error') controller.error(new TypeError('terminated', { cause: new Error('other side closed') }));
        else controller.close();
      },
    });
    return new Response(body, { status, headers: { 'content-type': 'text/csv' } });
  };
  const client = new MarketoClient({ endpoint: 'http://mkto.test', clientId: 'a', clientSecret: 'b', fetch, sleep: async () => {} });
  return { client, requests };
}

function dir(t: TestContext): string {
  const d = mkdtempSync(join(tmpdir(), 'tidemark-download-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('a body cut mid-file resumes by Range from the bytes on disk and verifies', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client, requests } = fakeServer({ cut: (n) => (n === 0 ? { after: 50_000, how: 'error' } : n === 1 ? { after: 30_000, how: 'error' } : undefined) });
  const progress: number[] = [];
  const got = await downloadExport(client, 'e-1', dest, { onProgress: (bytes) => progress.push(bytes) });
  assert.deepEqual(requests.map((r) => r.range), [undefined, 'bytes=50000-', 'bytes=80000-']);
  assert.equal(got.resumes, 2);
  assert.equal(got.bytes, FILE.length);
  assert.equal(got.checksum, CHECKSUM);
  assert.deepEqual(readFileSync(dest), FILE);
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(progress.at(-1), FILE.length);
});

test('a body that ends early without an error is resumed too', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client, requests } = fakeServer({ cut: (n) => (n === 0 ? { after: 12_345, how: 'end' } : undefined) });
  const got = await downloadExport(client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM });
  assert.deepEqual(requests.map((r) => r.range), [undefined, 'bytes=12345-']);
  assert.equal(got.resumes, 1);
  assert.deepEqual(readFileSync(dest), FILE);
});

test('a server that always cuts short makes it give up after maxResumes, leaving no file', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client, requests } = fakeServer({ cut: () => ({ after: 0, how: 'end' }), ranges: false });
  await assert.rejects(downloadExport(client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM, maxResumes: 3 }), (e: unknown) =>
    e instanceof MarketoTransportError && /kept failing after 3 resumes/.test(e.message));
  assert.equal(requests.length, 4);
  assert.equal(existsSync(dest), false);
});

test('a .part left by a killed run is resumed by Range; a .part larger than the file is discarded', async (t) => {
  const d = dir(t);
  const dest = join(d, 'out.csv');
  writeFileSync(`${dest}.part`, FILE.subarray(0, 70_001));
  const a = fakeServer();
  const got = await downloadExport(a.client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM });
  assert.deepEqual(a.requests.map((r) => r.range), ['bytes=70001-']);
  assert.equal(got.resumes, 0);
  assert.equal(got.checksum, CHECKSUM, 'the bytes already on disk are part of the checksum');
  assert.deepEqual(readFileSync(dest), FILE);

  const dest2 = join(d, 'out2.csv');
  writeFileSync(`${dest2}.part`, Buffer.concat([FILE, Buffer.from('junk')]));
  const b = fakeServer();
  await downloadExport(b.client, 'e-1', dest2, { fileSize: FILE.length, fileChecksum: CHECKSUM });
  assert.deepEqual(b.requests.map((r) => r.range), [undefined]);
  assert.deepEqual(readFileSync(dest2), FILE);
});

test('a server that ignores Range (200 on resume) restarts from zero and still verifies', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client, requests } = fakeServer({ ranges: false, cut: (n) => (n === 0 ? { after: 40_000, how: 'error' } : undefined) });
  const got = await downloadExport(client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM });
  assert.deepEqual(requests.map((r) => r.range), [undefined, 'bytes=40000-']);
  assert.equal(got.checksum, CHECKSUM);
  assert.deepEqual(readFileSync(dest), FILE);
});

test('a corrupted byte fails the checksum and leaves neither the file nor the .part', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client } = fakeServer({ corrupt: 100_000 });
  await assert.rejects(downloadExport(client, 'e-1', dest), (e: unknown) =>
    e instanceof MarketoTransportError && /does not match/.test(e.message) && e.message.includes(CHECKSUM));
  assert.equal(existsSync(dest), false);
  assert.equal(existsSync(`${dest}.part`), false);
});

test('a file of the wrong size fails even without a checksum', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client } = fakeServer();
  await assert.rejects(downloadExport(client, 'e-1', dest, { fileSize: FILE.length + 1, fileChecksum: '' }), MarketoTransportError);
  assert.equal(existsSync(dest), false);
});

test('404 throws with status 404 and removes a stale .part (the window will be run as a new job)', async (t) => {
  const dest = join(dir(t), 'out.csv');
  writeFileSync(`${dest}.part`, FILE.subarray(0, 10));
  const { client } = fakeServer({ answer: () => new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain' } }) });
  await assert.rejects(downloadExport(client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM }), (e: unknown) =>
    e instanceof MarketoTransportError && e.status === 404);
  assert.equal(existsSync(`${dest}.part`), false);
  assert.equal(existsSync(dest), false);
});

test('a JSON error envelope instead of the file is never written as data', async (t) => {
  const d = dir(t);
  const envelope = (code: string, message: string) => Response.json({ requestId: 'a#1', success: false, errors: [{ code, message }] });
  // 606 on the resume request: retried, then the download completes intact.
  const a = fakeServer({
    cut: (n) => (n === 0 ? { after: 20_000, how: 'error' } : undefined),
    answer: (n) => (n === 1 ? envelope('606', 'Max rate limit') : undefined),
  });
  const dest = join(d, 'a.csv');
  const got = await downloadExport(a.client, 'e-1', dest, { fileSize: FILE.length, fileChecksum: CHECKSUM });
  assert.deepEqual(a.requests.map((r) => r.range), [undefined, 'bytes=20000-', 'bytes=20000-']);
  assert.equal(got.checksum, CHECKSUM);
  // 1003 is not retryable: it surfaces as the API error it is.
  const b = fakeServer({ answer: () => envelope('1003', "Export job 'e-1' not found") });
  await assert.rejects(downloadExport(b.client, 'e-1', join(d, 'b.csv'), { fileSize: FILE.length, fileChecksum: CHECKSUM }), (e: unknown) =>
    e instanceof MarketoApiError && e.code === '1003');
  assert.equal(b.requests.length, 1);
});

test('without fileSize it asks for the status first; aborting stops it', async (t) => {
  const dest = join(dir(t), 'out.csv');
  const { client } = fakeServer();
  assert.equal((await downloadExport(client, 'e-1', dest)).bytes, FILE.length);
  const abort = new AbortController();
  abort.abort(new Error('stop'));
  await assert.rejects(downloadExport(client, 'e-1', join(dir(t), 'x.csv'), { signal: abort.signal }), /stop/);
});
