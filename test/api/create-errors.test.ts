/**
 * decisions.md "Error codes for the create body": every row about the create body, over HTTP.
 * One server for the file; limits off because every call happens at the same clock instant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertError, BASE, create, createRaw, END, NO_LIMITS, oneJob, START } from '../helpers/api.js';

let h: Harness;
let token: string;
before(async () => {
  h = await startHarness('create-errors', { ...NO_LIMITS });
  token = await h.token();
});
after(() => h.close());

const filterWith = (extra: Record<string, unknown>) => ({ createdAt: { startAt: START, endAt: END }, ...extra });
const body = (filterExtra: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({ format: 'CSV', ...top, filter: filterWith(filterExtra) });

describe('609 Invalid JSON', () => {
  for (const [name, text] of [['garbage', '{not json'], ['truncated', '{"filter":{"createdAt":'], ['empty', ''], ['whitespace', '  \n']] as const) {
    test(`create with a ${name} body answers 609`, async () => {
      assertError(await createRaw(h, token, text), '609', 'Invalid JSON');
    });
  }
  test('a non-JSON body is 609 whatever the Content-Type says', async () => {
    assertError(await createRaw(h, token, 'format=CSV', { 'Content-Type': 'application/x-www-form-urlencoded' }), '609', 'Invalid JSON');
  });
});

describe('1002 missing values', () => {
  const cases: [string, unknown, string][] = [
    ['filter', { format: 'CSV' }, 'filter'],
    ['filter: null', { filter: null }, 'filter'],
    ['filter.createdAt', { filter: {} }, 'filter.createdAt'],
    ['filter.createdAt.startAt', { filter: { createdAt: { endAt: END } } }, 'filter.createdAt.startAt'],
    ['filter.createdAt.endAt', { filter: { createdAt: { startAt: START } } }, 'filter.createdAt.endAt'],
    ['empty startAt', { filter: { createdAt: { startAt: '', endAt: END } } }, 'filter.createdAt.startAt'],
  ];
  for (const [name, b, param] of cases) {
    test(`missing ${name} answers 1002 naming ${param}`, async () => {
      assertError(await create(h, token, b), '1002', `Missing value for required parameter '${param}'`);
    });
  }
});

describe('1001 dates that do not parse', () => {
  for (const v of ['yesterday', '2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T25:00:00Z', '01/02/2024', '2024-02-29T00:00:60Z']) {
    test(`startAt '${v}' answers 1001`, async () => {
      const b = { filter: { createdAt: { startAt: v, endAt: '2024-03-01T00:00:00Z' } } };
      assertError(await create(h, token, b), '1001', `Invalid value '${v}'. Required of type 'datetime'`);
    });
  }
  test('endAt 2024-02-30 answers 1001 naming the value', async () => {
    const b = { filter: { createdAt: { startAt: '2024-02-01T00:00:00Z', endAt: '2024-02-30' } } };
    assertError(await create(h, token, b), '1001', "Invalid value '2024-02-30'. Required of type 'datetime'");
  });
  test('a number where a datetime belongs answers 1001', async () => {
    const b = { filter: { createdAt: { startAt: 1700000000, endAt: END } } };
    assertError(await create(h, token, b), '1001', "Invalid value '1700000000'. Required of type 'datetime'");
  });
  test('2024-02-29 (a leap day) is a real date and passes', async () => {
    const b = { filter: { createdAt: { startAt: '2024-02-29T00:00:00Z', endAt: '2024-03-01T00:00:00Z' } } };
    assert.equal(oneJob(await create(h, token, b)).status, 'Created');
  });
  test('milliseconds are accepted by default', async () => {
    const b = { filter: { createdAt: { startAt: '2026-01-07T00:00:00.000Z', endAt: '2026-01-08T00:00:00.999Z' } } };
    assert.equal(oneJob(await create(h, token, b)).status, 'Created');
  });
  test('every date form real clients send passes', async () => {
    for (const [startAt, endAt] of [
      ['2021-07-01T23:59:59-00:00', '2021-07-02T23:59:59-00:00'],
      ['2016-08-01T00:00:00+00:00', '2016-08-02T00:00:00+00:00'],
      ['2016-08-01T00:00:00', '2016-08-02T00:00:00'],
      ['2017-11-01', '2017-11-02'],
    ]) {
      assert.equal(oneJob(await create(h, token, { filter: { createdAt: { startAt, endAt } } })).status, 'Created', `${startAt}..${endAt}`);
    }
  });
});

test('strict mode: milliseconds answer 1001, whole seconds pass', async (t) => {
  const s = await startHarness(t.name, { strict: true });
  t.after(() => s.close());
  const tok = await s.token();
  const ms = '2026-01-07T00:00:00.000Z';
  assertError(await create(s, tok, { filter: { createdAt: { startAt: ms, endAt: '2026-01-08T00:00:00Z' } } }), '1001',
    `Invalid value '${ms}'. Required of type 'datetime'`);
  const endMs = '2026-01-08T00:00:00.5Z';
  assertError(await create(s, tok, { filter: { createdAt: { startAt: '2026-01-07T00:00:00Z', endAt: endMs } } }), '1001',
    `Invalid value '${endMs}'. Required of type 'datetime'`);
  assert.equal(oneJob(await create(s, tok, { filter: { createdAt: { startAt: '2026-01-07T00:00:00Z', endAt: '2026-01-08T00:00:00Z' } } })).status, 'Created');
});

describe('1003 date range rules', () => {
  test('startAt after endAt answers 1003 and names both dates', async () => {
    const b = { filter: { createdAt: { startAt: '2026-01-10T00:00:00Z', endAt: '2026-01-09T00:00:00Z' } } };
    const msg = assertError(await create(h, token, b), '1003');
    assert.match(msg, /filter\.createdAt/);
    assert.match(msg, /after/);
    assert.ok(msg.includes('2026-01-10T00:00:00Z') && msg.includes('2026-01-09T00:00:00Z'), msg);
  });
  test('a span of 31 x 24 h plus one second answers 1003 with the rule and the span received', async () => {
    const b = { filter: { createdAt: { startAt: '2016-08-01T00:00:00Z', endAt: '2016-09-01T00:00:01Z' } } };
    const msg = assertError(await create(h, token, b), '1003');
    assert.match(msg, /31 days/);
    assert.match(msg, /got 31 days 0 hours 1 seconds/);
  });
  test('a 60-day span reports the span received', async () => {
    const b = { filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-03-02T06:00:00Z' } } };
    assert.match(assertError(await create(h, token, b), '1003'), /got 60 days 6 hours/);
  });
  test('exactly 31 x 24 h passes (the blog example)', async () => {
    const b = { filter: { createdAt: { startAt: '2016-08-01T00:00:00', endAt: '2016-09-01T00:00:00' } } };
    assert.equal(oneJob(await create(h, token, b)).status, 'Created');
  });
  test('the 31 days are 24-hour periods, measured across zones', async () => {
    // 2016-08-01T00:00:00-05:00 .. 2016-09-01T05:00:00Z is exactly 31 x 24 h.
    const ok = { filter: { createdAt: { startAt: '2016-08-01T00:00:00-05:00', endAt: '2016-09-01T05:00:00Z' } } };
    assert.equal(oneJob(await create(h, token, ok)).status, 'Created');
    const over = { filter: { createdAt: { startAt: '2016-08-01T00:00:00-05:00', endAt: '2016-09-01T05:00:01Z' } } };
    assertError(await create(h, token, over), '1003');
  });
  test('startAt equal to endAt passes', async () => {
    const b = { filter: { createdAt: { startAt: START, endAt: START } } };
    assert.equal(oneJob(await create(h, token, b)).status, 'Created');
  });
});

describe('1003 rules of the filter, fields, columnHeaderNames and format', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const names = (n: number) => Array.from({ length: n }, (_, i) => `List ${i}`);
  const cases: [string, unknown, RegExp][] = [
    ['filter is a string', { filter: 'createdAt' }, /'filter'/],
    ['filter is an array', { filter: [] }, /'filter'/],
    ['createdAt is a string', { filter: { createdAt: START } }, /'filter\.createdAt'/],
    ['activityTypeIds is a number', body({ activityTypeIds: 1 }), /'filter\.activityTypeIds'/],
    ['activityTypeIds holds strings', body({ activityTypeIds: ['1'] }), /'filter\.activityTypeIds'/],
    ['activityTypeIds holds a fraction', body({ activityTypeIds: [1.5] }), /'filter\.activityTypeIds'/],
    ['primaryAttributeValueIds holds strings', body({ activityTypeIds: [24], primaryAttributeValueIds: ['16'] }), /'filter\.primaryAttributeValueIds'/],
    ['primaryAttributeValueIds is an object', body({ activityTypeIds: [24], primaryAttributeValueIds: { a: 1 } }), /'filter\.primaryAttributeValueIds'/],
    ['primaryAttributeValues holds numbers', body({ activityTypeIds: [24], primaryAttributeValues: [16] }), /'filter\.primaryAttributeValues'/],
    ['primaryAttributeValues is a string', body({ activityTypeIds: [24], primaryAttributeValues: 'List A' }), /'filter\.primaryAttributeValues'/],
    ['51 primaryAttributeValueIds', body({ activityTypeIds: [24], primaryAttributeValueIds: ids(51) }), /'filter\.primaryAttributeValueIds'.*50.*51/],
    ['51 primaryAttributeValues', body({ activityTypeIds: [24], primaryAttributeValues: names(51) }), /'filter\.primaryAttributeValues'.*50.*51/],
    ['both primary filters', body({ activityTypeIds: [24], primaryAttributeValueIds: [1], primaryAttributeValues: ['List A'] }), /primaryAttributeValueIds and primaryAttributeValues/],
    ['primaryAttributeValueIds without activityTypeIds', body({ primaryAttributeValueIds: [1] }), /'filter\.primaryAttributeValueIds'.*activityTypeIds/],
    ['primaryAttributeValues without activityTypeIds', body({ primaryAttributeValues: ['List A'] }), /'filter\.primaryAttributeValues'.*activityTypeIds/],
    ['types from two asset groups (Static List + Web Form)', body({ activityTypeIds: [24, 2], primaryAttributeValueIds: [1] }), /'filter\.activityTypeIds'.*one asset group/],
    ['types from two asset groups (Attribute Name + Marketing Program)', body({ activityTypeIds: [13, 104], primaryAttributeValues: ['x'] }), /'filter\.activityTypeIds'.*one asset group/],
    ['a type outside the six (Visit Webpage) with a primary filter', body({ activityTypeIds: [1], primaryAttributeValueIds: [1] }), /'filter\.activityTypeIds'.*type 1 /],
    ['a supported and an unsupported type with a primary filter', body({ activityTypeIds: [24, 6], primaryAttributeValues: ['x'] }), /'filter\.activityTypeIds'.*type 6 /],
    ['type 37 (Delete Lead)', body({ activityTypeIds: [37] }), /'filter\.activityTypeIds'.*37/],
    ['type 37 among others', body({ activityTypeIds: [1, 37, 6] }), /'filter\.activityTypeIds'.*37/],
    ['an unknown field', body({}, { fields: ['marketoGUID', 'email'] }), /'fields'.*'email'/],
    ['fields is a string', body({}, { fields: 'marketoGUID' }), /'fields'/],
    ['fields holds a number', body({}, { fields: [1] }), /'fields'/],
    ['a field listed twice', body({}, { fields: ['leadId', 'leadId'] }), /'fields'.*'leadId'/],
    ['columnHeaderNames key not in the given fields', body({}, { fields: ['leadId'], columnHeaderNames: { activityDate: 'When' } }), /'columnHeaderNames'.*'activityDate'/],
    ['columnHeaderNames actionResult with the default fields', body({}, { columnHeaderNames: { actionResult: 'Result' } }), /'columnHeaderNames'.*'actionResult'/],
    ['columnHeaderNames unknown key', body({}, { columnHeaderNames: { nope: 'x' } }), /'columnHeaderNames'.*'nope'/],
    ['columnHeaderNames is an array', body({}, { columnHeaderNames: [{ name: 'leadId', value: 'Lead' }] }), /'columnHeaderNames'/],
    ['columnHeaderNames value is not a string', body({}, { columnHeaderNames: { leadId: 5 } }), /'columnHeaderNames\.leadId'/],
    ['unknown format XLS', body({}, { format: 'XLS' }), /'format'.*'XLS'/],
    ['format JSON', body({}, { format: 'json' }), /'format'.*'json'/],
    ['format is a number', body({}, { format: 1 }), /'format'/],
    ['unknown filter key', body({ updatedAt: { startAt: START, endAt: END } }), /'filter\.updatedAt'/],
    ['a body that is a JSON array', [body()], /'body'/],
  ];
  for (const [name, b, message] of cases) {
    test(`${name} answers 1003 naming the field`, async () => {
      assertError(await create(h, token, b), '1003', message);
    });
  }

  test('exactly 50 primary attribute values pass', async () => {
    assert.equal(oneJob(await create(h, token, body({ activityTypeIds: [24, 25], primaryAttributeValueIds: ids(50) }))).status, 'Created');
    assert.equal(oneJob(await create(h, token, body({ activityTypeIds: [13, 22], primaryAttributeValues: names(50) }))).status, 'Created');
  });
  test('every one of the six types passes with a primary filter inside its group', async () => {
    for (const types of [[2], [13], [22], [13, 22], [24], [25], [24, 25], [104]]) {
      assert.equal(oneJob(await create(h, token, body({ activityTypeIds: types, primaryAttributeValueIds: [7] }))).status, 'Created', String(types));
    }
  });
  test('format is accepted in any case and echoed in upper case', async () => {
    for (const [sent, shown] of [['csv', 'CSV'], ['Tsv', 'TSV'], ['ssv', 'SSV']]) {
      assert.equal(oneJob(await create(h, token, body({}, { format: sent }))).format, shown);
    }
  });
  test('format absent or null means CSV', async () => {
    assert.equal(oneJob(await create(h, token, { filter: filterWith({}) })).format, 'CSV');
    assert.equal(oneJob(await create(h, token, { format: null, filter: filterWith({}) })).format, 'CSV');
  });
  test('unknown top-level keys are ignored', async () => {
    const job = oneJob(await create(h, token, body({}, { window_start_date: '2026-01-01', window_end_date: '2026-01-31', extra: { a: [1] } })));
    assert.equal(job.status, 'Created');
  });
  test('no 1003 ever turns into 611', async () => {
    const res = await h.call(`${BASE}/create.json`, { method: 'POST', token, headers: { 'Content-Type': 'application/json' }, body: '{"filter":{"createdAt":{"startAt":{},"endAt":[]}}}' });
    const b = await res.json();
    assert.equal(b.success, false);
    assert.notEqual(b.errors[0].code, '611');
    assert.equal(b.errors[0].code, '1001');
  });
});
