/**
 * Fast bulk data for the e2e tests: fills `<data-dir>/tidemark.sqlite` with N activities in one
 * INSERT ... WITH RECURSIVE statement (about a second per million rows), far faster than `import`.
 * Run it BEFORE `tidemark serve` opens the data dir. The schema comes from SqliteStore itself, so
 * the rows always match src/store/sqlite/schema.ts: guid INTEGER PK, activity_date in epoch
 * seconds, attributes as JSON object text.
 *
 * Rows are spread evenly over [startMs, startMs + days), in guid order, and mix plain values with
 * ones that need CSV quoting (commas, quotes) and multi-byte UTF-8, so checksums and Range
 * reassembly see every kind of byte the format writes.
 */
import Database from 'better-sqlite3';
import { sqliteFile } from '../../src/config/config.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

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

/** Creates the schema (through SqliteStore) and inserts `rows` activities in one statement. */
export async function seedBulk(dataDir: string, o: SeedOptions): Promise<SeedResult> {
  const file = sqliteFile(dataDir);
  const store = new SqliteStore(file);
  await store.close();
  const started = Date.now();
  const db = new Database(file);
  try {
    db.pragma('synchronous = OFF');
    const startSec = Math.floor(o.startMs / 1000);
    const spanSec = o.days * 86_400;
    const insert = db.prepare(`
      INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav, attributes, action_result)
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @rows)
      SELECT
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
        CASE WHEN i % 4 = 2 THEN 'succeeded' ELSE NULL END
      FROM n`);
    const info = insert.run({ rows: o.rows, firstGuid: o.firstGuid ?? 10_000_000, startSec, spanSec });
    db.pragma('wal_checkpoint(TRUNCATE)');
    return { rows: info.changes, ms: Date.now() - started };
  } finally {
    db.close();
  }
}
