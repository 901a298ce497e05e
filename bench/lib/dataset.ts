/**
 * The benchmark's data: three months of the demo generator's activities (July, August, September
 * 2025), each row given a 32-hex `Session ID` attribute so a line averages ~290 bytes, the size the
 * issue's 1.7 M rows / 500 MB window implies. August is "the 31-day window". Built once per size
 * and kept under the bench directory (a manifest says what is there).
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteFile } from '../../src/config/config.js';
import type { Activity } from '../../src/domain/activity.js';
import { formatMarketoDate } from '../../src/domain/dates.js';
import { demoActivities } from '../../src/demo/generate.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

export const WINDOW = { start: Date.UTC(2025, 7, 1), end: Date.UTC(2025, 8, 1) - 1000 };
/** A one-day window inside August, for the "small export" of the memory scenario. */
export const SMALL_WINDOW = { start: Date.UTC(2025, 7, 12), end: Date.UTC(2025, 7, 13) - 1000 };
/** 90 days for `tidemark extract`: 2025-07-01 .. 2025-09-28 inclusive. */
export const EXTRACT_RANGE = { since: '2025-07-01', until: '2025-09-28' };

const MONTHS = [
  { endMs: Date.UTC(2025, 7, 1), days: 31, seed: 7 },
  { endMs: Date.UTC(2025, 8, 1), days: 31, seed: 8 },
  { endMs: Date.UTC(2025, 9, 1), days: 30, seed: 9 },
];
const AUGUST = 1;

/** Cheap, reproducible 32 hex digits from a GUID. */
function sessionId(guid: number): string {
  let out = '';
  let x = guid >>> 0;
  for (let i = 0; i < 4; i++) {
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d + i) >>> 0;
    x = (x ^ Math.imul(x ^ (x >>> 12), 0x297a2d39)) >>> 0;
    out += x.toString(16).padStart(8, '0');
  }
  return out;
}

/** One month of activities; GUIDs are distinct across months (each demo day has its own GUID range; the offset keeps older data sets distinct too). */
export function* monthActivities(month: number, perDay: number): Generator<Activity> {
  const m = MONTHS[month]!;
  const offset = (month + 1) * 100_000_000;
  for (const a of demoActivities({ days: m.days, activitiesPerDay: perDay, seed: m.seed, endMs: m.endMs })) {
    const guid = Number(a.marketoGUID) + offset;
    yield { ...a, marketoGUID: String(guid), attributes: a.attributes.slice(0, -1) + `,"Session ID":"${sessionId(guid)}"}` };
  }
}

export interface Dataset {
  dataDir: string;
  rows: number;
  windowRows: number;
}

/**
 * Bump when the generated rows or the store's layout change, so kept data sets are rebuilt (3: the
 * file-text columns; a migrated store works, but its rewritten rows are scattered over the file).
 */
const DATASET_VERSION = 3;

interface Manifest {
  version: number;
  perDay: number;
  rows: number;
  windowRows: number;
}

/** The SQLite store with all three months, built by Tidemark's own import path (demo seed). */
export async function sqliteDataset(root: string, perDay: number, log: (s: string) => void): Promise<Dataset> {
  const dataDir = join(root, `sqlite-${perDay}`);
  const manifestPath = join(dataDir, 'bench-manifest.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (m.version === DATASET_VERSION && m.perDay === perDay) return { dataDir, rows: m.rows, windowRows: m.windowRows };
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const store = new SqliteStore(join(dataDir, 'tidemark.sqlite'));
  const t0 = performance.now();
  let rows = 0;
  let windowRows = 0;
  for (let month = 0; month < MONTHS.length; month++) {
    const n = (await store.importActivities(monthActivities(month, perDay))).inserted;
    rows += n;
    if (month === AUGUST) windowRows = n;
    log(`  month ${month + 1}/3: ${n.toLocaleString('en-US')} activities (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await store.close();
  writeFileSync(manifestPath, JSON.stringify({ version: DATASET_VERSION, perDay, rows, windowRows } satisfies Manifest));
  return { dataDir, rows, windowRows };
}

/** The same August on PostgreSQL, in schema `bench<version>_<perDay>`; returns the store URL. */
export async function postgresDataset(baseUrl: string, perDay: number, log: (s: string) => void): Promise<{ url: string; windowRows: number }> {
  const u = new URL(baseUrl);
  u.searchParams.set('schema', `bench${DATASET_VERSION}_${perDay}`);
  const url = u.toString();
  const store = new PostgresStore(url, { poolSize: 2 });
  try {
    let n = await store.countActivities();
    if (n === 0) {
      const t0 = performance.now();
      n = (await store.importActivities(monthActivities(AUGUST, perDay))).inserted;
      log(`  PostgreSQL: ${n.toLocaleString('en-US')} activities (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`ANALYZE bench${DATASET_VERSION}_${perDay}.activities`);
      await c.end();
    }
    return { url, windowRows: n };
  } finally {
    await store.close();
  }
}

/** The NDJSON file for the import scenario (`n` activities of one generator run, attributes as objects). */
export async function ndjsonFile(root: string, n: number): Promise<string> {
  const path = join(root, `import-${n}.ndjson`);
  if (existsSync(path)) return path;
  const out = createWriteStream(`${path}.tmp`);
  let written = 0;
  const perDay = Math.ceil(n / 25);
  let buf = '';
  for (const a of demoActivities({ days: 31, activitiesPerDay: perDay, seed: 42, endMs: Date.UTC(2024, 0, 1) })) {
    buf += JSON.stringify({ ...a, activityDate: formatMarketoDate(a.activityDate), attributes: JSON.parse(a.attributes) }) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
    if (++written === n) break;
  }
  out.end(buf);
  await once(out, 'finish');
  renameSync(`${path}.tmp`, path);
  return path;
}

/**
 * The sqlite3 CLI's side of the export rows: the same activities in a plain table, attributes as
 * JSON text (the Tidemark store keeps them in file form, which the CLI would quote a second time).
 * Same columns, same date index, every row of the store, so both sides read files of the same
 * shape. Built once next to the store.
 */
export function plainReferenceFile(dataDir: string, log: (s: string) => void): string {
  const path = join(dataDir, 'reference-plain.sqlite');
  if (existsSync(path)) return path;
  log('  building the plain reference table for the sqlite3 CLI (once)...');
  const part = `${path}.part`;
  rmSync(part, { force: true });
  const db = new Database(part);
  try {
    db.exec(`ATTACH ${sqlString(sqliteFile(dataDir))} AS store;
      CREATE TABLE activities (guid INTEGER PRIMARY KEY, lead_id INTEGER NOT NULL, activity_date INTEGER NOT NULL,
        activity_type_id INTEGER NOT NULL, campaign_id INTEGER, pav_id INTEGER, pav TEXT, attributes TEXT NOT NULL, action_result TEXT);
      INSERT INTO activities SELECT guid, lead_id, activity_date, activity_type_id, campaign_id, pav_id, pav,
        CASE WHEN unicode(attributes) = 34 THEN replace(substr(attributes, 2, length(attributes) - 2), '""', '"') ELSE attributes END,
        action_result FROM store.activities ORDER BY guid;
      CREATE INDEX activities_by_date ON activities(activity_date);`);
  } finally {
    db.close();
  }
  renameSync(part, path);
  return path;
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
