/**
 * The cost of one 1 MB range request, Tidemark against nginx, on the bench's data set:
 * `npx tsx bench/tools/range-cost.ts [--dir DIR] [--days 7] [--rounds 6] [--bytes N] [--profile] [--before REPO]`
 *
 * Starts `tidemark serve` (the built CLI) and nginx on the same export file, then reads the file
 * in 1 MB ranges over one keep-alive connection, rounds interleaved (T N N T ...). Prints, per
 * side, the median time a range takes and the server's CPU time per range (utime + stime of the
 * process from /proc: steadier than wall time on a shared machine). With --profile the server
 * runs under `node --cpu-prof` (written into DIR/profiles when it stops). With --before, a second
 * server runs REPO's built CLI (older code) on the same store, and its passes join the rotation:
 * a same-sitting before/after.
 */
import { Agent, request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WINDOW } from '../lib/dataset.js';
import { startNginx } from '../lib/nginx.js';
import { Api, createUser, iso, startServe } from '../lib/server.js';
import { median } from '../lib/stats.js';
import { ensureBinary } from '../lib/tools.js';

const MB = 1 << 20;
const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '/var/tmp/tidemark-bench/full' },
    days: { type: 'string', default: '7' },
    rounds: { type: 'string', default: '6' },
    profile: { type: 'boolean', default: false },
    /** Range size in bytes (1 MB by default; a few bytes show the per-request cost alone). */
    bytes: { type: 'string', default: String(1 << 20) },
    before: { type: 'string' },
  },
});

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      if (res.statusCode !== 206) reject(new Error(`${url}: HTTP ${res.statusCode}`));
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => resolve(n));
    });
    req.on('error', reject);
    req.end();
  });
}

async function pass(agent: Agent, url: string, headers: Record<string, string>, size: number, pid: number): Promise<{ msPerRange: number; cpuPerRange: number }> {
  const c0 = cpuMs(pid);
  const t0 = performance.now();
  let n = 0;
  const step = Number(args.bytes);
  // Small ranges are spread over the file like the 1 MB ones, as many requests as 1 MB ranges would make.
  for (let start = 0; start < size; start += MB, n++) {
    await get(agent, url, { ...headers, Range: `bytes=${start}-${Math.min(start + step, size) - 1}` });
  }
  return { msPerRange: (performance.now() - t0) / n, cpuPerRange: (cpuMs(pid) - c0) / n };
}

async function main(): Promise<void> {
  const dataDir = join(args.dir!, 'sqlite-60400');
  const creds = await createUser({ dataDir });
  const profiles = join(args.dir!, 'profiles');
  const server = await startServe({ dataDir }, [], args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profiles}`] : []);
  const old = args.before ? await startServe({ dataDir }, [], [], join(args.before, 'bin/tidemark.js')) : undefined;
  const nginx = await startNginx(await ensureBinary('nginx', 'nginx', console.error), join(args.dir!, 'nginx'), join(dataDir, 'exports'));
  const nginxPid = Number(readFileSync(join(args.dir!, 'nginx', 'nginx.pid'), 'utf8').trim());
  // The worker process serves the requests; the master only forks it.
  const workerPid = Number(readFileSync(`/proc/${nginxPid}/task/${nginxPid}/children`, 'utf8').trim().split(' ')[0]);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let id: string | undefined;
  try {
    const api = new Api(server.url, creds);
    id = await api.create(iso(WINDOW.start), iso(WINDOW.start + Number(args.days) * 86_400_000 - 1000));
    const size = (await api.runJob(id)).job.fileSize as number;
    const tm = { url: `${server.url}/bulk/v1/activities/export/${id}/file.json`, headers: { Authorization: `Bearer ${await api.auth()}` }, pid: server.pid };
    const ng = { url: `${nginx.url}/files/${id}.export`, headers: {}, pid: workerPid };
    const sides: Record<string, { url: string; headers: Record<string, string>; pid: number }> = { tm, ng };
    if (old) sides.old = { ...tm, url: tm.url.replace(server.url, old.url), pid: old.pid };
    const out: Record<string, { msPerRange: number; cpuPerRange: number }[]> = { tm: [], ng: [], old: [] };
    const names = Object.keys(sides);
    for (const s of Object.values(sides)) await pass(agent, s.url, s.headers, size, s.pid); // warm: page cache, connections
    for (let r = 0; r < Number(args.rounds); r++) {
      for (let i = 0; i < names.length; i++) {
        const side = names[(i + r) % names.length]!;
        const s = sides[side]!;
        out[side]!.push(await pass(agent, s.url, s.headers, size, s.pid));
      }
    }
    const show = (label: string, xs: { msPerRange: number; cpuPerRange: number }[]) =>
      console.log(`${label}: ${median(xs.map((x) => x.msPerRange)).toFixed(3)} ms a range (${xs.map((x) => x.msPerRange.toFixed(2)).join(' ')}), ` +
        `server CPU ${median(xs.map((x) => x.cpuPerRange)).toFixed(3)} ms a range`);
    console.log(`${Math.ceil(size / MB)} ranges of ${args.bytes} bytes a pass`);
    const ms = (xs: { msPerRange: number }[]) => median(xs.map((x) => x.msPerRange));
    show('tidemark', out.tm!);
    if (old) show('before  ', out.old!);
    show('nginx   ', out.ng!);
    console.log(`ratio (nginx ms / tidemark ms): ${(ms(out.ng!) / ms(out.tm!)).toFixed(2)}${old ? `; before: ${(ms(out.ng!) / ms(out.old!)).toFixed(2)}` : ''}`);
  } finally {
    agent.destroy();
    await nginx.stop();
    await server.stop();
    await old?.stop();
    if (id) rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
