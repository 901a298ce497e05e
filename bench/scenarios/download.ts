/**
 * Download the big export file, whole and in 1 MB ranges (sequential, one keep-alive connection),
 * from Tidemark's file.json and from nginx serving the same file; same Node HTTP client for both.
 */
import { request, Agent } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { WINDOW } from '../lib/dataset.js';
import { startNginx } from '../lib/nginx.js';
import { pinClientAndServers } from '../lib/pin.js';
import { Api, createUser, iso, startServe } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';
import { ensureBinary } from '../lib/tools.js';

const MB = 1 << 20;
/** Calls each server answers before the samples (see below). */
const WARM_UP_CALLS = 3000;

/** GETs `url` and counts the body bytes, discarding them. */
function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      if (res.statusCode !== 200 && res.statusCode !== 206) reject(new Error(`${url}: HTTP ${res.statusCode}`));
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function whole(agent: Agent, url: string, headers: Record<string, string>, size: number): Promise<number> {
  const t0 = performance.now();
  const n = await get(agent, url, headers);
  if (n !== size) throw new Error(`${url}: got ${n} of ${size} bytes`);
  return size / MB / ((performance.now() - t0) / 1000);
}

async function ranges(agent: Agent, url: string, headers: Record<string, string>, size: number): Promise<number> {
  const t0 = performance.now();
  let total = 0;
  for (let start = 0; start < size; start += MB) {
    const end = Math.min(start + MB, size) - 1;
    total += await get(agent, url, { ...headers, Range: `bytes=${start}-${end}` });
  }
  if (total !== size) throw new Error(`${url}: ranges gave ${total} of ${size} bytes`);
  return size / MB / ((performance.now() - t0) / 1000);
}

export async function downloadFile(ctx: BenchContext): Promise<ScenarioResult> {
  const { dataDir } = ctx.dataset;
  const nginxBin = await ensureBinary('nginx', 'nginx', ctx.log);
  const creds = await createUser({ dataDir });
  const server = await startServe({ dataDir });
  const nginx = await startNginx(nginxBin, join(ctx.root, 'nginx'), join(dataDir, 'exports'));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let id: string | undefined;
  let unpin: (() => Promise<void>) | null = null;
  try {
    const api = new Api(server.url, creds);
    id = await api.create(iso(WINDOW.start), iso(WINDOW.end));
    const { job } = await api.runJob(id);
    const size = job.fileSize as number;
    const tmUrl = `${server.url}/bulk/v1/activities/export/${id}/file.json`;
    const auth = { Authorization: `Bearer ${await api.auth()}` };
    const ngUrl = `${nginx.url}/files/${id}.export`;
    await whole(agent, ngUrl, {}, size); // page cache warm for both
    // The client on one core, both servers on the other (bench/lib/pin.ts: unpinned, where the
    // scheduler put them decided the ratio).
    unpin = await pinClientAndServers([server.pid, nginx.pid]);
    // A server that has been up a while has its request path compiled: V8 optimises Tidemark's
    // (Fastify, hooks, checks) only after a thousand or two calls, and before that a 100-byte
    // range took 0.57 ms of wall time against 0.24 ms after (nginx is C: it has nothing to warm).
    // Both sides get the same warm-up calls, outside the clock.
    for (let i = 0; i < WARM_UP_CALLS; i++) {
      await get(agent, tmUrl, { ...auth, Range: 'bytes=0-99' });
      await get(agent, ngUrl, { Range: 'bytes=0-99' });
    }
    const n = Math.max(ctx.samples, 5);
    const logged = (label: string, f: () => Promise<number>) => async () => {
      const v = await f();
      ctx.log(`  ${label.padEnd(16)} ${fmt.mbps(v)}`);
      return v;
    };
    const w = await interleaved(n, logged('tidemark whole', () => whole(agent, tmUrl, auth, size)), logged('nginx whole', () => whole(agent, ngUrl, {}, size)));
    const r = await interleaved(n, logged('tidemark ranges', () => ranges(agent, tmUrl, auth, size)), logged('nginx ranges', () => ranges(agent, ngUrl, {}, size)));
    const m = {
      tidemark_whole_mb_s: measure('MB/s', w.a), nginx_whole_mb_s: measure('MB/s', w.b),
      tidemark_ranges_mb_s: measure('MB/s', r.a), nginx_ranges_mb_s: measure('MB/s', r.b),
    };
    const wholeRatio = m.tidemark_whole_mb_s.median / m.nginx_whole_mb_s.median;
    const rangeRatio = m.tidemark_ranges_mb_s.median / m.nginx_ranges_mb_s.median;
    const ratio = Math.min(wholeRatio, rangeRatio);
    // Issue 15: whole files at nginx's pace, 1 MB ranges at 0.8x of it.
    const met = wholeRatio >= 1.0 && rangeRatio >= 0.8;
    return {
      id: 'download',
      title: `Download the ${(size / 1e6).toFixed(0)} MB file, whole / in 1 MB ranges`,
      tidemark: 'GET file.json (Bearer token), whole and then Range: bytes=a-b in 1 MB steps, one keep-alive connection',
      reference: 'nginx (Debian package, 1 worker, sendfile) serving the same file, same client',
      measures: m,
      ratio,
      ratioLabel: 'Tidemark MB/s / nginx MB/s, the lower of whole and ranges',
      target: 'whole ≥ 1.0×, 1 MB ranges ≥ 0.8×',
      met,
      notes: [
        `whole: ${fmt.mbps(m.tidemark_whole_mb_s.median)} vs ${fmt.mbps(m.nginx_whole_mb_s.median)} (${fmt.ratio(wholeRatio)})`,
        `1 MB ranges (${Math.ceil(size / MB)} requests): ${fmt.mbps(m.tidemark_ranges_mb_s.median)} vs ${fmt.mbps(m.nginx_ranges_mb_s.median)} (${fmt.ratio(rangeRatio)})`,
        `${WARM_UP_CALLS.toLocaleString('en-US')} 100-byte range calls to each server before the clock starts`,
        unpin ? 'client pinned to CPU 0, both servers to CPU 1 (taskset)' : 'not pinned (one core or no taskset): the ratio depends on where the scheduler puts client and server',
      ],
      tidemarkCell: `whole ${fmt.mbps(m.tidemark_whole_mb_s.median)}, ranges ${fmt.mbps(m.tidemark_ranges_mb_s.median)}`,
      referenceCell: `whole ${fmt.mbps(m.nginx_whole_mb_s.median)}, ranges ${fmt.mbps(m.nginx_ranges_mb_s.median)}`,
    };
  } finally {
    await unpin?.();
    agent.destroy();
    await nginx.stop();
    await server.stop();
    if (id) rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
  }
}
