/**
 * Conformance cases: the engine's line builder (`exportLines`) must equal the TypeScript oracle
 * (`formatRow` over `exportRows`) byte for byte, for every format and field choice.
 */
import assert from 'node:assert/strict';
import type { Activity } from '../../domain/activity.js';
import { DEFAULT_FIELDS, EXPORT_FIELDS, EXPORT_FORMATS, type ExportField, type ExportFilter } from '../../domain/export-request.js';
import { formatRow } from '../../domain/file-format.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { activity, collect, EVERYTHING, linesByRuns, randomActivities, request, SECOND, T0, trickyActivities } from './fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

const FIELD_SETS: [string, readonly ExportField[]][] = [
  ['default fields', DEFAULT_FIELDS],
  ['every field, custom order with actionResult', ['actionResult', 'attributes', 'primaryAttributeValue', 'activityDate', 'marketoGUID',
    'campaignId', 'leadId', 'primaryAttributeValueId', 'activityTypeId']],
  ['single field marketoGUID', ['marketoGUID']],
];

/** Compares engine and oracle for one request; returns the row count so callers can check it too. */
async function compare(store: Store, filter: ExportFilter, fields: readonly ExportField[], format: (typeof EXPORT_FORMATS)[number], label: string): Promise<number> {
  const rows = await collect(store.exportRows(filter));
  const expected = rows.map((a) => formatRow(a, fields, format)).join('');
  const chunks = await collect(store.exportLines(request(filter, fields, format)));
  const actual = Buffer.concat(chunks.map((c) => c.bytes)).toString('utf8');
  const engineRows = chunks.reduce((n, c) => n + c.rows, 0);
  // Chunks need not be line-aligned (PostgreSQL's COPY streams bytes); only the whole must match.
  if (actual !== expected) assert.fail(`${label}: engine and oracle differ\n${firstDifference(actual, expected)}`);
  assert.equal(engineRows, rows.length, `${label}: row counts`);
  return rows.length;
}

/** The lines around the first differing byte, so a failure shows the value that broke. */
function firstDifference(actual: string, expected: string): string {
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, actual.lastIndexOf('\n', i - 1) + 1);
  const show = (s: string): string => JSON.stringify(s.slice(from, s.indexOf('\n', i) === -1 ? undefined : s.indexOf('\n', i) + 1).slice(0, 600));
  return `at offset ${i}\n  engine: ${show(actual)}\n  oracle: ${show(expected)}`;
}

async function countLines(store: Store, filter: ExportFilter): Promise<number> {
  return (await collect(store.exportRows(filter))).length;
}

async function compareAll(store: Store, filter: ExportFilter, expectedRows: number): Promise<void> {
  for (const format of EXPORT_FORMATS) {
    for (const [name, fields] of FIELD_SETS) {
      assert.equal(await compare(store, filter, fields, format, `${format}, ${name}`), expectedRows, `${format}, ${name}`);
    }
  }
}

