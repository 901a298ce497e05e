/**
 * Where a `tidemark extract` of 90 days spends its wall time, against the server's own job times:
 * `npx tsx bench/tools/extract-timeline.ts [--dir DIR] [--runs 2] [--cli PATH]`.
 *
 * Starts `tidemark serve` on the bench's data set, runs the extract CLI (`--json`), stamps each
 * event line as it arrives, and prints one timeline a run (ms from the CLI's spawn): each job's
 * create, server start and completion (from the server's log), the poll that saw it done, the
 * download's first and last bytes, the merge, and the exit. The tail after the last job's
 * completion is the part of the overhead no server speed-up can remove.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { EXTRACT_RANGE } from '../lib/dataset.js';
import { CLI, createUser, REPO, startServe } from '../lib/server.js';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: '/var/tmp/tidemark-bench/full' },
    runs: { type: 'string', default: '2' },
    cli: { type: 'string', default: CLI },
  },
});

async function main(): Promise<void> {
  const dataDir = join(args.dir!, 'sqlite-60400');
  const creds = await createUser({ dataDir });
  const server = await startServe({ dataDir });
  try {
    for (let run = 0; run < Number(args.runs); run++) {
      const work = join(args.dir!, 'extract-timeline');
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
      const t0 = Date.now();
      const child = spawn(process.execPath, [args.cli!, 'extract', '--endpoint', server.url, '--client-id', creds.clientId,
        `--client-secret=${creds.clientSecret}`, '--since', EXTRACT_RANGE.since, '--until', EXTRACT_RANGE.until, '--out', join(work, 'out.csv'), '--json'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
      const events: { at: number; e: Record<string, any> }[] = [];
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (l) => events.push({ at: Date.now() - t0, e: JSON.parse(l) as Record<string, any> }));
      const exit = await new Promise<number>((resolve) => child.on('close', () => resolve(Date.now() - t0)));
      const ids = [...new Set(events.filter((x) => x.e.exportId).map((x) => x.e.exportId as string))];
      const rows: [number, string][] = [[exit, 'exit']];
      const intervals: [number, number][] = [];
      for (const id of ids) {
        const t = await server.exportTimes(id);
        intervals.push([t.startedAt - t0, t.completedAt - t0]);
        rows.push([t.startedAt - t0, `server: job ${id.slice(0, 8)} started`], [t.completedAt - t0, `server: job ${id.slice(0, 8)} completed`]);
        rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
      }
      const seen = new Set<string>();
      for (const { at, e } of events) {
        const type = (e.type ?? e.event) as string;
        if (type === 'download') {
          // The first and the last progress event of each download.
          const tag = e.bytes === e.total ? 'last bytes' : seen.has(`dl${e.index}`) ? undefined : 'first bytes';
          seen.add(`dl${e.index}`);
          if (tag) rows.push([at, `client: download ${e.index} ${tag}`]);
          continue;
        }
        if (type === 'window' && e.status === 'Processing' && seen.has(`p${e.index}`)) continue;
        if (type === 'window' && e.status === 'Processing') seen.add(`p${e.index}`);
        rows.push([at, `client: ${type} ${e.index ?? ''} ${e.phase ?? ''} ${e.status ?? ''}`.trim()]);
      }
      rows.sort((a, b) => a[0] - b[0]);
      for (const [at, what] of rows) console.log(`${String(at).padStart(6)} ms  ${what}`);
      const lastDone = Math.max(...intervals.map((x) => x[1]));
      const firstStart = Math.min(...intervals.map((x) => x[0]));
      console.log(`before the first job started: ${firstStart} ms; after the last completed: ${exit - lastDone} ms; wall ${exit} ms`);
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
