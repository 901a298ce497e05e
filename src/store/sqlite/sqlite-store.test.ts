import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EVERYTHING, request } from '../conformance/fixtures.js';
import { FIRST_ACTIVITY_MS } from '../../domain/activity.js';
import { formatMarketoDate } from '../../domain/dates.js';
import { runStoreConformance } from '../conformance/run-store-conformance.js';
import { formatRow } from '../../domain/file-format.js';
import { MIGRATE_ATTRIBUTES_TO_FILE_FORM } from './file-text-columns.js';
import { MIGRATIONS } from './schema.js';
import { SqliteStore } from './sqlite-store.js';
import { upgradeNote } from '../open-store.js';
import type { StoreUpgrade } from '../store.js';

/** The attributes' stored form, written out independently of the SQL that makes it (file-text-columns.ts). */
const fileForm = (json: string) => (json.includes('"') ? `"${json.replaceAll('"', '""')}"` : json);

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

runStoreConformance({
  name: 'sqlite',
  create: (testName) => {
    const dir = mkdtempSync(join(tmpdir(), `tidemark-store-${testName.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-`));
    dirs.push(dir);
    return new SqliteStore(join(dir, 'tidemark.sqlite'));
  },
});

test('a file made before tokens were hashed loses its clear tokens when opened: the table keeps digests only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-store-token-migration-'));
  dirs.push(dir);
  const file = join(dir, 'tidemark.sqlite');
  const old = new Database(file);
  const before = MIGRATIONS.findIndex((m) => m.includes('token_hash'));
  for (const m of MIGRATIONS.slice(0, before)) old.exec(m);
  old.pragma(`user_version = ${before}`);
  old.prepare('INSERT INTO tokens (token, client_id, issued_at, expires_at) VALUES (?, ?, ?, ?)').run('b4b8c7e2-1f2a-4c6e-9d7b-4d2c1a0e9f11:tm', 'c-1', 1, 9e15);
  old.close();

  const store = new SqliteStore(file);
  try {
    const db = new Database(file, { readonly: true });
    const columns = (db.prepare("SELECT name FROM pragma_table_info('tokens')").pluck().all() as string[]).sort();
    assert.deepEqual(columns, ['client_id', 'expires_at', 'issued_at', 'nonce', 'token_hash']);
    assert.equal(db.prepare('SELECT count(*) FROM tokens').pluck().get(), 0, 'the clear token is gone, not kept');
    db.close();
  } finally {
    void store.close();
  }
});

test('a file made before the file-text columns is rewritten when opened, and exports the same bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidemark-store-attributes-migration-'));
  dirs.push(dir);
  const file = join(dir, 'tidemark.sqlite');
  const old = new Database(file);
  const before = MIGRATIONS.indexOf(MIGRATE_ATTRIBUTES_TO_FILE_FORM);
  assert.ok(before > 0, 'the migration is in the list');
  for (const m of MIGRATIONS.slice(0, before)) old.exec(m);
  old.pragma(`user_version = ${before}`);
  const json = ['{}', '{"a":"say \\"hi\\"","b":1}', '{"k":"v w,x"}'];
  // Year 1, before 1970, and a recent second: strftime fills the new column as formatMarketoDate writes.
  const dates = [FIRST_ACTIVITY_MS / 1000, -1_000_000_001, 1_700_000_000];
  const insert = old.prepare('INSERT INTO activities (guid, lead_id, activity_date, activity_type_id, attributes) VALUES (?, 1, ?, 1, ?)');
  json.forEach((text, i) => insert.run(i + 1, dates[i], text));
  old.close();

  const upgrades: StoreUpgrade[] = [];
  const store = new SqliteStore(file, { onUpgrade: (u) => upgrades.push(u) });
  try {
    assert.deepEqual(upgrades, [{ fromVersion: before, toVersion: MIGRATIONS.length, activities: 3 }], 'told once, before the rewrite');
    assert.match(upgradeNote(upgrades[0]!), new RegExp(`^upgrading the store from schema ${before} to ${MIGRATIONS.length} \\(3 activities; once only\\)$`));
    assert.match(upgradeNote({ fromVersion: 4, toVersion: 6, activities: 5_212_520 }), /5,212,520 activities; once only, about 53 s\)$/);
    const again = new SqliteStore(file, { onUpgrade: (u) => upgrades.push(u) });
    await again.close();
    assert.equal(upgrades.length, 1, 'a store at the current version is not upgraded again');
    const fresh = new SqliteStore(join(dir, 'new.sqlite'), { onUpgrade: (u) => upgrades.push(u) });
    await fresh.close();
    assert.equal(upgrades.length, 1, 'a new file is made, not upgraded');
    const filter = { ...EVERYTHING, startMs: FIRST_ACTIVITY_MS };
    const rows = [];
    for await (const a of store.exportRows(filter)) rows.push(a);
    assert.deepEqual(rows.map((a) => a.attributes), json, 'the JSON reads back unchanged');
    const db = new Database(file, { readonly: true });
    assert.deepEqual(db.prepare('SELECT attributes FROM activities ORDER BY guid').pluck().all(), json.map(fileForm));
    assert.deepEqual(db.prepare('SELECT date_text FROM activities ORDER BY guid').pluck().all(), dates.map((s) => formatMarketoDate(s * 1000)));
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    db.close();
    const lines: Buffer[] = [];
    for await (const c of store.exportLines(request(filter, ['activityDate', 'attributes']))) lines.push(c.bytes);
    assert.equal(Buffer.concat(lines).toString('utf8'), rows.map((a) => formatRow(a, ['activityDate', 'attributes'], 'CSV')).join(''));
  } finally {
    await store.close();
  }
});
