/**
 * The export file, byte for byte: delimiters and quoting per format, `null`, headers and
 * columnHeaderNames, field order, actionResult, LF/trailing LF/no BOM, row order, every filter,
 * and the inclusive createdAt bounds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Activity } from '../../src/domain/activity.js';
import { activity, startHarness, T0, type Harness } from '../helpers/harness.js';
import { assertError, create, DAY, exportText, NO_LIMITS } from '../helpers/api.js';

const DEFAULT_HEADER = 'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes';
const at = (secondsBeforeT0: number) => T0 - secondsBeforeT0 * 1000;
const act = (guid: string, secondsBeforeT0: number, o: Partial<Activity> = {}) =>
  activity({ marketoGUID: guid, activityDate: at(secondsBeforeT0), ...o });

const ROWS: Activity[] = [
  act('100', 3000), act('9', 3000), act('10', 3000),
  act('5', 4000),
  act('20', 2000, { primaryAttributeValue: 'Say "hi", then\nbye', attributes: JSON.stringify({ Reason: 'a,b' }) }),
  act('21', 1900, { campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}', actionResult: null }),
  act('22', 1800, { primaryAttributeValue: 'two words' }),
  act('23', 1700, { primaryAttributeValue: 'tab\there' }),
  act('24', 1600, { primaryAttributeValue: 'cr\rhere' }),
  act('25', 1500, { primaryAttributeValue: 'semi;colon', actionResult: 'skipped' }),
  act('26', 1400, { primaryAttributeValue: 'x,y', actionResult: 'failed' }),
  // For the filters: Static List (24, 25), Web Form (2), Attribute Name (13).
  act('30', 1000, { activityTypeId: 24, primaryAttributeValueId: 501, primaryAttributeValue: 'List A' }),
  act('31', 990, { activityTypeId: 24, primaryAttributeValueId: 502, primaryAttributeValue: 'list a' }),
  act('32', 980, { activityTypeId: 25, primaryAttributeValueId: 501, primaryAttributeValue: 'List A' }),
  act('33', 970, { activityTypeId: 2, primaryAttributeValueId: 700, primaryAttributeValue: 'Prog.Form X' }),
  act('34', 960, { activityTypeId: 13, primaryAttributeValueId: 9, primaryAttributeValue: 'Email Address' }),
  act('35', 950, { activityTypeId: 24, primaryAttributeValueId: 503, primaryAttributeValue: 'List A ' }),
  act('36', 940, { activityTypeId: 22, primaryAttributeValueId: 9, primaryAttributeValue: 'Email Address' }),
  // Delete Lead: Marketo never exports it.
  act('40', 930, { activityTypeId: 37, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}' }),
];

/** Boundary data, type 6 only: the window is [B_START, B_END]. */
const B_START = T0 - 5 * DAY;
const B_END = T0 - 4 * DAY;
const BOUNDS: Activity[] = [
  activity({ marketoGUID: '60', activityTypeId: 6, activityDate: B_START - 1000 }),
  activity({ marketoGUID: '61', activityTypeId: 6, activityDate: B_START }),
  activity({ marketoGUID: '62', activityTypeId: 6, activityDate: B_START + DAY / 2 }),
  activity({ marketoGUID: '63', activityTypeId: 6, activityDate: B_END }),
  activity({ marketoGUID: '64', activityTypeId: 6, activityDate: B_END + 1000 }),
];

let h: Harness;
let token: string;
before(async () => {
  h = await startHarness('file-content', { ...NO_LIMITS, maxProcessing: 8, maxQueued: 50 });
  await h.store.importActivities([...ROWS, ...BOUNDS]);
  token = await h.token();
});
after(() => h.close());

const file = (extra: Record<string, unknown> = {}, filter: Record<string, unknown> = {}, start?: string, end?: string) =>
  exportText(h, token, extra, filter, start, end);
/** Runs the exports in parallel and compares each file's marketoGUID column. */
const expectGuids = (cases: [Record<string, unknown>, string[]][]) =>
  Promise.all(cases.map(async ([filter, expected]) => assert.deepEqual(await guids(filter), expected, JSON.stringify(filter))));
/** The marketoGUID column of a file exported with fields [marketoGUID]. */
const guids = async (filter: Record<string, unknown>, start?: string, end?: string) => {
  const text = await file({ fields: ['marketoGUID'] }, filter, start, end);
  const lines = text.split('\n');
  assert.equal(lines[0], 'marketoGUID');
  assert.equal(lines.at(-1), '');
  return lines.slice(1, -1);
};

