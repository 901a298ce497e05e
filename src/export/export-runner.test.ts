/**
 * The export worker end to end on a real store file (and PostgreSQL when configured): whole and
 * sliced exports write the same bytes, the checksum is the file's, and scratch files never stay.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_FIELDS, type ExportRequest } from '../domain/export-request.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { EVERYTHING, randomActivities } from '../store/conformance/fixtures.js';
import type { Store } from '../store/store.js';
import { ExportStopped, runExport } from './export-runner.js';
import { formatHeader, formatRow } from './format.js';

const dir = mkdtempSync(join(tmpdir(), 'tidemark-export-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const request: ExportRequest = { format: 'CSV', fields: [...DEFAULT_FIELDS], columnHeaderNames: {}, filter: EVERYTHING };
const data = randomActivities(6_000, 42);
let n = 0;

async function oracle(store: Store): Promise<string> {
  let text = formatHeader(request);
  for await (const a of store.exportRows(request.filter)) text += formatRow(a, request.fields, request.format);
  return text;
}

function paths(): string[] {
  const base = join(dir, `job-${++n}`);
  return [`${base}.part`, `${base}.1.part`];
}

const backends: [string, (() => Promise<Store>) | undefined][] = [
  ['sqlite', async () => new SqliteStore(join(dir, `store-${++n}.sqlite`))],
  ['postgres', process.env.TIDEMARK_TEST_DATABASE_URL ? async () => {
    const u = new URL(process.env.TIDEMARK_TEST_DATABASE_URL!);
    u.searchParams.set('schema', `export_runner_${process.pid}_${++n}`);
    return new PostgresStore(u.toString(), { poolSize: 3 });
  } : undefined],
];

for (const [name, open] of backends) {
  describe(`export worker on ${name}`, { skip: open ? false : 'TIDEMARK_TEST_DATABASE_URL is not set' }, () => {
    let store: Store;
    let expected: string;
    test('set up', async () => {
      store = await open!();
      await store.importActivities(data);
      expected = await oracle(store);
    });
    after(async () => {
      if (store instanceof PostgresStore) await store.dropSchema();
      await store?.close();
    });

    for (const [label, minRowsPerSlice] of [['whole', undefined], ['in two slices', 1_000]] as const) {
      test(`an export ${label} writes the oracle's bytes and their checksum, and leaves no scratch file`, async () => {
        const tempPaths = paths();
        const out = await runExport({ location: store.location, request, tempPaths, minRowsPerSlice }).done;
        const file = readFileSync(tempPaths[0]!);
        assert.equal(file.toString('utf8'), expected);
        assert.deepEqual(out, { records: data.length, bytes: file.length, checksum: `sha256:${createHash('sha256').update(file).digest('hex')}` });
        assert.equal(existsSync(tempPaths[1]!), false, 'the scratch file is removed');
      });
    }

    test('a slice that cannot be written fails the whole export', async () => {
      const tempPaths = paths();
      tempPaths[1] = join(dir, `no-such-dir-${n}`, 'slice.part');
      await assert.rejects(runExport({ location: store.location, request, tempPaths, minRowsPerSlice: 1_000 }).done, /ENOENT/);
    });

    test('stopping a sliced export rejects with ExportStopped', async () => {
      const run = runExport({ location: store.location, request, tempPaths: paths(), minRowsPerSlice: 1_000 });
      await run.stop();
      await assert.rejects(run.done, ExportStopped);
    });
  });
}
