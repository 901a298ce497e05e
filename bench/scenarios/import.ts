/**
 * Import NDJSON activities: the real CLI (`tidemark import FILE`, a fresh store each time, process
 * wall time) against the simplest loader a user would write: readline + JSON.parse + one prepared
 * INSERT per row into the same schema, in one transaction, with better-sqlite3 (timed in process,
 * so without Node's start-up that the CLI pays).
 */
import Database from 'better-sqlite3';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { BenchContext } from '../lib/context.js';
import { ndjsonFile } from '../lib/dataset.js';
import { run } from '../lib/proc.js';
import { CLI, REPO } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';

export async function rawInsert(file: string, dir: string): Promise<{ ms: number; rows: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'tidemark.sqlite');
  await new SqliteStore(path).close(); // the same schema and pragmas, created before the clock starts
  const t0 = performance.now();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(`INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav,
    attributes, action_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let rows = 0;
  db.exec('BEGIN');
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const r = JSON.parse(line) as Record<string, any>;
    insert.run(BigInt(r.marketoGUID), r.leadId, Date.parse(r.activityDate) / 1000, r.activityTypeId, r.campaignId ?? null,
      r.primaryAttributeValueId ?? null, r.primaryAttributeValue ?? null, JSON.stringify(r.attributes ?? {}), r.actionResult ?? null);
    rows++;
  }
  db.exec('COMMIT');
  db.close();
  return { ms: performance.now() - t0, rows };
}

export async function cliImport(file: string, dir: string, cli = CLI): Promise<{ ms: number; rows: number }> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await new SqliteStore(join(dir, 'tidemark.sqlite')).close();
  const r = await run(process.execPath, [cli, 'import', file, '--data-dir', dir], { cwd: REPO });
  const rows = Number(r.stdout.match(/imported (\d+) activities/)?.[1] ?? NaN);
  return { ms: r.ms, rows };
}

export async function importNdjson(ctx: BenchContext): Promise<ScenarioResult> {
  const file = await ndjsonFile(ctx.root, ctx.importRows);
  const tmDir = join(ctx.root, 'import-tidemark');
  const refDir = join(ctx.root, 'import-raw');
  const { a: tm, b: ref } = await interleaved(Math.min(ctx.samples, 3), async () => {
    const r = await cliImport(file, tmDir);
    if (r.rows !== ctx.importRows) throw new Error(`tidemark import stored ${r.rows} of ${ctx.importRows}`);
    ctx.log(`  tidemark import ${fmt.s(r.ms / 1000)} (${fmt.int(r.rows / (r.ms / 1000))} rows/s)`);
    return r.ms;
  }, async () => {
    const r = await rawInsert(file, refDir);
    ctx.log(`  raw INSERTs     ${fmt.s(r.ms / 1000)} (${fmt.int(r.rows / (r.ms / 1000))} rows/s)`);
    return r.ms;
  });
  rmSync(tmDir, { recursive: true, force: true });
  rmSync(refDir, { recursive: true, force: true });
  const n = ctx.importRows;
  const t = measure('rows/s', tm.map((ms) => n / (ms / 1000)));
  const r = measure('rows/s', ref.map((ms) => n / (ms / 1000)));
  const ratio = t.median / r.median;
  return {
    id: 'import',
    title: `Import ${fmt.int(n)} NDJSON activities`,
    tidemark: '`tidemark import FILE --data-dir DIR` into a fresh store (validation, GUID de-duplication, leads), process wall time',
    reference: 'readline + JSON.parse + one prepared INSERT a row in one transaction (better-sqlite3), same schema',
    measures: { tidemark_rows_per_s: t, reference_rows_per_s: r, tidemark_s: measure('s', tm.map((x) => x / 1000)), reference_s: measure('s', ref.map((x) => x / 1000)) },
    ratio,
    ratioLabel: 'Tidemark rows/s / raw INSERT rows/s',
    target: '≥ 0.8×',
    met: ratio >= 0.8,
    notes: [`${fmt.int(n)} lines; Tidemark's time includes Node start-up and opening the store, the reference's does not`],
    tidemarkCell: `${fmt.int(t.median)} rows/s`,
    referenceCell: `${fmt.int(r.median)} rows/s`,
  };
}
