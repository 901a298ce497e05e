import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseActivityRecord, type Activity } from './activity.js';

const RECORD = {
  marketoGUID: '783957693', leadId: 5414087, activityDate: '2022-02-13T14:06:20Z', activityTypeId: 104,
  campaignId: 8497, primaryAttributeValueId: 1670, primaryAttributeValue: 'MembershipTest1',
  attributes: { 'Old Status': 'Not in Program', Success: false }, actionResult: 'succeeded',
};

function ok(raw: unknown): { activity: Activity; nulBytes: number } {
  const r = parseActivityRecord(raw);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return { activity: r.activity, nulBytes: r.nulBytes };
}
function fails(raw: unknown, reason: RegExp): void {
  const r = parseActivityRecord(raw);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, reason);
}

describe('parseActivityRecord: valid records', () => {
  test('the interfaces.md example', () => {
    assert.deepEqual(ok(RECORD), {
      activity: {
        marketoGUID: '783957693', leadId: 5414087, activityDate: Date.parse('2022-02-13T14:06:20Z'), activityTypeId: 104,
        campaignId: 8497, primaryAttributeValueId: 1670, primaryAttributeValue: 'MembershipTest1',
        attributes: '{"Old Status":"Not in Program","Success":false}', actionResult: 'succeeded',
      },
      nulBytes: 0,
    });
  });
  test('optional fields absent or null become null, attributes {}', () => {
    const base = { marketoGUID: 5, leadId: 1, activityDate: '2022-02-13T14:06:20Z', activityTypeId: 1 };
    const expected = { campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: '{}', actionResult: null };
    assert.deepEqual({ ...ok(base).activity, ...expected }, ok(base).activity);
    const nulls = { ...base, campaignId: null, primaryAttributeValueId: null, primaryAttributeValue: null, attributes: null, actionResult: null };
    assert.deepEqual(ok(nulls).activity, ok(base).activity);
    assert.equal(ok(base).activity.marketoGUID, '5');
  });
  test('REST attribute form [{name, value}] equals the object form, nulls dropped', () => {
    const rest = ok({ ...RECORD, attributes: [{ name: 'Old Status', value: 'Not in Program' }, { name: 'Success', value: false }, { name: 'Reason', value: null }, { name: 'Gone' }] });
    assert.equal(rest.activity.attributes, ok(RECORD).activity.attributes);
  });
  test('null attribute values are dropped, typed values kept, nested values kept as JSON', () => {
    const a = ok({ ...RECORD, attributes: { a: null, n: 42, big: 9007199254740991, f: 1.5, b: true, s: '', o: { x: [1, 'y'] } } }).activity;
    assert.equal(a.attributes, '{"n":42,"big":9007199254740991,"f":1.5,"b":true,"s":"","o":{"x":[1,"y"]}}');
  });
  test('an empty attribute list writes {}', () => assert.equal(ok({ ...RECORD, attributes: [] }).activity.attributes, '{}'));
  test('NUL bytes are stripped from strings and counted', () => {
    const r = ok({ ...RECORD, primaryAttributeValue: 'a\0b\0', attributes: { 'Na\0me': 'v\0\0al' } });
    assert.equal(r.activity.primaryAttributeValue, 'ab');
    assert.equal(r.activity.attributes, '{"Name":"val"}');
    assert.equal(r.nulBytes, 5);
    assert.ok(!r.activity.attributes.includes('\\u0000'));
  });
  test('NUL bytes inside nested attribute values are stripped and counted too', () => {
    const r = ok({ ...RECORD, attributes: { o: { 'k\0': ['a\0b', { c: '\0' }] } } });
    assert.equal(r.activity.attributes, '{"o":{"k":["ab",{"c":""}]}}');
    assert.equal(r.nulBytes, 3);
  });
  test('milliseconds in activityDate are truncated to whole seconds', () => {
    assert.equal(ok({ ...RECORD, activityDate: '2022-02-13T14:06:20.999Z' }).activity.activityDate, Date.parse('2022-02-13T14:06:20Z'));
  });
  test('a zoned activityDate is stored as UTC', () => {
    assert.equal(ok({ ...RECORD, activityDate: '2022-02-13T08:06:20-06:00' }).activity.activityDate, Date.parse('2022-02-13T14:06:20Z'));
  });
  test('lone UTF-16 surrogates in primaryAttributeValue become U+FFFD, pairs stay', () => {
    assert.equal(ok({ ...RECORD, primaryAttributeValue: 'a\ud800b\udc00c 😀 \ud83d' }).activity.primaryAttributeValue, 'a\ufffdb\ufffdc 😀 \ufffd');
  });
  test('activityDate from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (after its zone) is accepted', () => {
    assert.equal(ok({ ...RECORD, activityDate: '0001-01-01T00:00:00Z' }).activity.activityDate, -62_135_596_800_000);
    assert.equal(ok({ ...RECORD, activityDate: '9999-12-31T23:59:59.999Z' }).activity.activityDate, 253_402_300_799_000);
  });
  test('a numeric primaryAttributeValue becomes text', () => assert.equal(ok({ ...RECORD, primaryAttributeValue: 12 }).activity.primaryAttributeValue, '12'));
  test('an empty primaryAttributeValue stays empty, not null', () => assert.equal(ok({ ...RECORD, primaryAttributeValue: '' }).activity.primaryAttributeValue, ''));
  for (const actionResult of ['succeeded', 'skipped', 'failed']) {
    test(`actionResult ${actionResult}`, () => assert.equal(ok({ ...RECORD, actionResult }).activity.actionResult, actionResult));
  }
});

