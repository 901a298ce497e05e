/**
 * `tidemark extract` of 90 days (the real CLI against a real server): its wall time against the
 * time the server spent on its jobs (from the server's own log: `export started` -> `export
 * completed`). Jobs of one extraction may overlap (concurrency 2), so the server time counted is
 * the union of the job intervals ("server busy"); the plain sum is recorded too.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { EXTRACT_RANGE } from '../lib/dataset.js';
import { run } from '../lib/proc.js';
import { CLI, createUser, REPO, startServe, type Serve } from '../lib/server.js';
import { fmt, measure, type ScenarioResult } from '../lib/stats.js';

function union(intervals: [number, number][]): number {
  const s = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | undefined;
  for (const [a, b] of s) {
    if (!cur || a > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    } else cur[1] = Math.max(cur[1], b);
  }
  return total + (cur ? cur[1] - cur[0] : 0);
}

async function once(server: Serve, creds: { clientId: string; clientSecret: string }, dir: string, exportsDir: string) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'activities.csv');
  const r = await run(process.execPath, [CLI, 'extract', '--endpoint', server.url, '--client-id', creds.clientId,
    `--client-secret=${creds.clientSecret}`, '--since', EXTRACT_RANGE.since, '--until', EXTRACT_RANGE.until, '--out', out, '--json'], { cwd: REPO });
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
  const ids = [...new Set(events.filter((e) => e.exportId).map((e) => e.exportId as string))];
  const intervals: [number, number][] = [];
  for (const id of ids) {
    const t = await server.exportTimes(id);
    intervals.push([t.startedAt, t.completedAt]);
    rmSync(join(exportsDir, `${id}.export`), { force: true });
  }
  const done = events.find((e) => e.event === 'done')!;
  rmSync(dir, { recursive: true, force: true });
  return {
    wallMs: r.ms,
    busyMs: union(intervals),
    sumMs: intervals.reduce((s, [a, b]) => s + b - a, 0),
    jobs: ids.length,
    rows: done.rows as number,
    bytes: done.bytes as number,
  };
}

export async function extract(ctx: BenchContext): Promise<ScenarioResult> {
  const { dataDir } = ctx.dataset;
  const creds = await createUser({ dataDir });
  const server = await startServe({ dataDir });
  try {
    const runs = [];
    for (let i = 0; i < Math.min(ctx.samples, 3); i++) {
      const r = await once(server, creds, join(ctx.root, 'extract'), join(dataDir, 'exports'));
      ctx.log(`  extract ${fmt.s(r.wallMs / 1000)} wall, server busy ${fmt.s(r.busyMs / 1000)} (sum ${fmt.s(r.sumMs / 1000)}, ${r.jobs} jobs, ${fmt.int(r.rows)} rows)`);
      runs.push(r);
    }
    const wall = measure('s', runs.map((r) => r.wallMs / 1000));
    const busy = measure('s', runs.map((r) => r.busyMs / 1000));
    const overhead = measure('%', runs.map((r) => ((r.wallMs - r.busyMs) / r.busyMs) * 100));
    const overSum = measure('%', runs.map((r) => ((r.wallMs - r.sumMs) / r.sumMs) * 100));
    return {
      id: 'extract',
      title: '`tidemark extract` of 90 days',
      tidemark: 'wall time of `tidemark extract --since 2025-07-01 --until 2025-09-28` (3 jobs, concurrency 2, download, checksum, merge)',
      reference: "the server's time on those jobs (log: export started -> completed), union of the intervals",
      measures: { wall_s: wall, server_busy_s: busy, server_sum_s: measure('s', runs.map((r) => r.sumMs / 1000)), overhead_pct: overhead, overhead_vs_sum_pct: overSum },
      ratio: overhead.median / 100,
      ratioLabel: 'client overhead: (wall − server busy) / server busy',
      target: 'client overhead ≤ 10 %',
      met: overhead.median <= 10,
      notes: [
        `${runs[0]!.jobs} jobs, ${fmt.int(runs[0]!.rows)} rows, ${(runs[0]!.bytes / 1e6).toFixed(0)} MB merged`,
        `overhead against the plain sum of job times: ${overSum.median.toFixed(1)} %`,
      ],
      tidemarkCell: `${fmt.s(wall.median)} wall`,
      referenceCell: `${fmt.s(busy.median)} server busy (sum of jobs ${fmt.s(measure('s', runs.map((r) => r.sumMs / 1000)).median)})`,
    };
  } finally {
    await server.stop();
  }
}
