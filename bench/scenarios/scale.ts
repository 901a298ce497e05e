/**
 * `--only scale` (not in the default run): PostgreSQL with more and more activities stored. The
 * same 31-day window (the data set's August) is exported at every size; the rest of the store is
 * filler in the months before it, generated inside PostgreSQL (INSERT ... SELECT generate_series,
 * a month partition at a time). At each size: the 31-day export (enqueue -> Completed), interleaved
 * with the same export on a store holding the window alone (the data set's schema), so the
 * slowdown is same-sitting; the p99 of status.json under load while exports run; and an import's
 * rate (store.importActivities of new rows, which checks every GUID against the whole store).
 * The store only grows: sizes below what an earlier run left are measured at what is there.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { parsePostgresUrl, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Activity } from '../../src/domain/activity.js';
import { exportCopy } from '../../src/store/postgres/sql.js';
import type { BenchContext } from '../lib/context.js';
import { csvRequest } from '../lib/oracle.js';
import { WINDOW } from '../lib/dataset.js';
import { sleep } from '../lib/proc.js';
import { Api, createUser, iso, startServe } from '../lib/server.js';
import { fmt, interleaved, measure, type Measure, type ScenarioResult } from '../lib/stats.js';
import { cannon, keepExporting } from './status-load.js';

/** Filler rows a month: about the window's own (60,400 a weekday). */
const FILLER_PER_MONTH = 1_300_000;
const IMPORT_ROWS = 100_000;

interface AtSize {
  rows: number;
  exportS: Measure;
  /** The same export on the base store (the window alone), interleaved with exportS. */
  baseExportS: Measure;
  checksum: string;
  statusP99Ms: Measure;
  importRowsPerS: number;
  plan: string;
}

function monthStart(monthsBeforeWindow: number): { from: number; to: number; name: string } {
  const w = new Date(WINDOW.start);
  const start = Date.UTC(w.getUTCFullYear(), w.getUTCMonth() - monthsBeforeWindow, 1);
  const end = Date.UTC(w.getUTCFullYear(), w.getUTCMonth() - monthsBeforeWindow + 1, 1);
  const d = new Date(start);
  return { from: start / 1000, to: end / 1000, name: `activities_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}` };
}

/** Grows the store to `target` rows with filler months before the window; returns the row count. */
async function grow(c: pg.Client, schema: string, target: number, log: (s: string) => void): Promise<number> {
  let rows = Number((await c.query('SELECT count(*) AS n FROM activities')).rows[0].n);
  for (let back = 1; rows < target; back++) {
    const m = monthStart(back);
    const have = await c.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [schema, m.name]);
    if (have.rowCount) continue; // filled by an earlier run
    const n = Math.min(FILLER_PER_MONTH, target - rows);
    const t0 = performance.now();
    await c.query(`CREATE TABLE ${m.name} PARTITION OF activities FOR VALUES FROM (${m.from}) TO (${m.to})`);
    // GUIDs far above the data set's (which stay below 10^10), distinct per month; dates in order.
    await c.query(`INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result)
      SELECT ${back} * 10000000000 + g, 1000000 + g % 500000, ${m.from} + (g::bigint * ${m.to - m.from - 1}) / ${n}, (ARRAY[1, 2, 6, 12, 104])[1 + g % 5],
        8000 + g % 100, 1600 + g % 1000, 'Page ' || (g % 1000),
        '{"Query Parameters":"","Referrer URL":"https://example.com/p' || (g % 977) || '","Client IP Address":"10.0.' || (g % 250) || '.1"}', NULL
      FROM generate_series(0, ${n - 1}) g`);
    rows += n;
    log(`  filler ${m.name}: ${n.toLocaleString('en-US')} rows in ${fmt.s((performance.now() - t0) / 1000)}; ${rows.toLocaleString('en-US')} stored`);
  }
  await c.query('ANALYZE activities');
  return rows;
}