describe('parseActivityRecord: marketoGUID', () => {
  const valid: [unknown, string][] = [
    ['1', '1'], [1, '1'], ['0042', '42'], ['9223372036854775807', '9223372036854775807'], ['999999999999999999', '999999999999999999'],
    ['000000000000000001', '1'], ['0999999999999999999', '999999999999999999'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'], ['1234567890123456789', '1234567890123456789'],
  ];
  for (const [given, stored] of valid) {
    test(`${JSON.stringify(given)} -> ${stored}`, () => assert.equal(ok({ ...RECORD, marketoGUID: given }).activity.marketoGUID, stored));
  }
  const invalid: unknown[] = ['0', 0, '000', -1, '-1', '9223372036854775808', '9999999999999999999', '12345678901234567890', 'abc', '1.5', 1.5, '', ' 1', 2 ** 60, true, {}];
  for (const given of invalid) {
    test(`${JSON.stringify(given)} is rejected`, () => fails({ ...RECORD, marketoGUID: given }, /marketoGUID/));
  }
  test('absent: derived from the content, deterministic, in [2^52, 2^53)', () => {
    const { marketoGUID: _, ...noGuid } = RECORD;
    const a = ok(noGuid).activity.marketoGUID;
    const b = ok({ ...noGuid }).activity.marketoGUID;
    assert.equal(a, b);
    assert.match(a, /^\d+$/);
    assert.ok(BigInt(a) >= 2n ** 52n && BigInt(a) < 2n ** 53n, a);
    assert.ok(Number.isSafeInteger(Number(a)));
  });
  test('absent: different content gives a different GUID; null behaves like absent', () => {
    const { marketoGUID: _, ...noGuid } = RECORD;
    const guids = new Set([
      ok(noGuid).activity.marketoGUID,
      ok({ ...noGuid, leadId: 5414088 }).activity.marketoGUID,
      ok({ ...noGuid, activityDate: '2022-02-13T14:06:21Z' }).activity.marketoGUID,
      ok({ ...noGuid, attributes: {} }).activity.marketoGUID,
      ok({ ...noGuid, actionResult: null }).activity.marketoGUID,
    ]);
    assert.equal(guids.size, 5);
    assert.equal(ok({ ...noGuid, marketoGUID: null }).activity.marketoGUID, ok(noGuid).activity.marketoGUID);
  });
  test('absent: the REST and object attribute forms give the same GUID', () => {
    const { marketoGUID: _, ...noGuid } = RECORD;
    const rest = { ...noGuid, attributes: [{ name: 'Old Status', value: 'Not in Program' }, { name: 'Success', value: false }] };
    assert.equal(ok(rest).activity.marketoGUID, ok(noGuid).activity.marketoGUID);
  });
});

describe('parseActivityRecord: invalid records', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [RECORD], /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['a string', 'x', /not a JSON object/],
    ['leadId missing', { ...RECORD, leadId: undefined }, /leadId/],
    ['leadId text', { ...RECORD, leadId: '5' }, /leadId/],
    ['leadId zero', { ...RECORD, leadId: 0 }, /leadId/],
    ['leadId fraction', { ...RECORD, leadId: 1.5 }, /leadId/],
    ['activityTypeId missing', { ...RECORD, activityTypeId: undefined }, /activityTypeId/],
    ['activityTypeId negative', { ...RECORD, activityTypeId: -6 }, /activityTypeId/],
    ['activityDate missing', { ...RECORD, activityDate: undefined }, /activityDate/],
    ['activityDate a number', { ...RECORD, activityDate: 1644761180000 }, /activityDate/],
    ['activityDate impossible', { ...RECORD, activityDate: '2022-02-30T00:00:00Z' }, /activityDate/],
    ['activityDate in year 0', { ...RECORD, activityDate: '0000-06-01T00:00:00Z' }, /is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z/],
    ['activityDate before year 0 in UTC', { ...RECORD, activityDate: '0000-01-01T00:30:00+01:00' }, /is outside/],
    ['activityDate past 9999 in UTC', { ...RECORD, activityDate: '9999-12-31T23:30:00-01:00' }, /is outside/],
    ['campaignId text', { ...RECORD, campaignId: '8497' }, /campaignId/],
    ['primaryAttributeValueId fraction', { ...RECORD, primaryAttributeValueId: 1.1 }, /primaryAttributeValueId/],
    ['primaryAttributeValue an object', { ...RECORD, primaryAttributeValue: { a: 1 } }, /primaryAttributeValue must/],
    ['primaryAttributeValue boolean', { ...RECORD, primaryAttributeValue: true }, /primaryAttributeValue must/],
    ['actionResult unknown', { ...RECORD, actionResult: 'ok' }, /actionResult/],
    ['attributes a string', { ...RECORD, attributes: 'a=1' }, /attributes/],
    ['attributes entry without name', { ...RECORD, attributes: [{ value: 1 }] }, /non-empty name/],
    ['attributes entry with empty name', { ...RECORD, attributes: [{ name: '', value: 1 }] }, /non-empty name/],
    ['attributes entry not an object', { ...RECORD, attributes: ['x'] }, /non-empty name/],
  ];
  for (const [label, raw, reason] of cases) test(label, () => fails(raw, reason));
});

