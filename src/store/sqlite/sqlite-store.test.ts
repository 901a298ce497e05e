import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { runStoreConformance } from '../conformance/run-store-conformance.js';
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
