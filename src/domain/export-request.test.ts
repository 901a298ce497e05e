import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidRequest } from './errors.js';
import { DEFAULT_FIELDS, validateActivityExportRequest, type ValidateOptions } from './export-request.js';

const START = '2026-01-01T00:00:00Z';
const END = '2026-01-02T00:00:00Z';

/** A valid body with the given filter keys merged in (createdAt included unless overridden). */
function body(filter: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return { filter: { createdAt: { startAt: START, endAt: END }, ...filter }, ...top };
}
const createdAt = (startAt: unknown, endAt: unknown): Record<string, unknown> => body({ createdAt: { startAt, endAt } });

function rejects(input: unknown, kind: InvalidRequest['kind'], param: string, message?: RegExp, options?: ValidateOptions): void {
  assert.throws(
    () => validateActivityExportRequest(input, options),
    (err: unknown) => {
      assert.ok(err instanceof InvalidRequest, `expected InvalidRequest, got ${String(err)}`);
      assert.equal(err.kind, kind);
      assert.equal(err.param, param);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

describe('validateActivityExportRequest: required values (1002)', () => {
  const cases: [string, unknown, string][] = [
    ['no filter', {}, 'filter'],
    ['filter null', { filter: null }, 'filter'],
    ['no createdAt', { filter: {} }, 'filter.createdAt'],
    ['createdAt null', { filter: { createdAt: null } }, 'filter.createdAt'],
    ['no startAt', createdAt(undefined, END), 'filter.createdAt.startAt'],
    ['startAt null', createdAt(null, END), 'filter.createdAt.startAt'],
    ['startAt empty', createdAt('', END), 'filter.createdAt.startAt'],
    ['no endAt', createdAt(START, undefined), 'filter.createdAt.endAt'],
    ['endAt null', createdAt(START, null), 'filter.createdAt.endAt'],
  ];
  for (const [label, input, param] of cases) {
    test(label, () => rejects(input, 'missing', param, new RegExp(`^Missing value for required parameter '${param.replaceAll('.', '\\.')}'$`)));
  }
});

describe('validateActivityExportRequest: shapes', () => {
  for (const input of [null, [], 'text', 42, true]) {
    test(`body ${JSON.stringify(input)} is not an object`, () => rejects(input, 'rule', 'body'));
  }
  for (const filter of [[], 'x', 3]) {
    test(`filter ${JSON.stringify(filter)} is not an object`, () => rejects({ filter }, 'rule', 'filter'));
  }
  test('createdAt that is not an object', () => rejects(body({ createdAt: '2026-01-01' }), 'rule', 'filter.createdAt'));
  test('unknown filter key', () => rejects(body({ updatedAt: {} }), 'rule', 'filter.updatedAt', /not a filter/));
  test('unknown top-level keys are ignored', () => {
    const r = validateActivityExportRequest(body({}, { workspace: 'x', data: { _method: 'POST' } }));
    assert.deepEqual(r.filter, { startMs: Date.parse(START), endMs: Date.parse(END) });
  });
});

describe('validateActivityExportRequest: dates (1001) and range (1003)', () => {
  const bad: [string, unknown][] = [
    ['unparseable', 'yesterday'],
    ['impossible day', '2024-02-30T00:00:00Z'],
    ['not a leap year', '2023-02-29T00:00:00Z'],
    ['hour 25', '2026-01-01T25:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['a number', 1767225600000],
  ];
  for (const [label, value] of bad) {
    test(`startAt ${label}`, () => rejects(createdAt(value, END), 'type', 'filter.createdAt.startAt',
      new RegExp(`^Invalid value '${String(value)}'\\. Required of type 'datetime'$`)));
  }
  test('endAt impossible', () => rejects(createdAt(START, '2026-02-30T00:00:00Z'), 'type', 'filter.createdAt.endAt'));

  test('milliseconds are accepted by default and kept', () => {
    const r = validateActivityExportRequest(createdAt('2026-01-01T00:00:00.500Z', '2026-01-01T10:00:00.250Z'));
    assert.equal(r.filter.startMs, Date.parse('2026-01-01T00:00:00.500Z'));
    assert.equal(r.filter.endMs, Date.parse('2026-01-01T10:00:00.250Z'));
  });
  test('milliseconds are rejected with strictDates', () => {
    rejects(createdAt('2026-01-01T00:00:00.500Z', END), 'type', 'filter.createdAt.startAt', /datetime/, { strictDates: true });
    rejects(createdAt(START, '2026-01-01T10:00:00.000Z'), 'type', 'filter.createdAt.endAt', /datetime/, { strictDates: true });
  });
  test('strictDates still accepts whole seconds', () => {
    assert.equal(validateActivityExportRequest(body(), { strictDates: true }).filter.startMs, Date.parse(START));
  });
  test('startAt after endAt', () => rejects(createdAt(END, START), 'rule', 'filter.createdAt', /after/));
  test('startAt equal to endAt is a one-instant range', () => {
    assert.deepEqual(validateActivityExportRequest(createdAt(START, START)).filter, { startMs: Date.parse(START), endMs: Date.parse(START) });
  });
  test('a span of exactly 31 x 24 h is accepted', () => {
    const r = validateActivityExportRequest(createdAt('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'));
    assert.equal(r.filter.endMs - r.filter.startMs, 31 * 86_400_000);
  });
  test('a span of exactly 31 x 24 h across zones is accepted', () => {
    assert.doesNotThrow(() => validateActivityExportRequest(createdAt('2026-01-01T00:00:00-05:00', '2026-02-01T05:00:00Z')));
  });
  test('31 days and one second is rejected, naming the span', () => {
    rejects(createdAt('2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z'), 'rule', 'filter.createdAt', /31 days.*31 days 0 hours 1 seconds/);
  });
  test('40 days is rejected, naming the span', () => {
    rejects(createdAt('2026-01-01T00:00:00Z', '2026-02-10T06:00:00Z'), 'rule', 'filter.createdAt', /got 40 days 6 hours/);
  });
});

describe('validateActivityExportRequest: activity type and primary attribute filters (1003)', () => {
  test('type 37 is rejected', () => rejects(body({ activityTypeIds: [1, 37] }), 'rule', 'filter.activityTypeIds', /37/));
  test('activityTypeIds kept, duplicates dropped', () => {
    assert.deepEqual(validateActivityExportRequest(body({ activityTypeIds: [6, 7, 6] })).filter.activityTypeIds, [6, 7]);
  });
  test('activityTypeIds [] means no type filter', () => {
    assert.equal(validateActivityExportRequest(body({ activityTypeIds: [] })).filter.activityTypeIds, undefined);
  });
  test('ids and names together', () => rejects(
    body({ activityTypeIds: [104], primaryAttributeValueIds: [1], primaryAttributeValues: ['a'] }), 'rule', 'filter', /together/));
  test('ids without activityTypeIds', () => rejects(body({ primaryAttributeValueIds: [1] }), 'rule', 'filter.primaryAttributeValueIds', /activityTypeIds/));
  test('names without activityTypeIds', () => rejects(body({ primaryAttributeValues: ['a'] }), 'rule', 'filter.primaryAttributeValues', /activityTypeIds/));
  test('type outside the six', () => rejects(
    body({ activityTypeIds: [1], primaryAttributeValueIds: [5] }), 'rule', 'filter.activityTypeIds', /type 1 cannot be filtered/));
  test('types from two asset groups', () => rejects(
    body({ activityTypeIds: [2, 24], primaryAttributeValueIds: [5] }), 'rule', 'filter.activityTypeIds', /one asset group.*Web Form.*Static List/));
  for (const types of [[13, 22], [24, 25], [2], [104]]) {
    test(`types ${types.join('+')} share a group`, () => {
      const r = validateActivityExportRequest(body({ activityTypeIds: types, primaryAttributeValueIds: [5, 6] }));
      assert.deepEqual(r.filter, { startMs: Date.parse(START), endMs: Date.parse(END), activityTypeIds: types, primaryAttributeValueIds: [5, 6] });
    });
  }
  test('names are kept exactly, case included', () => {
    const r = validateActivityExportRequest(body({ activityTypeIds: [104], primaryAttributeValues: ['Webinar.Q1', 'webinar.q1', ''] }));
    assert.deepEqual(r.filter.primaryAttributeValues, ['Webinar.Q1', 'webinar.q1', '']);
  });
  const many = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  test('50 values are accepted', () => {
    assert.equal(validateActivityExportRequest(body({ activityTypeIds: [24], primaryAttributeValueIds: many(50) })).filter.primaryAttributeValueIds?.length, 50);
  });
  test('51 values are rejected', () => rejects(
    body({ activityTypeIds: [24], primaryAttributeValueIds: many(51) }), 'rule', 'filter.primaryAttributeValueIds', /at most 50.*got 51/));
  test('51 names are rejected', () => rejects(
    body({ activityTypeIds: [24], primaryAttributeValues: many(51).map(String) }), 'rule', 'filter.primaryAttributeValues', /at most 50/));
  test('an empty value list is rejected', () => rejects(
    body({ activityTypeIds: [24], primaryAttributeValueIds: [] }), 'rule', 'filter.primaryAttributeValueIds', /at least one/));
  const wrongTypes: [string, unknown][] = [
    ['activityTypeIds', ['1']], ['activityTypeIds', [1.5]], ['activityTypeIds', 1], ['activityTypeIds', [null]],
    ['primaryAttributeValueIds', ['7']], ['primaryAttributeValueIds', 'x'],
    ['primaryAttributeValues', [1]], ['primaryAttributeValues', 'Webinar'],
  ];
  for (const [key, value] of wrongTypes) {
    test(`${key} ${JSON.stringify(value)} has the wrong type`, () => rejects(
      body({ activityTypeIds: [104], [key]: value }), 'rule', `filter.${key}`, /must be an array of/));
  }
});

describe('validateActivityExportRequest: fields, headers, format', () => {
  for (const fields of [undefined, null, []]) {
    test(`fields ${JSON.stringify(fields)} -> the 8 defaults in order`, () => {
      const r = validateActivityExportRequest(body({}, { fields }));
      assert.deepEqual(r.fields, ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId',
        'primaryAttributeValueId', 'primaryAttributeValue', 'attributes']);
      assert.deepEqual(r.fields, [...DEFAULT_FIELDS]);
    });
  }
  test('a custom order is kept, actionResult allowed', () => {
    const fields = ['actionResult', 'attributes', 'marketoGUID', 'activityDate'];
    assert.deepEqual(validateActivityExportRequest(body({}, { fields })).fields, fields);
  });
  test('unknown field', () => rejects(body({}, { fields: ['marketoGUID', 'leadID'] }), 'rule', 'fields', /unknown field 'leadID'/));
  test('duplicate field', () => rejects(body({}, { fields: ['leadId', 'leadId'] }), 'rule', 'fields', /'leadId' is listed twice/));
  test('fields not an array of strings', () => {
    rejects(body({}, { fields: 'leadId' }), 'rule', 'fields');
    rejects(body({}, { fields: [1] }), 'rule', 'fields');
  });
  test('columnHeaderNames for chosen fields', () => {
    const r = validateActivityExportRequest(body({}, { fields: ['leadId', 'activityDate'], columnHeaderNames: { leadId: 'Lead ID' } }));
    assert.deepEqual(r.columnHeaderNames, { leadId: 'Lead ID' });
  });
  test('columnHeaderNames drop NUL bytes, so no file ever holds one; nothing but NUL is empty', () => {
    const r = validateActivityExportRequest(body({}, { fields: ['leadId'], columnHeaderNames: { leadId: 'Le\0ad' } }));
    assert.deepEqual(r.columnHeaderNames, { leadId: 'Lead' });
    assert.throws(() => validateActivityExportRequest(body({}, { fields: ['leadId'], columnHeaderNames: { leadId: '\0' } })), /must be a non-empty string/);
  });
  test('columnHeaderNames absent -> {}', () => assert.deepEqual(validateActivityExportRequest(body()).columnHeaderNames, {}));
  test('columnHeaderNames key not in the fields', () => rejects(
    body({}, { fields: ['leadId'], columnHeaderNames: { activityDate: 'When' } }), 'rule', 'columnHeaderNames', /'activityDate'/));
  test('columnHeaderNames key checked against the default fields', () => rejects(
    body({}, { columnHeaderNames: { actionResult: 'Result' } }), 'rule', 'columnHeaderNames', /'actionResult'/));
  test('columnHeaderNames value not a string', () => rejects(
    body({}, { columnHeaderNames: { leadId: 5 } }), 'rule', 'columnHeaderNames.leadId'));
  test('columnHeaderNames not an object', () => rejects(body({}, { columnHeaderNames: ['leadId'] }), 'rule', 'columnHeaderNames'));
  test('format absent -> CSV', () => assert.equal(validateActivityExportRequest(body()).format, 'CSV'));
  for (const [given, expected] of [['tsv', 'TSV'], ['Ssv', 'SSV'], ['CSV', 'CSV']]) {
    test(`format ${given} -> ${expected}`, () => assert.equal(validateActivityExportRequest(body({}, { format: given })).format, expected));
  }
  for (const format of ['XLSX', 'json', '', 7]) {
    test(`format ${JSON.stringify(format)} is unknown`, () => rejects(body({}, { format }), 'rule', 'format', /unknown format/));
  }
});
