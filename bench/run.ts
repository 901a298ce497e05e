/**
 * `npm run bench [-- --quick] [--only a,b] [--samples N] [--dir DIR] [--profile] [--busy-core] [--scale-sizes 5,50]`
 *
 * Builds (or reuses) the data set, makes sure the reference tools are there (nginx, sqlite3,
 * psql/PostgreSQL from Debian's packages), runs every scenario with Tidemark and its reference in
 * the same run, prints the table, and writes bench/results/<date>[-quick].json and the matching
 * table in docs/performance.md.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { withBusyCores } from './lib/busy.js';
import type { BenchContext, Scenario } from './lib/context.js';
import { postgresDataset, sqliteDataset } from './lib/dataset.js';
import { printTable, writeDocs, type BenchDoc } from './lib/report.js';
import { REPO } from './lib/server.js';
import type { ScenarioResult } from './lib/stats.js';
import { ensureBinary, ensurePostgres, machineFacts, type Postgres } from './lib/tools.js';
import { downloadFile } from './scenarios/download.js';
import { exportPostgres } from './scenarios/export-postgres.js';
import { demoLeads, exportLeads } from './scenarios/export-leads.js';
import { exportSqlite } from './scenarios/export-sqlite.js';
import { extract } from './scenarios/extract.js';
import { importNdjson } from './scenarios/import.js';
import { importPostgres } from './scenarios/import-postgres.js';
import { memory } from './scenarios/memory.js';
import { scale } from './scenarios/scale.js';
import { statusLoad } from './scenarios/status-load.js';

const SCENARIOS: Record<string, Scenario> = {
  'export-sqlite': exportSqlite,
  // The same with one core kept busy by another process (bench/lib/busy.ts), side by side.
  'export-sqlite-busy': withBusyCores(exportSqlite),
  // Both cores kept busy (load about 2 from the spinners alone): issue 15's "load about 2" row.
  'export-sqlite-busy2': withBusyCores(exportSqlite, 2),
  'export-postgres': exportPostgres,
  download: downloadFile,
  'status-load': statusLoad,
  import: importNdjson,
  'import-postgres': importPostgres,
  memory,
  extract,
  'export-leads': exportLeads,
  'export-leads-busy': withBusyCores(exportLeads),
  'demo-leads': demoLeads,
  // Only when asked for (--only scale): it grows a PostgreSQL store to tens of millions of rows.
  scale,
};
const NOT_BY_DEFAULT = new Set(['scale']);

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    samples: { type: 'string' },
    dir: { type: 'string', default: '/var/tmp/tidemark-bench' },
    profile: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    // Every scenario run (not only the -busy ones) with one core kept busy meanwhile.
    'busy-core': { type: 'boolean', default: false },
    // Store sizes for `scale`, in millions of activities.
    'scale-sizes': { type: 'string' },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const quick = args.quick!;
  const only = args.only ? args.only.split(',') : Object.keys(SCENARIOS).filter((id) => !NOT_BY_DEFAULT.has(id));
  for (const id of only) if (!SCENARIOS[id]) throw new Error(`unknown scenario ${id}; have ${Object.keys(SCENARIOS).join(', ')}`);
  const root = join(args.dir!, quick ? 'quick' : 'full');
  mkdirSync(root, { recursive: true });
  const began = Date.now();

  await ensureBinary('sqlite3', 'sqlite3', log);
  await ensureBinary('nginx', 'nginx-light', log).catch(() => ensureBinary('nginx', 'nginx', log));
  let postgres: Postgres | undefined;
  const needPgData = only.includes('export-postgres') || only.includes('memory') || only.includes('scale');
  const needPg = needPgData || only.includes('import-postgres');
  if (needPg) {
    await ensureBinary('psql', 'postgresql-client', log);
    postgres = await ensurePostgres(join(args.dir!, 'pg'), REPO, log);
  }
  try {
    // ~1.7 M rows in August at 60,400 a weekday; --quick one twentieth.
    const perDay = quick ? 3_000 : 60_400;
    log(`data set: ${perDay} activities a weekday, July-September 2025 (built once, kept in ${root})`);
    const dataset = await sqliteDataset(root, perDay, log);
    // Export files of earlier runs (the scenarios delete theirs, a killed run may not have).
    rmSync(join(dataset.dataDir, 'exports'), { recursive: true, force: true });
    log(`  ${dataset.rows.toLocaleString('en-US')} activities, ${dataset.windowRows.toLocaleString('en-US')} in the 31-day window`);
    const pg = postgres && needPgData ? { ...(await postgresDataset(postgres.url, perDay, log)), baseUrl: postgres.url } : undefined;
    const ctx: BenchContext = {
      quick, root, dataset, pg, log,
      ...(postgres ? { pgBaseUrl: postgres.url } : {}),
      samples: Number(args.samples ?? (quick ? 3 : 5)),
      importRows: quick ? 100_000 : 1_000_000,
      ...(args['scale-sizes'] ? { scaleSizes: args['scale-sizes'].split(',').map(Number) } : {}),
      ...(args.profile ? { profileDir: join(root, 'profiles') } : {}),
    };
    const machine = await machineFacts(postgres?.url);
    const results: ScenarioResult[] = [];
    for (const id of only) {
      log(`\n== ${id}`);
      const t0 = Date.now();
      const r = await (args['busy-core'] && !/-busy\d*$/.test(id) ? withBusyCores(SCENARIOS[id]!) : SCENARIOS[id]!)(ctx);
      log(`  ${r.met ? 'met' : 'MISSED'}: ratio ${r.ratio.toFixed(2)} (${r.ratioLabel}), target ${r.target} [${((Date.now() - t0) / 1000).toFixed(0)} s]`);
      results.push(r);
    }
    const date = new Date().toISOString().slice(0, 10);
    const doc: BenchDoc = {
      date, mode: quick ? 'quick' : 'full', durationS: Math.round((Date.now() - began) / 1000), machine,
      dataset: { activities: dataset.rows, windowActivities: dataset.windowRows, importActivities: ctx.importRows },
      scenarios: results,
    };
    process.stdout.write(printTable(doc));
    if (!args['no-write']) {
      const out = join(REPO, 'bench/results', `${date}${quick ? '-quick' : ''}.json`);
      mkdirSync(join(REPO, 'bench/results'), { recursive: true });
      writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
      writeDocs(join(REPO, 'docs/performance.md'), doc);
      log(`\nwrote ${out} and the ${doc.mode} table in docs/performance.md`);
    }
  } finally {
    await postgres?.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
