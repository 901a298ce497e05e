/**
 * `Date.parse(field) < thresholdMs` for an export's activityDate field, read from its bytes. A
 * merge asks this of every row; the bytes answer it without a string or a date parse whenever the
 * field is a plain, valid `YYYY-MM-DDTHH:MM:SSZ` (Marketo's form), by comparing it with the
 * threshold in the same form: for valid dates in one fixed-width form, byte order is time order.
 */
const ZERO = 0x30;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The length of `YYYY-MM-DDTHH:MM:SSZ` and its separators. */
const LENGTH = 20;
const DASH = 0x2d;
const LETTER_T = 0x54;
const COLON = 0x3a;
const LETTER_Z = 0x5a;
/** Larger than any two digits: fails every range check. */
const NOT_DIGITS = 1000;

/**
 * @returns a test that answers true/false for a field in Marketo's form, and undefined for anything
 * else (quoted, another form, or a date V8 would read leniently, such as Feb 30), which the caller
 * parses with Date.parse.
 * @example const before = dateBytesBefore(Date.parse('2025-07-31T23:00:00Z')); before(Buffer.from('2025-07-01T00:00:00Z'), 0, 20) // true
 */
export function dateBytesBefore(thresholdMs: number): (buf: Uint8Array, start: number, end: number) => boolean | undefined {
  const iso = Number.isInteger(thresholdMs / 1000) ? new Date(thresholdMs).toISOString() : '';
  // Whole seconds and a 4-digit year only: then `iso` is 'YYYY-MM-DDTHH:MM:SS.000Z'.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/.test(iso)) return () => undefined;
  const threshold = Buffer.from(iso.slice(0, 19), 'latin1');
  return (buf, start, end) => {
    if (end - start !== LENGTH || !isMarketoDate(buf, start)) return undefined;
    for (let k = 0; k < 19; k++) {
      const a = buf[start + k]!;
      const b = threshold[k]!;
      if (a !== b) return a < b;
    }
    return false; // the same second: not before
  };
}

/**
 * Whether buf[start, start + 20) is a valid date-time in the form `YYYY-MM-DDTHH:MM:SSZ`. Asked of
 * every row of a merge: straight-line code (an inner closure and loops made it a quarter of a
 * merge's time).
 */
function isMarketoDate(b: Uint8Array, s: number): boolean {
  if (b[s + 4] !== DASH || b[s + 7] !== DASH || b[s + 10] !== LETTER_T || b[s + 13] !== COLON || b[s + 16] !== COLON || b[s + 19] !== LETTER_Z) return false;
  const century = twoDigits(b, s);
  const yy = twoDigits(b, s + 2);
  const month = twoDigits(b, s + 5);
  const day = twoDigits(b, s + 8);
  if (century > 99 || yy > 99 || month < 1 || month > 12 || day < 1) return false;
  if (day > 28) {
    const year = century * 100 + yy;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  }
  return twoDigits(b, s + 11) < 24 && twoDigits(b, s + 14) < 60 && twoDigits(b, s + 17) < 60;
}

/** The two ASCII digits at b[i], b[i + 1] as a number, or NOT_DIGITS. */
function twoDigits(b: Uint8Array, i: number): number {
  const hi = (b[i]! - ZERO) >>> 0; // above 9 for anything but a digit
  const lo = (b[i + 1]! - ZERO) >>> 0;
  return hi > 9 || lo > 9 ? NOT_DIGITS : hi * 10 + lo;
}
