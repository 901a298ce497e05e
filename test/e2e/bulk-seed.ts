/**
 * Fast bulk data for the e2e tests, and direct looks into a data dir's store, on either backend.
 *
 * SQLite: fills `<data-dir>/tidemark.sqlite` with N activities in one INSERT ... WITH RECURSIVE
 * statement (about a second per million rows), far faster than `import`. Run it BEFORE
 * `tidemark serve` opens the data dir. The schema comes from SqliteStore itself, so the rows always
 * match src/store/sqlite/schema.ts: guid INTEGER PK, activity_date in epoch seconds, attributes as
 * JSON object text.
 *
 * PostgreSQL (the dir's schema on the PostgreSQL pass, see `databaseUrlOf`/`testDatabaseUrl` in
 * cli.ts): the same rows, value for value, from one INSERT ... SELECT over generate_series (about
 * 2 s per million rows; the store's own COPY import, PostgresStore.importActivities, takes ~5.5 s
 * per million, which would add ~15 s to the run). The schema and the month partitions come from
 * PostgresStore itself: one placeholder row per month goes in through importActivities, which
 * creates the partition, and is deleted before the bulk insert.
 *
 * Rows are spread evenly over [startMs, startMs + days), in guid order, and mix plain values with
 * ones that need CSV quoting (commas, quotes) and multi-byte UTF-8, so checksums and Range
 * reassembly see every kind of byte the format writes.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFile } from '../../src/config/config.js';
import type { JobRecord } from '../../src/domain/job.js';
import { parsePostgresUrl, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { databaseUrlOf } from './cli.js';

export interface SeedOptions {
  rows: number;
  /** First activity date, epoch ms (UTC). */
  startMs: number;
  /** Rows are spread over this many days from startMs. */
  days: number;
  /** marketoGUID of the first row; the rest follow one by one. */
  firstGuid?: number;
}

export interface SeedResult {
  rows: number;
  ms: number;
}

/**
 * The columns of row `i` as SQL over a column `i`, valid in SQLite and PostgreSQL alike (integer
 * division, `||` with integers), so both stores hold exactly the same activities.
 */
const ROW_SQL = `
        @firstGuid + i,
        100000 + (i * 7919) % 250000,
        @startSec + (i * @spanSec) / @rows,
        CASE i % 4 WHEN 0 THEN 1 WHEN 1 THEN 6 WHEN 2 THEN 104 ELSE 13 END,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 8000 + i % 97 END,
        CASE i % 4 WHEN 0 THEN 1000 + i % 6 WHEN 1 THEN 5000 + i % 8 WHEN 2 THEN 1001 + i % 4 ELSE 41 END,
        CASE i % 4
          WHEN 0 THEN 'www.example.com/p' || (i % 6)
          WHEN 1 THEN 'Newsletter ' || (i % 8) || '.Email'
          WHEN 2 THEN 'Trade Show, "Spring" ' || (i % 4)
          ELSE 'Lead Status' END,
        CASE i % 4
          WHEN 0 THEN '{"Webpage URL":"/p' || (i % 6) || '","Client IP Address":"203.0.113.' || (i % 250) || '"}'
          WHEN 1 THEN '{"Campaign Run ID":' || (700 + i % 5) || ',"Step ID":1,"Choice Number":0}'
          WHEN 2 THEN '{"Old Status":"Not in Program","New Status":"Membré ✓","Success":' || CASE WHEN i % 3 = 0 THEN 'true' ELSE 'false' END || '}'
          ELSE '{}' END,
        CASE WHEN i % 4 = 2 THEN 'succeeded' ELSE NULL END`;

/** Creates the schema (through the store) and inserts `rows` activities in one statement. */
export async function seedBulk(dataDir: string, o: SeedOptions): Promise<SeedResult> {
  const params = { rows: o.rows, firstGuid: o.firstGuid ?? 10_000_000, startSec: Math.floor(o.startMs / 1000), spanSec: o.days * 86_400 };
  const url = databaseUrlOf(dataDir);
  return url ? seedPostgres(url, params) : seedSqlite(dataDir, params);
}