describe('layout', () => {
  test('CSV default columns: header, then rows; the attributes JSON is quoted with doubled quotes', async () => {
    const text = await file({}, { activityTypeIds: [104] });
    const lines = text.split('\n');
    assert.equal(lines[0], DEFAULT_HEADER);
    assert.equal(lines[1], '5,5414087,2026-01-15T10:53:20Z,104,8497,1670,MembershipTest1,"{""Old Status"":""Not in Program"",""Success"":false}"');
  });

  test('rows are ordered by activityDate, then marketoGUID numerically (9 < 10 < 100)', async () => {
    assert.deepEqual(await guids({ activityTypeIds: [104] }), ['5', '9', '10', '100', '20', '21', '22', '23', '24', '25', '26']);
  });

  test('a missing value is the literal null, unquoted; no attributes is {}', async () => {
    const text = await file({ fields: ['marketoGUID', 'campaignId', 'primaryAttributeValueId', 'primaryAttributeValue', 'attributes', 'actionResult'] }, { activityTypeIds: [104] });
    assert.ok(text.includes('\n21,null,null,null,{},null\n'), text);
  });

  test('fields set the column order; columnHeaderNames rename only the header (and are quoted when needed)', async () => {
    const text = await file({
      fields: ['activityDate', 'marketoGUID', 'actionResult'],
      columnHeaderNames: { marketoGUID: 'Activity GUID', actionResult: 'Result, final' },
    }, { activityTypeIds: [104] });
    const lines = text.split('\n');
    assert.equal(lines[0], 'activityDate,Activity GUID,"Result, final"');
    assert.equal(lines[1], '2026-01-15T10:53:20Z,5,succeeded');
  });

  test('actionResult is never a default column but can be asked for: succeeded, skipped, failed, null', async () => {
    assert.ok(!(await file({}, { activityTypeIds: [104] })).split('\n')[0]!.includes('actionResult'));
    const text = await file({ fields: ['marketoGUID', 'actionResult'] }, { activityTypeIds: [104] });
    const results = Object.fromEntries(text.split('\n').slice(1, -1).map((l) => l.split(',')));
    assert.equal(results['5'], 'succeeded');
    assert.equal(results['21'], 'null');
    assert.equal(results['25'], 'skipped');
    assert.equal(results['26'], 'failed');
  });

  test('LF line ends, a final LF, no BOM, valid UTF-8', async () => {
    const text = await file({}, { activityTypeIds: [24, 25] });
    const bytes = Buffer.from(text, 'utf8');
    assert.notDeepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(!text.startsWith('\uFEFF'));
    assert.ok(!text.includes('\r'));
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
    assert.equal(text.split('\n').length, 1 + 4 + 1);
  });
});

describe('delimiters and quoting', () => {
  const fields = ['marketoGUID', 'primaryAttributeValue'];
  const pick = (text: string, guidsWanted: string[]) => {
    // Rows are in GUID order here (each has its own date), so compare whole text slices.
    return guidsWanted.map((g) => text.slice(text.indexOf(`\n${g}`) + 1, text.indexOf('\n', text.indexOf(`\n${g}`) + 1)));
  };

  test('CSV: quote only for comma, ", CR or LF; doubling inside', async () => {
    const text = await file({ fields }, { activityTypeIds: [104] });
    assert.ok(text.includes('\n20,"Say ""hi"", then\nbye"\n'), JSON.stringify(text));
    assert.ok(text.includes('\n24,"cr\rhere"\n'));
    assert.deepEqual(pick(text, ['22', '23', '25', '26']), ['22,two words', '23,tab\there', '25,semi;colon', '26,"x,y"']);
    assert.ok(text.startsWith('marketoGUID,primaryAttributeValue\n'));
  });

  test('TSV: tab-delimited; quote for tab, ", CR or LF, not for commas or spaces', async () => {
    const text = await file({ fields, format: 'TSV' }, { activityTypeIds: [104] });
    assert.ok(text.startsWith('marketoGUID\tprimaryAttributeValue\n'));
    assert.ok(text.includes('\n20\t"Say ""hi"", then\nbye"\n'));
    assert.ok(text.includes('\n24\t"cr\rhere"\n'));
    assert.deepEqual(pick(text, ['22', '23', '25', '26']), ['22\ttwo words', '23\t"tab\there"', '25\tsemi;colon', '26\tx,y']);
  });

  test('SSV: space-delimited; quote for space, ", CR or LF, not for tabs, commas or semicolons', async () => {
    const text = await file({ fields, format: 'SSV' }, { activityTypeIds: [104] });
    assert.ok(text.startsWith('marketoGUID primaryAttributeValue\n'));
    assert.ok(text.includes('\n20 "Say ""hi"", then\nbye"\n'));
    assert.deepEqual(pick(text, ['21', '22', '23', '25', '26']), ['21 null', '22 "two words"', '23 tab\there', '25 semi;colon', '26 x,y']);
  });

  test('TSV and SSV headers with columnHeaderNames are quoted by their own delimiter', async () => {
    const tsv = await file({ fields, format: 'TSV', columnHeaderNames: { primaryAttributeValue: 'Attribute Value' } }, { activityTypeIds: [24] });
    assert.ok(tsv.startsWith('marketoGUID\tAttribute Value\n'));
    const ssv = await file({ fields, format: 'SSV', columnHeaderNames: { primaryAttributeValue: 'Attribute Value' } }, { activityTypeIds: [24] });
    assert.ok(ssv.startsWith('marketoGUID "Attribute Value"\n'));
  });

  test('the attributes column keeps its JSON; CSV doubles its quotes, TSV and SSV quote it for the quotes', async () => {
    const csv = await file({ fields: ['marketoGUID', 'attributes'] }, { activityTypeIds: [104] });
    assert.ok(csv.includes('\n20,"{""Reason"":""a,b""}"\n'));
    const tsv = await file({ fields: ['marketoGUID', 'attributes'], format: 'TSV' }, { activityTypeIds: [104] });
    assert.ok(tsv.includes('\n20\t"{""Reason"":""a,b""}"\n'));
    assert.ok(tsv.includes('\n21\t{}\n'));
  });
});