/** Fresh activities for the import rate, in the month after the window; removed again afterwards. */
function* importRows(n: number, seed: number): Generator<Activity> {
  const start = WINDOW.end + 1000;
  for (let i = 0; i < n; i++) {
    yield {
      marketoGUID: String(9_000_000_000_000 + seed * 1_000_000 + i), leadId: 2_000_000 + (i % 10_000), activityDate: start + i * 1000,
      activityTypeId: 1, campaignId: 8001, primaryAttributeValueId: 1601, primaryAttributeValue: 'Page 1', attributes: '{"n":1}',
      actionResult: 'succeeded',
    };
  }
}

/** One running server on a store, and what an export through it takes. */
async function exportServer(ctx: BenchContext, url: string, name: string) {
  const dataDir = join(ctx.root, name);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const creds = await createUser({ dataDir, databaseUrl: url });
  const server = await startServe({ dataDir, databaseUrl: url });
  const api = new Api(server.url, creds);
  return {
    server, api, dataDir,
    async exportOnce(): Promise<{ s: number; checksum: string }> {
      const id = await api.create(iso(WINDOW.start), iso(WINDOW.end));
      const { ms, job } = await api.runJob(id);
      rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
      return { s: ms / 1000, checksum: job.fileChecksum };
    },
  };
}

/**
 * At one size: the export interleaved with the same export on the base store (the window alone,
 * the data set's schema), so the ratio is same-sitting however the machine's load drifts; then
 * status.json under load and an import.
 */
async function measureAt(ctx: BenchContext, url: string, c: pg.Client, rows: number, seed: number): Promise<AtSize> {
  const explain = await c.query(`EXPLAIN ${exportQueryForExplain()}`);
  const plan = explain.rows.map((r) => r['QUERY PLAN']).join('\n');
  const big = await exportServer(ctx, url, 'pg-scale-serve');
  const base = await exportServer(ctx, ctx.pg!.url, 'pg-scale-base');
  try {
    const sums = new Set<string>();
    const { a: times, b: baseTimes } = await interleaved(ctx.samples, async () => {
      const r = await big.exportOnce();
      sums.add(r.checksum);
      ctx.log(`  export ${fmt.s(r.s)} at ${fmt.int(rows)}`);
      return r.s;
    }, async () => {
      const r = await base.exportOnce();
      sums.add(r.checksum);
      ctx.log(`  export ${fmt.s(r.s)} on the base store`);
      return r.s;
    });
    if (sums.size !== 1) throw new Error('the export differed between samples or stores');
    const statusId = await big.api.create(iso(WINDOW.start), iso(WINDOW.end));
    const headers = { Authorization: `Bearer ${await big.api.auth()}` };
    const busy = keepExporting(big.api, big.dataDir);
    await sleep(300);
    const p99: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await cannon(`${big.server.url}/bulk/v1/activities/export/${statusId}/status.json`, headers, ctx.quick ? 3 : 5);
      p99.push(r.p99);
      ctx.log(`  status.json ${fmt.int(r.rps)} req/s p99 ${r.p99} ms`);
    }
    await busy.stop();
    const store = new PostgresStore(url, { poolSize: 2, migrate: false });
    let importS: number;
    try {
      const t0 = performance.now();
      await store.importActivities(importRows(IMPORT_ROWS, seed));
      importS = (performance.now() - t0) / 1000;
    } finally {
      await store.close();
    }
    await c.query(`DELETE FROM activities WHERE guid >= 9000000000000`);
    ctx.log(`  import ${IMPORT_ROWS.toLocaleString('en-US')} rows in ${fmt.s(importS)}`);
    return {
      rows, exportS: measure('s', times), baseExportS: measure('s', baseTimes), checksum: [...sums][0]!,
      statusP99Ms: measure('ms', p99), importRowsPerS: IMPORT_ROWS / importS, plan,
    };
  } finally {
    await big.server.stop();
    await base.server.stop();
  }
}

/** The window's export query, as the worker sends it inside its COPY (for EXPLAIN). */
function exportQueryForExplain(): string {
  return /^COPY \(([\s\S]*)\)\s+TO STDOUT/.exec(exportCopy(csvRequest(WINDOW)))![1]!;
}

