import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runStoreConformance } from '../conformance/run-store-conformance.js';
import { MIGRATIONS } from './schema.js';
import { SqliteStore } from './sqlite-store.js';

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
