/**
 * dateBytesBefore answers exactly `Date.parse(s) < threshold` whenever it answers: on valid dates
 * either side of the threshold, V8's lenient ones (Feb 30, 24:00:00), other forms and junk.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { dateBytesBefore } from './date-bytes.js';

const T = Date.parse('2025-10-01T22:59:59Z');
const ask = (before: ReturnType<typeof dateBytesBefore>, s: string) => {
  const b = Buffer.from(s);
  return before(b, 0, b.length);
};

describe('dateBytesBefore', () => {
  test('Marketo-form dates are answered from bytes, like Date.parse', () => {
    const before = dateBytesBefore(T);
    assert.equal(ask(before, '2025-10-01T22:59:58Z'), true);
    assert.equal(ask(before, '2025-10-01T22:59:59Z'), false, 'the threshold itself is not before it');
    assert.equal(ask(before, '2025-10-01T23:00:00Z'), false);
    assert.equal(ask(before, '1999-12-31T23:59:59Z'), true);
    assert.equal(ask(before, '2024-02-29T00:00:00Z'), true, 'a leap day');
  });

  test('anything V8 might read differently is left to Date.parse', () => {
    const before = dateBytesBefore(T);
    // V8 reads 2025-09-31 as Oct 1 and 24:00 as the next day: a byte compare would get these wrong.
    for (const s of ['2025-09-31T23:00:00Z', '2025-02-29T00:00:00Z', '2025-10-01T24:00:00Z', '2025-13-01T00:00:00Z',
      '2025-10-01T22:59:59.000Z', '2025-10-01 22:59:59Z', '"2025-10-01T22:59:59Z"', '', 'null', '2025-10-01']) {
      assert.equal(ask(before, s), undefined, s);
    }
  });

  test('a threshold that is not a whole second, or outside years 0-9999, answers nothing', () => {
    assert.equal(ask(dateBytesBefore(T + 1), '2025-10-01T22:59:59Z'), undefined);
    assert.equal(ask(dateBytesBefore(Date.parse('+010000-01-01T00:00:00Z')), '2025-10-01T22:59:59Z'), undefined);
  });

  test('random date-like strings: an answer is always Date.parse(s) < threshold', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const dateLike = fc.tuple(fc.constantFrom('2025', '2024', '2000', '1900', '0000', '9999'), two(13), two(32), two(25), two(61), two(61), fc.constantFrom('Z', 'Z', 'z', '+00:00', ''), fc.constantFrom('T', 't', ' '))
      .map(([y, mo, d, h, mi, s, z, t]) => `${y}-${mo}-${d}${t}${h}:${mi}:${s}${z}`);
    const threshold = fc.integer({ min: Date.parse('1990-01-01T00:00:00Z') / 1000, max: Date.parse('2030-01-01T00:00:00Z') / 1000 }).map((s) => s * 1000);
    fc.assert(
      fc.property(fc.oneof(dateLike, fc.string({ maxLength: 22 })), threshold, (s, t) => {
        const got = ask(dateBytesBefore(t), s);
        if (got !== undefined) assert.equal(got, Date.parse(s) < t, s);
      }),
      { numRuns: 5000 },
    );
    // The fast path is taken for plain valid dates.
    assert.equal(ask(dateBytesBefore(T), '2025-06-15T12:00:00Z'), true);
  });
});
