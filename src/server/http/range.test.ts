import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRange, type RangeOutcome } from './range.js';

const whole: RangeOutcome = { kind: 'whole' };
const unsatisfiable: RangeOutcome = { kind: 'unsatisfiable' };
const part = (start: number, end: number): RangeOutcome => ({ kind: 'partial', start, end });

describe('parseRange', () => {
  const cases: [string | undefined, number, RangeOutcome][] = [
    // The worked examples of the doc comment.
    ['bytes=0-9', 1000, part(0, 9)],
    ['bytes=725-', 1000, part(725, 999)],
    ['bytes=-100', 1000, part(900, 999)],
    ['bytes=990-2000', 1000, part(990, 999)],
    ['bytes=0-0', 1000, part(0, 0)],
    ['bytes=1000-', 1000, unsatisfiable],
    ['bytes=-0', 1000, unsatisfiable],
    ['bytes=0-1,5-9', 1000, whole],
    ['bytes=9-0', 1000, whole],
    ['items=0-1', 1000, whole],
    ['garbage', 1000, whole],
    // No header.
    [undefined, 1000, whole],
    ['', 1000, whole],
    // Last byte, first byte, one-byte file.
    ['bytes=999-999', 1000, part(999, 999)],
    ['bytes=999-', 1000, part(999, 999)],
    ['bytes=0-', 1, part(0, 0)],
    ['bytes=0-0', 1, part(0, 0)],
    ['bytes=-1', 1, part(0, 0)],
    ['bytes=1-', 1, unsatisfiable],
    ['bytes=0-5', 1, part(0, 0)],
    // A suffix longer than the file is the whole file, as a partial answer.
    ['bytes=-5000', 1000, part(0, 999)],
    ['bytes=-1000', 1000, part(0, 999)],
    // An empty file has no satisfiable range.
    ['bytes=0-', 0, unsatisfiable],
    ['bytes=-5', 0, unsatisfiable],
    // Start past the end, with an end.
    ['bytes=1000-1005', 1000, unsatisfiable],
    ['bytes=2000-3000', 1000, unsatisfiable],
    // Whitespace is tolerated.
    ['  bytes=0-9  ', 1000, part(0, 9)],
    ['bytes = 10 - 19', 1000, part(10, 19)],
    ['bytes=\t5-', 10, part(5, 9)],
    // Malformed: ignored, the whole file.
    ['bytes=-', 1000, whole],
    ['bytes=', 1000, whole],
    ['bytes=a-b', 1000, whole],
    ['bytes=1-x', 1000, whole],
    ['bytes=0x10-', 1000, whole],
    ['bytes=1.5-2', 1000, whole],
    ['bytes=-1-2', 1000, whole],
    ['bytes=--5', 1000, whole],
    ['bytes 0-9', 1000, whole],
    ['0-9', 1000, whole],
    ['bytes=0-9,', 1000, whole],
    // Huge numbers: an end past 2^53 is still "to the end"; a huge start is past the end.
    ['bytes=0-18446744073709551615', 1000, part(0, 999)],
    [`bytes=0-${'9'.repeat(400)}`, 1000, part(0, 999)],
    ['bytes=-18446744073709551615', 1000, part(0, 999)],
    ['bytes=18446744073709551615-', 1000, unsatisfiable],
    ['bytes=18446744073709551616-18446744073709551617', 1000, unsatisfiable],
    ['bytes=18446744073709551617-18446744073709551616', 1000, whole],
  ];
  for (const [header, size, expected] of cases) {
    test(`${JSON.stringify(header)?.slice(0, 40)} of ${size}`, () => assert.deepEqual(parseRange(header, size), expected));
  }
});
