import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Activity } from '../domain/activity.js';
import { DEFAULT_FIELDS, type ExportFormat } from '../domain/export-request.js';
import { DELIMITERS, formatHeader, formatRow, quoteValue } from './file-format.js';

describe('quoteValue', () => {
  // [value, CSV, TSV, SSV]
  const cases: [string, string, string, string][] = [
    ['plain', 'plain', 'plain', 'plain'],
    ['', '', '', ''],
    ['a,b', '"a,b"', 'a,b', 'a,b'],
    ['a\tb', 'a\tb', '"a\tb"', 'a\tb'],
    ['a b', 'a b', 'a b', '"a b"'],
    ['say "hi"', '"say ""hi"""', '"say ""hi"""', '"say ""hi"""'],
    ['"', '""""', '""""', '""""'],
    ['line\nbreak', '"line\nbreak"', '"line\nbreak"', '"line\nbreak"'],
    ['carriage\rreturn', '"carriage\rreturn"', '"carriage\rreturn"', '"carriage\rreturn"'],
    ['crlf\r\n', '"crlf\r\n"', '"crlf\r\n"', '"crlf\r\n"'],
    ["it's", "it's", "it's", "it's"],
    ['null', 'null', 'null', 'null'],
    ['Ünïcødé 😀', 'Ünïcødé 😀', 'Ünïcødé 😀', '"Ünïcødé 😀"'],
    ['{"a":1,"b":"x y"}', '"{""a"":1,""b"":""x y""}"', '"{""a"":1,""b"":""x y""}"', '"{""a"":1,""b"":""x y""}"'],
  ];
  const formats: ExportFormat[] = ['CSV', 'TSV', 'SSV'];
  for (const [value, ...expected] of cases) {
    for (const [i, format] of formats.entries()) {
      test(`${format} ${JSON.stringify(value)}`, () => assert.equal(quoteValue(value, DELIMITERS[format]), expected[i]));
    }
  }
  test('delimiters', () => assert.deepEqual(DELIMITERS, { CSV: ',', TSV: '\t', SSV: ' ' }));
});

const ACTIVITY: Activity = {
  marketoGUID: '783957693', leadId: 5414087, activityDate: Date.parse('2022-02-13T14:06:20Z'), activityTypeId: 104,
  campaignId: 8497, primaryAttributeValueId: 1670, primaryAttributeValue: 'Membership Test, 1',
  attributes: '{"Old Status":"Not in Program","Success":false}', actionResult: 'succeeded',
};
const EMPTY: Activity = { ...ACTIVITY, campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}', actionResult: null };

describe('formatRow', () => {
  test('CSV, default fields', () => assert.equal(formatRow(ACTIVITY, DEFAULT_FIELDS, 'CSV'),
    '783957693,5414087,2022-02-13T14:06:20Z,104,8497,1670,"Membership Test, 1","{""Old Status"":""Not in Program"",""Success"":false}"\n'));
  test('TSV, default fields', () => assert.equal(formatRow(ACTIVITY, DEFAULT_FIELDS, 'TSV'),
    '783957693\t5414087\t2022-02-13T14:06:20Z\t104\t8497\t1670\tMembership Test, 1\t"{""Old Status"":""Not in Program"",""Success"":false}"\n'));
  test('SSV, default fields', () => assert.equal(formatRow(ACTIVITY, DEFAULT_FIELDS, 'SSV'),
    '783957693 5414087 2022-02-13T14:06:20Z 104 8497 1670 "Membership Test, 1" "{""Old Status"":""Not in Program"",""Success"":false}"\n'));
  test('missing values are the literal null, unquoted, in every format', () => {
    assert.equal(formatRow(EMPTY, [...DEFAULT_FIELDS, 'actionResult'], 'CSV'), '783957693,5414087,2022-02-13T14:06:20Z,104,null,null,null,{},null\n');
    assert.equal(formatRow(EMPTY, ['campaignId', 'actionResult'], 'SSV'), 'null null\n');
  });
  test('an empty primaryAttributeValue is an empty field, not null', () => {
    assert.equal(formatRow({ ...ACTIVITY, primaryAttributeValue: '' }, ['leadId', 'primaryAttributeValue', 'activityTypeId'], 'CSV'), '5414087,,104\n');
  });
  test('custom order and a single field', () => {
    assert.equal(formatRow(ACTIVITY, ['actionResult', 'activityDate', 'marketoGUID'], 'CSV'), 'succeeded,2022-02-13T14:06:20Z,783957693\n');
    assert.equal(formatRow(ACTIVITY, ['marketoGUID'], 'TSV'), '783957693\n');
  });
  test('a value with a line break stays one quoted field', () => {
    assert.equal(formatRow({ ...ACTIVITY, primaryAttributeValue: 'a\r\nb' }, ['primaryAttributeValue', 'leadId'], 'TSV'), '"a\r\nb"\t5414087\n');
  });
  test('large GUIDs are written digit for digit', () => {
    assert.equal(formatRow({ ...ACTIVITY, marketoGUID: '9223372036854775807' }, ['marketoGUID'], 'CSV'), '9223372036854775807\n');
  });
});

describe('formatHeader', () => {
  test('default fields', () => assert.equal(formatHeader({ fields: [...DEFAULT_FIELDS], columnHeaderNames: {}, format: 'CSV' }),
    'marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n'));
  test('renamed columns, quoted by the same rule', () => {
    const fields = ['leadId', 'activityDate', 'attributes'] as const;
    const names = { leadId: 'Lead ID', activityDate: 'When, exactly', attributes: 'The "attrs"' };
    assert.equal(formatHeader({ fields: [...fields], columnHeaderNames: names, format: 'CSV' }), 'Lead ID,"When, exactly","The ""attrs"""\n');
    assert.equal(formatHeader({ fields: [...fields], columnHeaderNames: names, format: 'TSV' }), 'Lead ID\tWhen, exactly\t"The ""attrs"""\n');
    assert.equal(formatHeader({ fields: [...fields], columnHeaderNames: names, format: 'SSV' }), '"Lead ID" "When, exactly" "The ""attrs"""\n');
  });
  test('only renamed fields change', () => assert.equal(
    formatHeader({ fields: ['marketoGUID', 'actionResult'], columnHeaderNames: { actionResult: 'Result' }, format: 'TSV' }), 'marketoGUID\tResult\n'));
});
