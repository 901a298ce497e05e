/**
 * Peak memory of a real `tidemark serve` process (main thread + export worker threads, one
 * process) during the big export and during a one-day export, each in a fresh server: VmHWM from
 * /proc/<pid>/status, with VmRSS sampled every 50 ms for the record.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { SMALL_WINDOW, WINDOW } from '../lib/dataset.js';
import { memoryOf } from '../lib/proc.js';
import { Api, createUser, iso, startServe, type StoreArgs } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';

const FLAT_MB = 32;

interface Peak {
  idleMb: number;
  peakMb: number;
  rows: number;
}

async function peakDuring(store: StoreArgs, creds: { clientId: string; clientSecret: string }, window: { start: number; end: number }): Promise<Peak> {
  const server = await startServe(store);
  try {
    const api = new Api(server.url, creds);
    const id = await api.create(iso(window.start), iso(window.end));
    const idleMb = memoryOf(server.pid).rssMb;
    let maxRss = 0;
    const timer = setInterval(() => (maxRss = Math.max(maxRss, memoryOf(server.pid).rssMb)), 50);
    const { job } = await api.runJob(id);
    clearInterval(timer);
    const { hwmMb } = memoryOf(server.pid);
    rmSync(join(store.dataDir, 'exports', `${id}.export`), { force: true });
    return { idleMb, peakMb: Math.max(hwmMb, maxRss), rows: job.numberOfRecords as number };
  } finally {
    await server.stop();
  }
}

async function pair(ctx: BenchContext, store: StoreArgs, label: string) {
  const creds = await createUser(store);
  const { a: small, b: big } = await interleaved(ctx.samples, async () => {
    const p = await peakDuring(store, creds, SMALL_WINDOW);
    ctx.log(`  ${label} one day:  peak ${fmt.mb(p.peakMb)} (idle ${fmt.mb(p.idleMb)}, ${p.rows} rows)`);
    return p;
  }, async () => {
    const p = await peakDuring(store, creds, WINDOW);
    ctx.log(`  ${label} 31 days: peak ${fmt.mb(p.peakMb)} (idle ${fmt.mb(p.idleMb)}, ${p.rows} rows)`);
    return p;
  });
  return {
    small: measure('MB', small.map((p) => p.peakMb)),
    big: measure('MB', big.map((p) => p.peakMb)),
    idle: measure('MB', [...small, ...big].map((p) => p.idleMb)),
    rows: { small: small[0]!.rows, big: big[0]!.rows },
  };
}

export async function memory(ctx: BenchContext): Promise<ScenarioResult> {
  const sqlite = await pair(ctx, { dataDir: ctx.dataset.dataDir }, 'sqlite');
  let pg: Awaited<ReturnType<typeof pair>> | undefined;
  if (ctx.pg) {
    const dataDir = join(ctx.root, 'pg-memory');
    mkdirSync(dataDir, { recursive: true });
    pg = await pair(ctx, { dataDir, databaseUrl: ctx.pg.url }, 'postgres');
  }
  const ok = (p: typeof sqlite) => p.big.median <= 200 && p.big.median - p.small.median <= FLAT_MB;
  const measures: ScenarioResult['measures'] = {
    sqlite_big_peak_mb: sqlite.big, sqlite_small_peak_mb: sqlite.small, sqlite_idle_mb: sqlite.idle,
    ...(pg ? { postgres_big_peak_mb: pg.big, postgres_small_peak_mb: pg.small, postgres_idle_mb: pg.idle } : {}),
  };
  const cell = (p: typeof sqlite, big: boolean) => `${fmt.mb(big ? p.big.median : p.small.median)}`;
  return {
    id: 'memory',
    title: 'Server peak RSS, big export vs a one-day export',
    tidemark: 'VmHWM of a fresh `tidemark serve` during a 31-day export (the big file)',
    reference: 'the same during a one-day export',
    measures,
    ratio: sqlite.big.median / sqlite.small.median,
    ratioLabel: 'big peak / small peak (SQLite)',
    target: `≤ 200 MB and flat (big − small ≤ ${FLAT_MB} MB)`,
    met: ok(sqlite) && (!pg || ok(pg)),
    notes: [
      `SQLite: ${fmt.int(sqlite.rows.big)} vs ${fmt.int(sqlite.rows.small)} rows; idle server ${fmt.mb(sqlite.idle.median)}`,
      ...(pg ? [`PostgreSQL: big ${fmt.mb(pg.big.median)}, one day ${fmt.mb(pg.small.median)}, idle ${fmt.mb(pg.idle.median)}`] : []),
    ],
    tidemarkCell: `SQLite ${cell(sqlite, true)}${pg ? `, PostgreSQL ${cell(pg, true)}` : ''}`,
    referenceCell: `SQLite ${cell(sqlite, false)}${pg ? `, PostgreSQL ${cell(pg, false)}` : ''}`,
  };
}