// The usual object of strings, numbers and booleans is written without being copied; the REST
// form (an array) always takes the general path. Both must write the same attributes and count
// the same NUL bytes.
describe('parseActivityRecord: attributes, object form against REST form', () => {
  test('the same text and NUL count for any attributes', () => {
    const text = fc.oneof(fc.string(), fc.constantFrom('a\0b', '\0', '\ud800', 'é✓'));
    const value = fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null),
      fc.dictionary(text, fc.oneof(text, fc.integer(), fc.constant(null)), { maxKeys: 3 }), fc.array(text, { maxLength: 3 }));
    const name = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('__proto__', 'a\0', '0', '17', 'constructor'));
    fc.assert(fc.property(fc.array(fc.tuple(name, value), { maxLength: 6 }), (pairs) => {
      const object: Record<string, unknown> = {};
      for (const [n, v] of pairs) Object.defineProperty(object, n, { value: v, enumerable: true, writable: true, configurable: true });
      const rest = Object.entries(object).map(([n, v]) => ({ name: n, value: v }));
      const a = parseActivityRecord({ ...RECORD, attributes: object });
      const b = parseActivityRecord({ ...RECORD, attributes: rest });
      assert.ok(a.ok && b.ok);
      assert.equal(a.activity.attributes, b.activity.attributes);
      assert.equal(a.nulBytes, b.nulBytes);
    }), { numRuns: 3000 });
  });
});
