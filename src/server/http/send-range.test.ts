/**
 * sendRange over a real socket and a real file of several chunks: exact bytes for whole files and
 * ranges across chunk boundaries, recycled buffers never leak one response's bytes into another,
 * a client that hangs up mid-file costs nothing, and a file that ends early cuts the connection.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import { sendRange } from './send-range.js';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-send-range-'));
const bytes = randomBytes(3 * (1 << 20) + 12_345);
const path = join(dir, 'file');
writeFileSync(path, bytes);
const app = Fastify();
let base = '';

app.get('/file', async (req, reply) => {
  const q = req.query as { start?: string; end?: string; claim?: string };
  const start = Number(q.start ?? 0);
  const end = Number(q.end ?? bytes.length - 1);
  const handle = await open(path, 'r');
  reply.raw.once('close', () => void handle.close());
  // `claim` pretends the file is longer than it is: the read past its end finds nothing.
  const claimed = Number(q.claim ?? end);
  reply.header('Content-Length', claimed - start + 1);
  return sendRange(reply, async (buf, position, length) => (await handle.read(buf, 0, length, position)).bytesRead, start, claimed);
});

before(async () => {
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(query: string, hangUpAfter?: number): Promise<{ status: number; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/file?${query}`, (res) => {
      const parts: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        parts.push(c);
        n += c.length;
        if (hangUpAfter !== undefined && n >= hangUpAfter) req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts), complete: res.complete }));
      res.on('error', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts), complete: false }));
      res.on('close', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts), complete: res.complete }));
    });
    req.on('error', (err) => (hangUpAfter === undefined ? reject(err) : undefined));
    req.end();
  });
}

test('the whole file, four chunks, arrives byte for byte', async () => {
  const r = await get('');
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(bytes));
});

test('ranges inside one chunk, across chunk boundaries and to the end arrive exactly', async () => {
  const MB = 1 << 20;
  for (const [start, end] of [[0, 0], [5, 97], [MB - 3, MB + 2], [MB, 2 * MB - 1], [100, 3 * MB + 99], [bytes.length - 1, bytes.length - 1]] as const) {
    const r = await get(`start=${start}&end=${end}`);
    assert.ok(r.body.equals(bytes.subarray(start, end + 1)), `bytes ${start}-${end}`);
  }
});

test('a client that hangs up mid-file leaves the next responses exact (recycled buffers never carry old bytes)', async () => {
  for (let i = 0; i < 3; i++) {
    const cut = await get('', (1 << 20) + 10);
    assert.ok(cut.body.length < bytes.length);
  }
  const [a, b] = await Promise.all([get(''), get('start=7&end=2100000')]);
  assert.ok(a.body.equals(bytes));
  assert.ok(b.body.equals(bytes.subarray(7, 2_100_001)));
});

test('a file shorter than promised: the connection is cut, the body is incomplete, the server goes on', async () => {
  const r = await get(`start=0&end=${bytes.length - 1}&claim=${bytes.length + 500}`);
  assert.equal(r.complete, false);
  assert.ok(r.body.equals(bytes), 'every byte the file has was sent');
  assert.ok((await get('start=1&end=2')).body.equals(bytes.subarray(1, 3)));
});
