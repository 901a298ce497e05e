/**
 * The export worker end to end on a real store file (and PostgreSQL when configured): an export
 * written alone or shared with helper threads writes the same bytes, and the checksum is the file's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_FIELDS, type ActivityExportRequest } from '../domain/export-request.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { EVERYTHING, randomActivities, T0 } from '../store/conformance/fixtures.js';
import type { Store } from '../store/store.js';
import { ExportStopped, runExport } from './export-runner.js';
import { startHelper } from './helper-thread.js';
import { LineWriter } from './line-writer.js';
import { DEFAULT_SHARING, writeSharedExport, type Helper, type RunSharing } from './shared-runs.js';
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

function path(): string {
  return join(dir, `job-${++n}.part`);
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

    // Whether the worker shares runs with helpers is the store's call (PostgreSQL does not); the
    // sharing itself is tested through writeSharedExport below.
    const shares = name === 'sqlite';
    const small: Partial<RunSharing> = { rowsPerRun: 250, soloRuns: 1 };
    for (const [label, sharing] of [['alone', { helpers: 0 }], [shares ? 'shared with a helper' : 'with small runs, alone', small]] as const) {
      test(`an export ${label} writes the oracle's bytes and their checksum`, async () => {
        const tempPath = path();
        const out = await runExport({ location: store.location, request, tempPath, sharing }).done;
        const file = readFileSync(tempPath);
        assert.equal(file.toString('utf8'), expected);
        assert.deepEqual(out, { records: data.length, bytes: file.length, checksum: `sha256:${createHash('sha256').update(file).digest('hex')}` });
      });
    }

    test('a lead export, alone or shared by lead id, writes the oracle\'s bytes (formatRecord over exportRecords)', async () => {
      await loadLeadCatalog(store);
      await store.importLeads(trickyLeads(3_000, 3));
      const leads = leadRequest(EVERY_LEAD, ['id', 'email', 'firstName', 'textField', 'createdAt'], 'TSV');
      let expectedLeads = formatHeader(leads);
      for await (const values of store.exportRecords(leads)) expectedLeads += formatRecord(values, leads.format);
      for (const sharing of [{ helpers: 0 }, small]) {
        const tempPath = path();
        const out = await runExport({ location: store.location, request: leads, tempPath, sharing }).done;
        assert.equal(readFileSync(tempPath, 'utf8'), expectedLeads);
        assert.equal(out.bytes, Buffer.byteLength(expectedLeads));
      }
    });

    /** writeSharedExport into a fresh file with the given helpers; the file's text and the result. */
    async function shared(helpers: Helper[]): Promise<{ text: string; runs: number; byHelpers: number; records: number }> {
      const file = path();
      const fd = openSync(file, 'w');
      const out = new LineWriter(fd, createHash('sha256'));
      const queue = [...helpers];
      const result = await writeSharedExport({
        store, request, out, sharing: { ...DEFAULT_SHARING, ...small, helpers: helpers.length }, startHelper: () => queue.shift()!,
      }).finally(async () => {
        await out.settled();
        closeSync(fd);
      });
      return { text: readFileSync(file, 'utf8'), ...result, records: out.records };
    }
    /** A helper started ahead, its snapshot open, so it takes runs from the first. */
    async function readyHelper(location = store.location): Promise<Helper> {
      const h = startHelper({ location, request });
      await h.mark.catch(() => undefined);
      return h;
    }

    test('runs built by a helper thread land in file order: the file is the oracle\'s', { skip: !shares && 'this store does not share runs' }, async () => {
      const result = await shared([await readyHelper()]);
      assert.equal(result.text, expected);
      assert.equal(result.records, data.length);
      // A run of 250 rows of the window each; one more, empty, when the last ends on the last row.
      assert.ok(result.runs >= data.length / 250 && result.runs <= data.length / 250 + 1, `${result.runs} runs`);
      assert.ok(result.byHelpers > 0, `the helper built runs (${result.byHelpers})`);
    });

    test('a helper whose snapshot saw an import land is sent away; the file is the first snapshot', { skip: !shares && 'this store does not share runs' }, async () => {
      const other = await openStore(store.location);
      const before = await oracle(store);
      // Dates after every stored row (those span three days from T0), in the window.
      const late = randomActivities(40, 43).map((a, i) => ({ ...a, marketoGUID: String(7_000_000 + i), activityDate: T0 + 10 * DAY + i * 1000 }));
      const file = path();
      const fd = openSync(file, 'w');
      const out = new LineWriter(fd, createHash('sha256'));
      let helper: Helper | undefined;
      const result = await writeSharedExport({
        store, request, out, sharing: { ...DEFAULT_SHARING, ...small, helpers: 1 },
        // The import commits after this thread's snapshot opened and before the helper's does.
        startHelper: () => {
          const started = other.importActivities(late).then(() => (helper = startHelper({ location: store.location, request })));
          return {
            mark: started.then((h) => h.mark), build: (run) => started.then((h) => h.build(run)),
            stop: async () => { await started.catch(() => undefined); await helper?.stop(); },
          };
        },
      }).finally(async () => {
        await out.settled();
        closeSync(fd);
      });
      await other.close();
      assert.equal(result.byHelpers, 0, 'the helper built nothing');
      assert.equal(readFileSync(file, 'utf8'), before, 'the file is the first snapshot: without the late rows');
      assert.equal(await store.countActivities(), data.length + late.length, 'the import itself landed');
    });

    test('a helper that fails hands its runs back: the export completes from this thread', { skip: !shares && 'this store does not share runs' }, async () => {
      const broken = await readyHelper({ kind: 'sqlite', file: join(dir, 'no-such-dir', 'store.sqlite') });
      const result = await shared([broken]);
      assert.equal(result.byHelpers, 0);
      assert.equal(result.text, await oracle(store));
    });

    test('stopping an export rejects with ExportStopped', async () => {
      const run = runExport({ location: store.location, request, tempPath: path(), sharing: small });
      await run.stop();
      await assert.rejects(run.done, ExportStopped);
    });
  });
}
