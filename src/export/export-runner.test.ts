/**
 * The export worker end to end on a real store file (and PostgreSQL when configured): whole and
 * sliced exports write the same bytes, the checksum is the file's, and scratch files never stay.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_FIELDS, type ActivityExportRequest } from '../domain/export-request.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { EVERYTHING, randomActivities, T0 } from '../store/conformance/fixtures.js';
import type { Store } from '../store/store.js';
import { ExportStopped, runExport, type SliceOutcome } from './export-runner.js';
import { LineWriter } from './line-writer.js';
import { writeSlicedExport } from './sliced-export.js';
import { runWorker, type RunningWorker } from './start-worker.js';
import { openStore } from '../store/open-store.js';
import { formatHeader, formatRecord, formatRow } from '../domain/file-format.js';
import { EVERY_LEAD, leadRequest, loadLeadCatalog, trickyLeads } from '../store/conformance/lead-fixtures.js';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'tidemark-export-runner-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const request: ActivityExportRequest = { kind: 'activities', format: 'CSV', fields: [...DEFAULT_FIELDS], columnHeaderNames: {}, filter: EVERYTHING };
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

    // Whether the worker slices at all is the store's call (PostgreSQL does not); the slicing
    // itself is tested on both through writeSlicedExport below.
    const slices = name === 'sqlite';
    for (const [label, minRowsPerSlice] of [['whole', undefined], [slices ? 'in two slices' : 'with a low slice threshold, whole', 1_000]] as const) {
      test(`an export ${label} writes the oracle's bytes and their checksum, and leaves no scratch file`, async () => {
        const tempPaths = paths();
        const out = await runExport({ location: store.location, request, tempPaths, minRowsPerSlice }).done;
        const file = readFileSync(tempPaths[0]!);
        assert.equal(file.toString('utf8'), expected);
        assert.deepEqual(out, { records: data.length, bytes: file.length, checksum: `sha256:${createHash('sha256').update(file).digest('hex')}` });
        assert.equal(existsSync(tempPaths[1]!), false, 'the scratch file is removed');
      });
    }

    test('a lead export, whole or in slices by lead id, writes the oracle\'s bytes (formatRecord over exportRecords)', async () => {
      await loadLeadCatalog(store);
      await store.importLeads(trickyLeads(3_000, 3));
      const leads = leadRequest(EVERY_LEAD, ['id', 'email', 'firstName', 'textField', 'createdAt'], 'TSV');
      let expectedLeads = formatHeader(leads);
      for await (const values of store.exportRecords(leads)) expectedLeads += formatRecord(values, leads.format);
      for (const minRowsPerSlice of [undefined, 500]) {
        const tempPaths = paths();
        const out = await runExport({ location: store.location, request: leads, tempPaths, minRowsPerSlice }).done;
        assert.equal(readFileSync(tempPaths[0]!, 'utf8'), expectedLeads);
        assert.equal(out.bytes, Buffer.byteLength(expectedLeads));
        assert.equal(existsSync(tempPaths[1]!), false);
      }
    });
    test('a slice that cannot be written fails the whole export', { skip: !slices && 'this store is not sliced' }, async () => {
      const tempPaths = paths();
      tempPaths[1] = join(dir, `no-such-dir-${n}`, 'slice.part');
      await assert.rejects(runExport({ location: store.location, request, tempPaths, minRowsPerSlice: 1_000 }).done, /ENOENT/);
    });

    test('written in two slices by two threads, the file is the oracle\'s and the second slice is appended', async () => {
      const [main, scratch] = paths();
      const fd = openSync(main!, 'w');
      const out = new LineWriter(fd, createHash('sha256'));
      const result = await writeSlicedExport({
        store, request, out, scratchPaths: [scratch!], minRowsPerSlice: 1_000,
        runSlice: (slice, path) => runWorker<SliceOutcome>('slice-worker', { location: store.location, request, slice, path }),
      }).finally(() => closeSync(fd));
      assert.deepEqual(result, { slices: 2, rewritten: 0 });
      assert.equal(readFileSync(main!, 'utf8'), expected);
      assert.equal(out.records, data.length);
      assert.equal(existsSync(scratch!), false);
    });

    test('a slice whose worker sees an import land after the cut is rewritten from the first snapshot', async () => {
      const other = await openStore(store.location);
      const before = await oracle(store);
      const [main, scratch] = paths();
      const fd = openSync(main!, 'w');
      const hash = createHash('sha256');
      const out = new LineWriter(fd, hash);
      // Dates after every stored row (those span three days from T0), so the new rows fall into the
      // second slice; in the same month, as a new PostgreSQL partition would wait for the snapshot.
      const late = randomActivities(40, 43).map((a, i) => ({ ...a, marketoGUID: String(7_000_000 + i), activityDate: T0 + 10 * DAY + i * 1000 }));
      const result = await writeSlicedExport({
        store, request, out, scratchPaths: [scratch!], minRowsPerSlice: 1_000,
        runSlice: (slice, path) => {
          let worker: RunningWorker<SliceOutcome> | undefined;
          const done = other.importActivities(late)
            .then(() => (worker = runWorker<SliceOutcome>('slice-worker', { location: store.location, request, slice, path })).done);
          return { done, stop: async () => { await done.catch(() => undefined); await worker?.stop(); } };
        },
      }).finally(() => closeSync(fd));
      await other.close();
      assert.deepEqual(result, { slices: 2, rewritten: 1 });
      assert.equal(readFileSync(main!, 'utf8'), before, 'the file is the first snapshot: without the late rows');
      assert.equal(out.records, data.length);
      assert.equal(existsSync(scratch!), false);
      assert.equal(await store.countActivities(), data.length + late.length, 'the import itself landed');
    });

    test('stopping an export rejects with ExportStopped', async () => {
      const run = runExport({ location: store.location, request, tempPaths: paths(), minRowsPerSlice: 1_000 });
      await run.stop();
      await assert.rejects(run.done, ExportStopped);
    });
  });
}
