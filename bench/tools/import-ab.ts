/**
 * Same-sitting before/after of `tidemark import` on the bench's NDJSON file, against the raw
 * prepared INSERTs of the import scenario: `npx tsx bench/tools/import-ab.ts --before REPO
 * [--rows 1000000] [--rounds 3] [--dir DIR]`. REPO is a built checkout of the old code (its
 * bin/tidemark.js); rounds are interleaved (before, after, raw; then rotated). Besides wall time it
 * prints CPU time (user + system: the CLI's from /usr/bin/time, the raw loader's from
 * process.cpuUsage), which a loaded machine disturbs much less than wall time.
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ndjsonFile } from '../lib/dataset.js';
import { run } from '../lib/proc.js';
import { CLI, REPO } from '../lib/server.js';
import { median } from '../lib/stats.js';
import { rawInsert } from '../scenarios/import.js';
import { mkdirSync } from 'node:fs';

/** `tidemark import` under /usr/bin/time: wall and CPU ms. */
async function cliImport(file: string, dir: string, cli: string): Promise<{ ms: number; cpuMs: number; rows: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The CLI makes its own store: the two builds may lay it out differently (a schema version apart).
  const times = join(dir, '..', 'import-ab.time');
  const r = await run('/usr/bin/time', ['-f', '%U %S', '-o', times, process.execPath, cli, 'import', file, '--data-dir', dir], { cwd: REPO });
  const [u, s] = readFileSync(times, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  return { ms: r.ms, cpuMs: (u! + s!) * 1000, rows: Number(r.stdout.match(/imported (\d+) activities/)?.[1] ?? NaN) };
}

async function rawWithCpu(file: string, dir: string): Promise<{ ms: number; cpuMs: number; rows: number }> {
  const c0 = process.cpuUsage();
  const r = await rawInsert(file, dir);
  const c = process.cpuUsage(c0);
  return { ...r, cpuMs: (c.user + c.system) / 1000 };
}

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    rows: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    dir: { type: 'string', default: '/var/tmp/tidemark-bench/full' },
  },
});

async function main(): Promise<void> {
  if (!args.before) throw new Error('--before REPO is required');
  const rows = Number(args.rows);
  const file = await ndjsonFile(args.dir!, rows);
  const work = join(args.dir!, 'import-ab');
  const sides = {
    before: () => cliImport(file, work, join(args.before!, 'bin/tidemark.js')),
    after: () => cliImport(file, work, CLI),
    raw: () => rawWithCpu(file, work),
  };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const ms: Record<string, number[]> = { before: [], after: [], raw: [] };
  const cpu: Record<string, number[]> = { before: [], after: [], raw: [] };
  for (let r = 0; r < Number(args.rounds); r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      const res = await sides[name]();
      if (res.rows !== rows) throw new Error(`${name} stored ${res.rows} of ${rows}`);
      ms[name]!.push(res.ms);
      cpu[name]!.push(res.cpuMs);
      console.log(`${name.padEnd(6)} ${(res.ms / 1000).toFixed(2)} s (${Math.round(rows / (res.ms / 1000))} rows/s), CPU ${(res.cpuMs / 1000).toFixed(2)} s, load ${loadavg()[0]!.toFixed(2)}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
  const m = (k: string) => median(ms[k]!);
  const c = (k: string) => median(cpu[k]!);
  for (const k of names) {
    console.log(`${k.padEnd(6)} median ${(m(k) / 1000).toFixed(2)} s [${ms[k]!.map((x) => (x / 1000).toFixed(2)).join(' ')}], ` +
      `CPU ${(c(k) / 1000).toFixed(2)} s [${cpu[k]!.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
  }
  console.log(`ratio vs raw INSERTs, wall: before ${(m('raw') / m('before')).toFixed(2)}, after ${(m('raw') / m('after')).toFixed(2)}; ` +
    `CPU: before ${(c('raw') / c('before')).toFixed(2)}, after ${(c('raw') / c('after')).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
