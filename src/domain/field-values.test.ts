import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fieldText, plainDecimal } from './field-values.js';

const text = (dataType: string, raw: unknown) => {
  const r = fieldText(dataType, raw, { nulBytes: 0 });
  return r.ok ? r.text : `invalid: ${r.reason}`;
};

test('fieldText: values as the file shows them, by describe data type (notes §2.7, Q9)', () => {
  const cases: [string, unknown, string | null][] = [
    ['string', 'a,"b"\nc', 'a,"b"\nc'], ['email', 'x@example.com', 'x@example.com'], ['text', '', ''], ['string', null, null],
    ['string', undefined, null], ['string', 42, '42'], ['url', 'https://e.com/?a=1', 'https://e.com/?a=1'],
    ['string', 'a\0b\0', 'ab'], ['string', 'lone \uD800 surrogate', 'lone \uFFFD surrogate'],
    ['integer', 885, '885'], ['integer', '885', '885'], ['integer', ' 007 ', '7'], ['integer', -0, '0'], ['score', 12, '12'],
    ['percent', 100, '100'], ['reference', 89, '89'], ['reference', '1', '1'],
    ['float', 12.5, '12.5'], ['currency', 1000, '1000'], ['currency', '1000.0', '1000'], ['float', 1e21, '1000000000000000000000'],
    ['float', 1e-7, '0.0000001'], ['float', -1.5e-10, '-0.00000000015'], ['currency', 0.1 + 0.2, '0.30000000000000004'], ['float', '-0', '0'],
    ['boolean', true, 'true'], ['boolean', false, 'false'], ['boolean', 'TRUE', 'true'], ['boolean', 'False', 'false'],
    ['datetime', '2023-01-17T11:00:58Z', '2023-01-17T11:00:58Z'], ['datetime', '2023-01-17T12:00:58+01:00', '2023-01-17T11:00:58Z'],
    ['datetime', '2023-01-17T11:00:58.999Z', '2023-01-17T11:00:58Z'], ['datetime', '2023-01-17', '2023-01-17T00:00:00Z'],
    ['date', '1980-02-29', '1980-02-29'], ['textarea', 'free text', 'free text'],
  ];
  for (const [type, raw, expected] of cases) assert.equal(text(type, raw), expected, `${type} ${JSON.stringify(raw)}`);
});

test('fieldText: values that do not fit the type are invalid, with the reason', () => {
  const cases: [string, unknown][] = [
    ['integer', 1.5], ['integer', 'abc'], ['integer', 2 ** 53], ['integer', true], ['float', 'NaN'], ['float', Infinity], ['currency', '1,000'],
    ['boolean', 'yes'], ['boolean', 1], ['datetime', '2023-02-30T00:00:00Z'], ['datetime', 1700000000000], ['date', '1980-02-30'],
    ['date', '1980-02-01T00:00:00Z'], ['string', { a: 1 }], ['string', [1]],
  ];
  for (const [type, raw] of cases) assert.match(String(text(type, raw)), /^invalid: /, `${type} ${JSON.stringify(raw)}`);
});

test('fieldText counts the NUL bytes it strips', () => {
  const nul = { nulBytes: 0 };
  fieldText('string', '\0a\0', nul);
  fieldText('text', 'b\0', nul);
  assert.equal(nul.nulBytes, 3);
});

test('plainDecimal reads back as the number, never with an exponent or a trailing .0', () => {
  for (const n of [0, 1, -1, 1000, 12.5, 0.1, 1e21, 1.2345e25, 5e-324, 1.7976931348623157e308, -2.5e-8, 123456789.123]) {
    const s = plainDecimal(n);
    assert.equal(Number(s), n, s);
    assert.doesNotMatch(s, /e|\.0$|^-0$/i, s);
  }
});