describe('filters', () => {
  test('no activityTypeIds (or []): every type in the window but Delete Lead (37)', async () => {
    const all = ['5', '9', '10', '100', '20', '21', '22', '23', '24', '25', '26', '30', '31', '32', '33', '34', '35', '36'];
    await expectGuids([[{}, all], [{ activityTypeIds: [] }, all]]);
  });

  test('activityTypeIds selects those types only', async () => {
    await expectGuids([
      [{ activityTypeIds: [24] }, ['30', '31', '35']],
      [{ activityTypeIds: [25, 24] }, ['30', '31', '32', '35']],
      [{ activityTypeIds: [2, 13] }, ['33', '34']],
      [{ activityTypeIds: [999] }, []],
    ]);
  });

  test('primaryAttributeValueIds selects by id within the given types', async () => {
    await expectGuids([
      [{ activityTypeIds: [24, 25], primaryAttributeValueIds: [501] }, ['30', '32']],
      [{ activityTypeIds: [24], primaryAttributeValueIds: [501, 503] }, ['30', '35']],
      [{ activityTypeIds: [13, 22], primaryAttributeValueIds: [9] }, ['34', '36']],
      [{ activityTypeIds: [13], primaryAttributeValueIds: [9] }, ['34']],
      [{ activityTypeIds: [2], primaryAttributeValueIds: [1] }, []],
    ]);
  });

  test('primaryAttributeValues match exactly and case-sensitively', async () => {
    await expectGuids([
      [{ activityTypeIds: [24, 25], primaryAttributeValues: ['List A'] }, ['30', '32']],
      [{ activityTypeIds: [24, 25], primaryAttributeValues: ['list a'] }, ['31']],
      [{ activityTypeIds: [24], primaryAttributeValues: ['List A '] }, ['35']],
      [{ activityTypeIds: [24, 25], primaryAttributeValues: ['List', 'LIST A', 'List%'] }, []],
      [{ activityTypeIds: [2], primaryAttributeValues: ['Prog.Form X'] }, ['33']],
      [{ activityTypeIds: [13, 22], primaryAttributeValues: ['Email Address'] }, ['34', '36']],
      [{ activityTypeIds: [104], primaryAttributeValues: ['MembershipTest1', 'two words'] }, ['5', '9', '10', '100', '22']],
    ]);
  });

  test('a filter that matches nothing completes with a header-only file', async () => {
    assert.equal(await file({}, { activityTypeIds: [24], primaryAttributeValues: ['nothing'] }), `${DEFAULT_HEADER}\n`);
  });
});

describe('createdAt bounds', () => {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

  test('both ends are inclusive; one second outside is out', async () => {
    assert.deepEqual(await guids({ activityTypeIds: [6] }, iso(B_START), iso(B_END)), ['61', '62', '63']);
  });

  test('the same instants written with an offset, and without a zone (UTC), select the same rows', async () => {
    const offset = (ms: number) => new Date(ms - 5 * 3_600_000).toISOString().replace('.000Z', '-05:00');
    assert.deepEqual(await guids({ activityTypeIds: [6] }, offset(B_START), offset(B_END)), ['61', '62', '63']);
    assert.deepEqual(await guids({ activityTypeIds: [6] }, iso(B_START).replace('Z', ''), iso(B_END).replace('Z', '+00:00')), ['61', '62', '63']);
  });

  test('a window of one instant selects the activity at that instant', async () => {
    assert.deepEqual(await guids({ activityTypeIds: [6] }, iso(B_START), iso(B_START)), ['61']);
  });

  test('milliseconds: a start half a second after an activity excludes it, an end half a second after includes it', async () => {
    const ms = (t: number) => new Date(t).toISOString();
    assert.deepEqual(await guids({ activityTypeIds: [6] }, ms(B_START + 500), ms(B_END + 500)), ['62', '63']);
  });

  test('a 31 x 24 h window is accepted and exported', async () => {
    assert.deepEqual(await guids({ activityTypeIds: [6] }, iso(B_END - 31 * DAY), iso(B_END)), ['60', '61', '62', '63']);
    assertError(await create(h, token, { filter: { createdAt: { startAt: iso(B_END - 31 * DAY - 1000), endAt: iso(B_END) } } }), '1003');
  });
});