export async function scale(ctx: BenchContext): Promise<ScenarioResult> {
  if (!ctx.pg) throw new Error('scale needs PostgreSQL');
  const sizes = ctx.scaleSizes ?? (ctx.quick ? [0.5, 2] : [5, 50]);
  // One schema per window size, so --quick and full runs on one cluster keep apart.
  const schema = `scale_v1_${ctx.pg.windowRows}`;
  const u = new URL(ctx.pg.baseUrl);
  u.searchParams.set('schema', schema);
  const url = u.toString();
  // Migrations through the store itself, then the window copied from the data set's schema.
  const migrated = new PostgresStore(url, { poolSize: 1 });
  await migrated.countActivities();
  await migrated.close();
  const c = new pg.Client({ connectionString: ctx.pg.baseUrl });
  await c.connect();
  try {
    await c.query(`SET search_path = ${schema}`);
    const window = monthStart(0);
    if (!(await c.query(`SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [schema, window.name])).rowCount) {
      await c.query(`CREATE TABLE ${window.name} PARTITION OF activities FOR VALUES FROM (${window.from}) TO (${window.to})`);
      await c.query(`INSERT INTO activities SELECT * FROM ${parsePostgresUrl(ctx.pg.url).schema}.activities
        WHERE activity_date BETWEEN ${window.from} AND ${window.to - 1}`);
    }
    const at: AtSize[] = [];
    for (const [i, millions] of sizes.entries()) {
      const rows = await grow(c, schema, Math.round(millions * 1e6), ctx.log);
      ctx.log(`  -- ${rows.toLocaleString('en-US')} activities stored`);
      at.push(await measureAt(ctx, url, c, rows, i));
    }
    const [first, last] = [at[0]!, at.at(-1)!];
    // Same-sitting slowdown at each size: its export over the base store's, interleaved.
    const slowdown = (a: AtSize) => a.exportS.median / a.baseExportS.median;
    const same = at.every((a) => a.checksum === first.checksum);
    const measures: Record<string, Measure> = {};
    for (const a of at) {
      const m = `${(a.rows / 1e6).toFixed(1)}M`;
      measures[`export_s_${m}`] = a.exportS;
      measures[`base_export_s_during_${m}`] = a.baseExportS;
      measures[`status_p99_ms_${m}`] = a.statusP99Ms;
      measures[`import_rows_per_s_${m}`] = measure('rows/s', [a.importRowsPerS]);
    }
    const mill = (a: AtSize) => `${(a.rows / 1e6).toFixed(1)} M`;
    return {
      id: 'scale',
      title: `PostgreSQL: 31-day export with ${at.map(mill).join(', ')} activities stored`,
      tidemark: `the 31-day export (enqueue → Completed) with ${at.map((a) => fmt.int(a.rows)).join(', ')} activities stored`,
      reference: `the same export on a store holding the window alone (${fmt.int(ctx.pg!.windowRows)} rows), interleaved at each size`,
      measures,
      ratio: 1 / slowdown(last),
      ratioLabel: 'window-only store time / largest store time, same sitting',
      target: 'flat: ≤ 1.2× slower (ratio ≥ 0.83), same file at every size',
      met: slowdown(last) <= 1.2 && same,
      notes: [
        ...at.map((a) => `${fmt.int(a.rows)} stored: export ${fmt.s(a.exportS.median)} against ${fmt.s(a.baseExportS.median)} on the window-only store (${slowdown(a).toFixed(2)}× slower), status.json p99 ${a.statusP99Ms.median} ms under load, import ${fmt.int(a.importRowsPerS)} rows/s (${fmt.int(IMPORT_ROWS)} new rows)`),
        `largest / smallest size: export ${(last.exportS.median / first.exportS.median).toFixed(2)}× (not same sitting), status p99 ${(last.statusP99Ms.median / first.statusP99Ms.median).toFixed(2)}×, import rate ${(last.importRowsPerS / first.importRowsPerS).toFixed(2)}×`,
        `export file ${same ? 'identical (sha256) at every size and on the window-only store' : 'DIFFERS between sizes'}`,
        `plan at the largest size: ${last.plan.split('\n').map((l) => l.trim()).join(' / ')}`,
      ],
      tidemarkCell: `${fmt.s(last.exportS.median)} at ${mill(last)}`,
      referenceCell: `${fmt.s(last.baseExportS.median)} window only, same sitting`,
    };
  } finally {
    await c.end();
  }
}