interface SeedParams {
  rows: number;
  firstGuid: number;
  startSec: number;
  spanSec: number;
}

async function seedSqlite(dataDir: string, p: SeedParams): Promise<SeedResult> {
  const file = sqliteFile(dataDir);
  const store = new SqliteStore(file);
  await store.close();
  const started = Date.now();
  const db = new Database(file);
  try {
    db.pragma('synchronous = OFF');
    const insert = db.prepare(`
      INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result)
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @rows)
      SELECT ${ROW_SQL}
      FROM n`);
    const info = insert.run(p);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { rows: info.changes, ms: Date.now() - started };
  } finally {
    db.close();
  }
}

async function seedPostgres(url: string, p: SeedParams): Promise<SeedResult> {
  const started = Date.now();
  // Partitions through the store: one placeholder row on the first second of every month the
  // rows touch (a GUID below any seeded one), deleted again below.
  const store = new PostgresStore(url, { poolSize: 1 });
  const placeholders = [];
  const last = p.startSec + Math.floor(((p.rows - 1) * p.spanSec) / p.rows);
  for (let d = new Date(p.startSec * 1000); d.getTime() <= last * 1000; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    placeholders.push({
      marketoGUID: String(placeholders.length + 1), leadId: 100000, activityDate: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
      activityTypeId: 1, campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}', actionResult: null,
    });
  }
  if (p.firstGuid <= placeholders.length) throw new Error(`firstGuid must be above ${placeholders.length}`);
  await store.importActivities(placeholders);
  await store.close();

  const client = await connect(url);
  try {
    await client.query('DELETE FROM activities WHERE guid <= $1', [placeholders.length]);
    // Named parameters become $n; the SQL text is the one SQLite runs.
    const names = ['firstGuid', 'startSec', 'spanSec', 'rows'] as const;
    const sql = ROW_SQL.replace(/@(\w+)/g, (_, n: string) => `$${names.indexOf(n as (typeof names)[number]) + 1}::bigint`);
    const inserted = await client.query(
      `INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result)
       SELECT ${sql} FROM generate_series(0::bigint, $4::bigint - 1) AS i`,
      names.map((n) => p[n]));
    await client.query('ANALYZE activities');
    return { rows: inserted.rowCount ?? 0, ms: Date.now() - started };
  } finally {
    await client.end();
  }
}

/** A plain pg client on the URL's schema (search_path), for looks the Store interface has no call for. */
async function connect(url: string): Promise<pg.Client> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
}

/** The job row as the dir's store holds it, read straight from SQLite (no server running) or PostgreSQL. */
export async function storedJob(dataDir: string, exportId: string): Promise<JobRecord | undefined> {
  const url = databaseUrlOf(dataDir);
  const store = url ? new PostgresStore(url, { poolSize: 1, migrate: false }) : new SqliteStore(sqliteFile(dataDir), { readonly: true });
  try {
    return await store.getJob(exportId);
  } finally {
    await store.close();
  }
}

/** How many stored activities lie in [startMs, endMs] (whole seconds), of `types` if given: plain SQL on either store. */
export async function countStored(dataDir: string, startMs: number, endMs: number, types?: number[]): Promise<number> {
  const where = `activity_date BETWEEN ${Math.ceil(startMs / 1000)} AND ${Math.floor(endMs / 1000)}${types ? ` AND activity_type_id IN (${types.map((t) => Math.trunc(t)).join(',')})` : ''}`;
  const url = databaseUrlOf(dataDir);
  if (!url) {
    const db = new Database(sqliteFile(dataDir), { readonly: true });
    try {
      return db.prepare(`SELECT count(*) FROM activities WHERE ${where}`).pluck().get() as number;
    } finally {
      db.close();
    }
  }
  const client = await connect(url);
  try {
    return (await client.query(`SELECT count(*)::int AS n FROM activities WHERE ${where}`)).rows[0].n as number;
  } finally {
    await client.end();
  }
}