export const exportLineCases: Record<string, StoreCase> = {
  'exportLines equals the oracle on the tricky data set, every format and field set': async (store) => {
    const data = trickyActivities();
    await store.importActivities(data);
    await compareAll(store, EVERYTHING, data.length);
  },
  'exportLines equals the oracle for each field alone': async (store) => {
    const data = trickyActivities();
    await store.importActivities(data);
    for (const format of EXPORT_FORMATS) {
      for (const field of EXPORT_FIELDS) await compare(store, EVERYTHING, [field], format, `${format}, ${field}`);
    }
  },
  'exportLines writes the values the file format promises': async (store) => {
    await store.importActivities([
      activity({ marketoGUID: '100', activityDate: T0 + SECOND, campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null,
        attributes: '{}', actionResult: null }),
      activity({ marketoGUID: '99', activityDate: T0 + SECOND, primaryAttributeValue: 'a,"b"\r\nc', attributes: '{"k":"v w"}' }),
      activity({ marketoGUID: '9223372036854775807', activityDate: T0, primaryAttributeValue: '' }),
    ]);
    const text = async (format: (typeof EXPORT_FORMATS)[number], fields: ExportField[]): Promise<string> =>
      Buffer.concat((await collect(store.exportLines(request(EVERYTHING, fields, format)))).map((c) => c.bytes)).toString('utf8');
    assert.equal(await text('CSV', ['marketoGUID', 'primaryAttributeValue', 'campaignId', 'attributes', 'actionResult']),
      '9223372036854775807,,8497,"{""Old Status"":""Not in Program"",""Success"":false}",succeeded\n' +
      '99,"a,""b""\r\nc",8497,"{""k"":""v w""}",succeeded\n' +
      '100,null,null,{},null\n');
    assert.equal(await text('SSV', ['activityDate', 'attributes']),
      '2026-01-15T00:00:00Z "{""Old Status"":""Not in Program"",""Success"":false}"\n2026-01-15T00:00:01Z "{""k"":""v w""}"\n2026-01-15T00:00:01Z {}\n');
    assert.equal(await text('TSV', ['marketoGUID']), '9223372036854775807\n99\n100\n');
  },
  // The importer writes JSON objects, whose text has a `"` unless it is `{}`; a store still quotes
  // text without one by the format's own delimiter (the SQLite store keeps `"`-text pre-quoted).
  'exportLines quotes attributes text without a quote by each format\'s delimiter': async (store) => {
    await store.importActivities([
      activity({ marketoGUID: '1', attributes: '[1, 2]' }),
      activity({ marketoGUID: '2', attributes: 'a\tb' }),
      activity({ marketoGUID: '3', attributes: '"' }),
    ]);
    const text = async (format: (typeof EXPORT_FORMATS)[number]): Promise<string> =>
      Buffer.concat((await collect(store.exportLines(request(EVERYTHING, ['attributes'], format)))).map((c) => c.bytes)).toString('utf8');
    assert.equal(await text('CSV'), '"[1, 2]"\na\tb\n""""\n');
    assert.equal(await text('SSV'), '"[1, 2]"\na\tb\n""""\n');
    assert.equal(await text('TSV'), '[1, 2]\n"a\tb"\n""""\n');
    assert.deepEqual((await collect(store.exportRows(EVERYTHING))).map((a) => a.attributes), ['[1, 2]', 'a\tb', '"']);
  },
  'exportLines equals the oracle with each filter': async (store) => {
    const data = trickyActivities().map((a, i) => ({ ...a, activityTypeId: [24, 25, 104][i % 3]!, primaryAttributeValueId: i % 5 }));
    await store.importActivities(data);
    const filters: ExportFilter[] = [
      { startMs: T0, endMs: T0 + 30 * SECOND },
      { startMs: T0 + 1, endMs: T0 + 30 * SECOND - 1 },
      { ...EVERYTHING, activityTypeIds: [24, 25] },
      { ...EVERYTHING, activityTypeIds: [24, 25], primaryAttributeValueIds: [1, 3] },
      { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['Webinar, Q1', '', 'The "Big" Event', 'null', 'MembershipTest1'] },
      { ...EVERYTHING, activityTypeIds: [104], primaryAttributeValues: ['Webinar, Q1'], resolvedPrimaryAttributeValueIds: [2, 4] },
      { startMs: T0 + 2 * SECOND, endMs: T0 + 3 * SECOND },
    ];
    let total = 0;
    for (const [i, filter] of filters.entries()) {
      for (const format of EXPORT_FORMATS) total += await compare(store, filter, DEFAULT_FIELDS, format, `filter ${i}, ${format}`);
    }
    assert.ok(total > 0, 'the filters selected something');
  },
  'Delete Lead (type 37) activities are exported only when activityTypeIds names them': async (store) => {
    const data = trickyActivities().map((a, i) => (i % 4 === 0 ? { ...a, activityTypeId: 37 } : a));
    await store.importActivities(data);
    const kept = data.filter((a) => a.activityTypeId !== 37).length;
    assert.ok(kept > 0 && kept < data.length);
    // Engine and oracle alike, and the slices too; the API refuses [37] itself (1003).
    for (const format of EXPORT_FORMATS) assert.equal(await compare(store, EVERYTHING, DEFAULT_FIELDS, format, `no type filter, ${format}`), kept);
    assert.equal(await compare(store, { ...EVERYTHING, activityTypeIds: [37] }, DEFAULT_FIELDS, 'CSV', 'type 37 asked for'), data.length - kept);
    const asked = data.filter((a) => a.activityTypeId === 37 || a.activityTypeId === 104).length;
    assert.equal(await compare(store, { ...EVERYTHING, activityTypeIds: [37, 104] }, DEFAULT_FIELDS, 'CSV', 'type 37 among others'), asked);
    const byRuns = await linesByRuns(store, request(EVERYTHING), 7);
    assert.equal(byRuns.rows, kept, 'runs hold the rows kept');
  },
  'exportLines of an empty selection yields no lines': async (store) => {
    await store.importActivities([activity({ activityDate: T0 })]);
    assert.deepEqual(await collect(store.exportLines(request({ startMs: T0 + SECOND, endMs: T0 + 2 * SECOND }))), []);
    assert.equal(await compare(store, { startMs: T0 + SECOND, endMs: T0 + 2 * SECOND }, DEFAULT_FIELDS, 'CSV', 'empty'), 0);
  },
  'exportLines keeps every row when its chunks end inside one second': async (store) => {
    // More than two of the SQLite engine's 4096-row chunks, all in one second, so every chunk
    // boundary falls between rows that differ only by GUID; every third GUID is beyond 2^53.
    const data = Array.from({ length: 8195 }, (_, i) => activity({
      marketoGUID: i % 3 ? String(1000 + i) : String(2n ** 60n + BigInt(i)), activityDate: T0,
      activityTypeId: i % 2 ? 1 : 2, attributes: `{"n":${i}}`,
    }));
    await store.importActivities(data);
    assert.equal(await compare(store, EVERYTHING, DEFAULT_FIELDS, 'CSV', 'one second'), 8195);
    assert.equal(await compare(store, { ...EVERYTHING, activityTypeIds: [2] }, DEFAULT_FIELDS, 'TSV', 'one second, filtered'), 4098);
  },
  'exportRuns: the runs concatenate to the whole export, each within its row bound': async (store) => {
    await store.importActivities(randomActivities(20_000, 7));
    // The same data, all in one second: runs end between rows that differ only by GUID.
    await store.importActivities(randomActivities(3_000, 8).map((a, i) => ({ ...a, marketoGUID: String(9_000_000 + i), activityDate: T0 + 50 * SECOND })));
    const cases: [ExportFilter, readonly ExportField[], (typeof EXPORT_FORMATS)[number]][] = [
      [EVERYTHING, DEFAULT_FIELDS, 'CSV'],
      [{ startMs: T0 + 40 * SECOND, endMs: T0 + 60 * SECOND }, DEFAULT_FIELDS, 'TSV'],
      [{ ...EVERYTHING, activityTypeIds: [1, 6, 12] }, ['marketoGUID', 'attributes'], 'SSV'],
      [EVERYTHING, ['primaryAttributeValue'], 'CSV'],
    ];
    for (const [filter, fields, format] of cases) {
      const r = request(filter, fields, format);
      const whole = Buffer.concat((await collect(store.exportLines(r))).map((c) => c.bytes));
      for (const rowsPerRun of [100, 777, 4096]) {
        const byRuns = await linesByRuns(store, r, rowsPerRun);
        assert.ok(byRuns.bytes.equals(whole), `${format} ${fields.join()}: runs of ${rowsPerRun} concatenate to the whole`);
        assert.equal(byRuns.rows, await countLines(store, filter), `${format}: rows of runs of ${rowsPerRun}`);
        if (store.capabilities.parallelRuns) assert.ok(byRuns.runs >= Math.floor(3_000 / rowsPerRun), `${rowsPerRun}: cut into runs`);
        else assert.equal(byRuns.runs, 1, 'a store that does not share runs yields one');
      }
    }
  },
  'exportRuns of a small or empty selection; exportMark counts what the export selects from': async (store) => {
    await store.importActivities(randomActivities(500, 9));
    const runs = await collect(store.exportRuns(request(EVERYTHING), 200));
    if (store.capabilities.parallelRuns) {
      // 500 rows at 200 a run: cut after rows 200 and 400 of the file.
      const rows = await collect(store.exportRows(EVERYTHING));
      const key = (i: number) => ({ dateSec: rows[i]!.activityDate / 1000, guid: rows[i]!.marketoGUID });
      assert.deepEqual(runs, [{ upTo: key(199), maxRows: 200 }, { after: key(199), upTo: key(399), maxRows: 200 }, { after: key(399), maxRows: 200 }]);
    } else assert.equal(runs.length, 1);
    const none = request({ startMs: T0 - 10 * SECOND, endMs: T0 - SECOND });
    assert.equal((await linesByRuns(store, none, 200)).rows, 0);
    assert.equal(await store.exportMark(none), 0);
    const mark = await store.exportMark(request(EVERYTHING));
    assert.ok(mark >= 500, 'the mark counts the selection at least');
    const other = await openStore(store.location);
    try {
      assert.equal(await other.exportMark(request(EVERYTHING)), mark, 'another connection counts the same');
      await other.importActivities(randomActivities(10, 12).map((a, i) => ({ ...a, marketoGUID: String(7_000_000 + i) })));
      assert.notEqual(await store.exportMark(request(EVERYTHING)), mark, 'an import moves the mark');
    } finally {
      await other.close();
    }
  },
  'inReadSnapshot hides an import that commits meanwhile through another connection': async (store) => {
    await store.importActivities(randomActivities(300, 10));
    const other = await openStore(store.location);
    try {
      const before = await collect(store.exportRows(EVERYTHING));
      const seen = await store.inReadSnapshot(async () => {
        const planned = await store.exportMark(request(EVERYTHING));
        await other.importActivities(randomActivities(50, 11).map((a, i) => ({ ...a, marketoGUID: String(8_000_000 + i) })));
        const lines = Buffer.concat((await collect(store.exportLines(request(EVERYTHING)))).map((c) => c.bytes));
        return { planned, rows: (await collect(store.exportRows(EVERYTHING))).length, lines };
      });
      assert.deepEqual({ planned: seen.planned, rows: seen.rows }, { planned: 300, rows: 300 });
      assert.equal(seen.lines.toString('utf8'), before.map((a) => formatRow(a, DEFAULT_FIELDS, 'CSV')).join(''));
      assert.equal((await collect(store.exportRows(EVERYTHING))).length, 350, 'after the snapshot the import shows');
    } finally {
      await other.close();
    }
  },
  'exportLines equals the oracle on 20,000 generated activities': async (store) => {
    const data: Activity[] = randomActivities(20_000, 20260115);
    assert.deepEqual(await store.importActivities(data), { inserted: 20_000, duplicates: 0 });
    await compareAll(store, EVERYTHING, 20_000);
    // A window inside the data: bounds fall among rows that share a second.
    const inner = { startMs: T0 + 100 * SECOND, endMs: T0 + 400 * SECOND + 500 };
    const expected = data.filter((a) => a.activityDate >= T0 + 100 * SECOND && a.activityDate <= T0 + 400 * SECOND).length;
    assert.ok(expected > 1_000);
    for (const format of EXPORT_FORMATS) assert.equal(await compare(store, inner, DEFAULT_FIELDS, format, `inner window, ${format}`), expected);
  },
};
