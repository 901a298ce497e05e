import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { chicagoDayStart, DAY_MS, formatMarketoDate, nextChicagoDayStart, parseMarketoDate } from './dates.js';

const HOUR = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

describe('parseMarketoDate', () => {
  const accepted: [string, string, boolean][] = [
    // input, the instant it means (UTC), has a fraction
    ['2021-07-01T23:59:59Z', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01T23:59:59+00:00', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01T23:59:59-00:00', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01T23:59:59+0000', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01T12:00:00+0530', '2021-07-01T06:30:00.000Z', false],
    ['2021-07-01T12:00:00+05:30', '2021-07-01T06:30:00.000Z', false],
    ['2021-07-01T12:00:00-07:00', '2021-07-01T19:00:00.000Z', false],
    ['2021-07-01T23:30:00-01:00', '2021-07-02T00:30:00.000Z', false],
    ['2021-07-01T23:59:59', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01 23:59:59', '2021-07-01T23:59:59.000Z', false],
    ['2021-07-01T23:59', '2021-07-01T23:59:00.000Z', false],
    ['2021-07-01', '2021-07-01T00:00:00.000Z', false],
    ['2021-07-01T00:00:00.123Z', '2021-07-01T00:00:00.123Z', true],
    ['2021-07-01T00:00:00.5Z', '2021-07-01T00:00:00.500Z', true],
    ['2021-07-01T00:00:00.000Z', '2021-07-01T00:00:00.000Z', true],
    ['2021-07-01T00:00:00.999999999+00:00', '2021-07-01T00:00:00.999Z', true],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z', false],
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z', false],
    ['2021-12-31T23:59:59Z', '2021-12-31T23:59:59.000Z', false],
  ];
  for (const [input, instant, hasFraction] of accepted) {
    test(`accepts ${input}`, () => {
      assert.deepEqual(parseMarketoDate(input), { ms: utc(instant), hasFraction });
    });
  }

  const rejected = [
    '2024-02-30T00:00:00Z', // February never has 30 days
    '2023-02-29T00:00:00Z', // 2023 is not a leap year
    '1900-02-29T00:00:00Z', // divisible by 100, not by 400
    '2021-04-31T00:00:00Z',
    '2021-13-01T00:00:00Z',
    '2021-00-10T00:00:00Z',
    '2021-07-00T00:00:00Z',
    '2021-07-01T25:00:00Z',
    '2021-07-01T24:00:00Z',
    '2021-07-01T23:60:00Z',
    '2021-07-01T23:59:60Z',
    '2021-07-01T12:00:00+24:00',
    '2021-07-01T12:00:00+05:60',
    '2021-07-01T12:00:00+5',
    '2021-07-01T12:00:00 UTC',
    '2021-7-1',
    '21-07-01',
    '2021/07/01',
    '20210701T000000Z',
    '2021-07-01T',
    '2021-07-01T00:00:00.Z',
    ' 2021-07-01',
    '',
    'yesterday',
  ];
  for (const input of rejected) {
    test(`rejects ${JSON.stringify(input)}`, () => {
      assert.equal(parseMarketoDate(input), undefined);
    });
  }

  // `...Z` of 20 characters is read digit by digit; `+00:00` takes the general path: both must agree.
  test('the Z form agrees with the +00:00 form, valid or not', () => {
    const two = (max: number) => fc.oneof(fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0')), fc.constantFrom('-1', 'x0', '0x', ' 1', '1:'));
    const text = fc.tuple(fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')), two(13), two(32), two(25), two(61), two(61))
      .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}`);
    fc.assert(fc.property(text, (t) => {
      assert.deepEqual(parseMarketoDate(`${t}Z`), parseMarketoDate(`${t}+00:00`), t);
    }), { numRuns: 20_000 });
    for (const t of ['0099-12-31T23:59:59', '0100-01-01T00:00:00', '2024-02-29T12:00:00', '2100-02-29T00:00:00', '9999-12-31T23:59:59', '2021-07-01T12:3x:00', '2021-07-01Tx2:30:00', '2021-07-01T12:30:-1', '2021-0x-01T12:30:00']) {
      assert.deepEqual(parseMarketoDate(`${t}Z`), parseMarketoDate(`${t}+00:00`), t);
    }
    assert.equal(parseMarketoDate('0099-12-31T23:59:59Z')!.ms, Date.parse('0099-12-31T23:59:59Z'), 'years below 100 are not 19xx');
  });
});

describe('formatMarketoDate', () => {
  const cases: [number, string][] = [
    [utc('2020-01-17T20:10:43Z'), '2020-01-17T20:10:43Z'],
    [utc('2020-01-17T20:10:43.999Z'), '2020-01-17T20:10:43Z'], // whole seconds: truncated, not rounded
    [0, '1970-01-01T00:00:00Z'],
    [utc('2024-02-29T23:59:59Z'), '2024-02-29T23:59:59Z'],
  ];
  for (const [ms, text] of cases) {
    test(`${ms} -> ${text}`, () => assert.equal(formatMarketoDate(ms), text));
  }
  test('round-trips with parseMarketoDate', () => {
    const text = '2026-11-01T06:30:00Z';
    assert.equal(formatMarketoDate(parseMarketoDate(text)!.ms), text);
  });
  test('writes what toISOString writes, to the second, for any date an import accepts, in any order (the day it keeps)', () => {
    const reference = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const [first, last] = [-62_135_596_800_000, 253_402_300_799_999];
    const instant = fc.integer({ min: first, max: last });
    // Neighbours of one instant too: the same day, the day before and after, a second apart.
    fc.assert(fc.property(fc.array(fc.tuple(instant, fc.integer({ min: -2 * DAY_MS, max: 2 * DAY_MS })), { maxLength: 20 }), (pairs) => {
      for (const [ms, step] of pairs) {
        assert.equal(formatMarketoDate(ms), reference(ms));
        const near = Math.min(last, Math.max(first, ms + step));
        assert.equal(formatMarketoDate(near), reference(near));
      }
    }), { numRuns: 500 });
  });
});

describe('chicagoDayStart and nextChicagoDayStart', () => {
  // [instant, expected day start, expected next day start]. Chicago is UTC-6 in winter (CST) and
  // UTC-5 in summer (CDT); in 2026 DST starts on Mar 8 (23 h day) and ends on Nov 1 (25 h day).
  const cases: [string, string, string, string][] = [
    ['winter noon', '2026-01-15T12:00:00Z', '2026-01-15T06:00:00Z', '2026-01-16T06:00:00Z'],
    ['winter, just before local midnight', '2026-01-16T05:59:59Z', '2026-01-15T06:00:00Z', '2026-01-16T06:00:00Z'],
    ['winter, at local midnight', '2026-01-16T06:00:00Z', '2026-01-16T06:00:00Z', '2026-01-17T06:00:00Z'],
    ['summer noon', '2026-07-15T12:00:00Z', '2026-07-15T05:00:00Z', '2026-07-16T05:00:00Z'],
    ['summer, UTC date already the next day', '2026-07-16T03:00:00Z', '2026-07-15T05:00:00Z', '2026-07-16T05:00:00Z'],
    ['day before spring forward', '2026-03-07T12:00:00Z', '2026-03-07T06:00:00Z', '2026-03-08T06:00:00Z'],
    ['spring forward day, before the jump', '2026-03-08T07:59:59Z', '2026-03-08T06:00:00Z', '2026-03-09T05:00:00Z'],
    ['spring forward day, after the jump', '2026-03-08T12:00:00Z', '2026-03-08T06:00:00Z', '2026-03-09T05:00:00Z'],
    ['spring forward day, last second', '2026-03-09T04:59:59Z', '2026-03-08T06:00:00Z', '2026-03-09T05:00:00Z'],
    ['day after spring forward', '2026-03-09T05:00:00Z', '2026-03-09T05:00:00Z', '2026-03-10T05:00:00Z'],
    ['day before fall back', '2026-10-31T12:00:00Z', '2026-10-31T05:00:00Z', '2026-11-01T05:00:00Z'],
    ['fall back day, first second', '2026-11-01T05:00:00Z', '2026-11-01T05:00:00Z', '2026-11-02T06:00:00Z'],
    ['fall back day, in the repeated hour', '2026-11-01T06:30:00Z', '2026-11-01T05:00:00Z', '2026-11-02T06:00:00Z'],
    ['fall back day, in the repeated hour again', '2026-11-01T07:30:00Z', '2026-11-01T05:00:00Z', '2026-11-02T06:00:00Z'],
    ['fall back day, last second', '2026-11-02T05:59:59Z', '2026-11-01T05:00:00Z', '2026-11-02T06:00:00Z'],
    ['day after fall back', '2026-11-02T06:00:00Z', '2026-11-02T06:00:00Z', '2026-11-03T06:00:00Z'],
  ];
  for (const [label, at, start, next] of cases) {
    test(`${label} (${at})`, () => {
      assert.equal(new Date(chicagoDayStart(utc(at))).toISOString(), new Date(utc(start)).toISOString());
      assert.equal(new Date(nextChicagoDayStart(utc(at))).toISOString(), new Date(utc(next)).toISOString());
    });
  }

  test('the DST change days are 23 h and 25 h long, ordinary days 24 h', () => {
    const length = (at: string): number => nextChicagoDayStart(utc(at)) - chicagoDayStart(utc(at));
    assert.equal(length('2026-03-08T12:00:00Z'), 23 * HOUR);
    assert.equal(length('2026-11-01T12:00:00Z'), 25 * HOUR);
    assert.equal(length('2026-01-15T12:00:00Z'), DAY_MS);
    assert.equal(length('2026-07-15T12:00:00Z'), DAY_MS);
  });

  test('a day start is its own day start, and every hour of a year maps into [start, next)', () => {
    for (let ms = utc('2026-01-01T00:00:00Z'); ms < utc('2027-01-01T00:00:00Z'); ms += HOUR + 61_000) {
      const start = chicagoDayStart(ms);
      const next = nextChicagoDayStart(ms);
      assert.ok(start <= ms && ms < next, new Date(ms).toISOString());
      assert.equal(chicagoDayStart(start), start);
      assert.equal(chicagoDayStart(next), next);
    }
  });
});
