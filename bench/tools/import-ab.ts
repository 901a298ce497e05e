/**
 * Same-sitting before/after of `tidemark import` on the bench's NDJSON file, against the raw
 * prepared INSERTs of the import scenario: `npx tsx bench/tools/import-ab.ts --before REPO
 * [--rows 1000000] [--rounds 3] [--dir DIR]`. REPO is a built checkout of the old code (its
 * bin/tidemark.js); rounds are interleaved (before, after, raw; then rotated).
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ndjsonFile } from '../lib/dataset.js';
import { CLI } from '../lib/server.js';
import { median } from '../lib/stats.js';
import { cliImport, rawInsert } from '../scenarios/import.js';

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
    raw: () => rawInsert(file, work),
  };
  const names = Object.keys(sides) as (keyof typeof sides)[];
  const ms: Record<string, number[]> = { before: [], after: [], raw: [] };
  for (let r = 0; r < Number(args.rounds); r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length]!;
      const res = await sides[name]();
      if (res.rows !== rows) throw new Error(`${name} stored ${res.rows} of ${rows}`);
      ms[name]!.push(res.ms);
      console.log(`${name.padEnd(6)} ${(res.ms / 1000).toFixed(2)} s (${Math.round(rows / (res.ms / 1000))} rows/s), load ${loadavg()[0]!.toFixed(2)}`);
    }
  }
  rmSync(work, { recursive: true, force: true });
  const m = (k: string) => median(ms[k]!);
  for (const k of names) console.log(`${k.padEnd(6)} median ${(m(k) / 1000).toFixed(2)} s  [${ms[k]!.map((x) => (x / 1000).toFixed(2)).join(' ')}]`);
  console.log(`ratio vs raw INSERTs: before ${(m('raw') / m('before')).toFixed(2)}, after ${(m('raw') / m('after')).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
