/**
 * Import NDJSON activities into PostgreSQL: the real CLI (`tidemark import FILE --database-url
 * URL?schema=...`, a fresh schema each time, process wall time) against `psql \copy` of the same
 * rows into the same table. The reference gets the rows already in COPY's text format (converted
 * from the NDJSON before its clock starts) and its month partitions made in advance: it is the
 * floor for loading these rows, without the parsing, validation, GUID de-duplication, lead ids and
 * all-or-nothing staging that Tidemark's import does.
 */
import { createReadStream, createWriteStream, existsSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import pg from 'pg';
import type { Activity } from '../../src/domain/activity.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { copyTextLine } from '../../src/store/postgres/sql.js';
import type { BenchContext } from '../lib/context.js';
import { ndjsonFile } from '../lib/dataset.js';
import { run } from '../lib/proc.js';
import { CLI, REPO } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';

const TM_SCHEMA = 'bench_import_tm';
const REF_SCHEMA = 'bench_import_ref';

/** The NDJSON file as COPY text (made once, next to it); returns its path and the months it spans. */
async function copyTextFile(ndjson: string): Promise<{ path: string; months: number[] }> {
  const path = ndjson.replace(/\.ndjson$/, '.copy.tsv');
  const months = new Set<number>();
  const out = existsSync(path) ? undefined : createWriteStream(`${path}.tmp`);
  let buf = '';
  for await (const line of createInterface({ input: createReadStream(ndjson), crlfDelay: Infinity })) {
    if (!line) continue;
    const r = JSON.parse(line) as Record<string, any>;
    const date = Date.parse(r.activityDate);
    const d = new Date(date);
    months.add(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000);
    if (!out) continue;
    const a: Activity = {
      marketoGUID: String(r.marketoGUID), leadId: r.leadId, activityDate: date, activityTypeId: r.activityTypeId,
      campaignId: r.campaignId ?? null, primaryAttributeValueId: r.primaryAttributeValueId ?? null,
      primaryAttributeValue: r.primaryAttributeValue ?? null, attributes: JSON.stringify(r.attributes ?? {}), actionResult: r.actionResult ?? null,
    } as Activity;
    buf += copyTextLine(a);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  if (out) {
    out.end(buf);
    await once(out, 'finish');
    renameSync(`${path}.tmp`, path);
  }
  return { path, months: [...months].sort((a, b) => a - b) };
}

/** Drops `schema` and makes it again with Tidemark's tables (and, for the reference, the partitions). */
async function freshSchema(baseUrl: string, schema: string, months: number[] = []): Promise<void> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
  const u = new URL(baseUrl);
  u.searchParams.set('schema', schema);
  const store = new PostgresStore(u.toString(), { poolSize: 1 });
  await store.countActivities(); // waits for the migrations
  await store.close();
  const c2 = new pg.Client({ connectionString: baseUrl, options: `-c search_path=${schema}` });
  await c2.connect();
  try {
    for (const from of months) {
      const s = new Date(from * 1000);
      const to = Date.UTC(s.getUTCFullYear(), s.getUTCMonth() + 1, 1) / 1000;
      const name = `activities_${s.getUTCFullYear()}_${String(s.getUTCMonth() + 1).padStart(2, '0')}`;
      await c2.query(`CREATE TABLE ${name} PARTITION OF activities FOR VALUES FROM (${from}) TO (${to})`);
    }
    await c2.query('CHECKPOINT');
  } finally {
    await c2.end();
  }
}

async function count(baseUrl: string, schema: string): Promise<number> {
  const c = new pg.Client({ connectionString: baseUrl });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*)::int AS n FROM ${schema}.activities`)).rows[0].n);
  } finally {
    await c.end();
  }
}

export async function importPostgres(ctx: BenchContext): Promise<ScenarioResult> {
  const baseUrl = ctx.pgBaseUrl;
  if (!baseUrl) throw new Error('import-postgres needs PostgreSQL');
  const file = await ndjsonFile(ctx.root, ctx.importRows);
  const copy = await copyTextFile(file);
  const tmUrl = new URL(baseUrl);
  tmUrl.searchParams.set('schema', TM_SCHEMA);
  const n = ctx.importRows;
  const { a: tm, b: ref } = await interleaved(Math.min(ctx.samples, 3), async () => {
    await freshSchema(baseUrl, TM_SCHEMA);
    const r = await run(process.execPath, [CLI, 'import', file, '--database-url', tmUrl.toString()], { cwd: REPO });
    const rows = await count(baseUrl, TM_SCHEMA);
    if (rows !== n) throw new Error(`tidemark import stored ${rows} of ${n}`);
    ctx.log(`  tidemark import ${fmt.s(r.ms / 1000)} (${fmt.int(n / (r.ms / 1000))} rows/s)`);
    return r.ms;
  }, async () => {
    await freshSchema(baseUrl, REF_SCHEMA, copy.months);
    const env = { ...process.env, PGOPTIONS: `-c search_path=${REF_SCHEMA}` };
    const sql = `\\copy activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result) FROM '${copy.path}'`;
    const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', baseUrl, '-c', sql], { env });
    const rows = await count(baseUrl, REF_SCHEMA);
    if (rows !== n) throw new Error(`psql \\copy stored ${rows} of ${n}`);
    ctx.log(`  psql \\copy      ${fmt.s(r.ms / 1000)} (${fmt.int(n / (r.ms / 1000))} rows/s)`);
    return r.ms;
  });
  for (const schema of [TM_SCHEMA, REF_SCHEMA]) {
    const c = new pg.Client({ connectionString: baseUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => c.end());
  }
  const t = measure('rows/s', tm.map((ms) => n / (ms / 1000)));
  const r = measure('rows/s', ref.map((ms) => n / (ms / 1000)));
  const ratio = t.median / r.median;
  return {
    id: 'import-postgres',
    title: `Import ${fmt.int(n)} NDJSON activities into PostgreSQL`,
    tidemark: '`tidemark import FILE --database-url URL` into a fresh schema (validation, GUID de-duplication, leads, all or nothing), process wall time',
    reference: "`psql \\copy` of the same rows, already in COPY's text format, into the same table (partitions made in advance)",
    measures: { tidemark_rows_per_s: t, reference_rows_per_s: r, tidemark_s: measure('s', tm.map((x) => x / 1000)), reference_s: measure('s', ref.map((x) => x / 1000)) },
    ratio,
    ratioLabel: 'Tidemark rows/s / psql \\copy rows/s',
    target: 'a figure (no target set)',
    met: true,
    notes: [`${fmt.int(n)} lines; both times include the process start; psql reads rows already converted, Tidemark parses and validates the NDJSON`],
    tidemarkCell: `${fmt.int(t.median)} rows/s`,
    referenceCell: `${fmt.int(r.median)} rows/s`,
  };
}
