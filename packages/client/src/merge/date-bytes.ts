/**
 * `Date.parse(field) < thresholdMs` for an export's activityDate field, read from its bytes. A
 * merge asks this of every row; the bytes answer it without a string or a date parse whenever the
 * field is a plain, valid `YYYY-MM-DDTHH:MM:SSZ` (Marketo's form), by comparing it with the
 * threshold in the same form: for valid dates in one fixed-width form, byte order is time order.
 */
const ZERO = 0x30;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** `YYYY-MM-DDTHH:MM:SSZ` byte by byte: 0 where a digit goes, else the separator. */
const PATTERN = Uint8Array.from('0000-00-00T00:00:00Z', (ch) => (ch === '0' ? 0 : ch.charCodeAt(0)));
const LENGTH = PATTERN.length;

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

/** Whether buf[start, start + 20) is a valid date-time in the form `YYYY-MM-DDTHH:MM:SSZ`. */
function isMarketoDate(buf: Uint8Array, start: number): boolean {
  for (let k = 0; k < LENGTH; k++) {
    const c = buf[start + k]!;
    const sep = PATTERN[k]!;
    if (sep ? c !== sep : c < ZERO || c > ZERO + 9) return false;
  }
  const num = (k: number, n: number) => {
    let v = 0;
    for (let j = 0; j < n; j++) v = v * 10 + buf[start + k + j]! - ZERO;
    return v;
  };
  const year = num(0, 4);
  const month = num(5, 2);
  const day = num(8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return false;
  return num(11, 2) < 24 && num(14, 2) < 60 && num(17, 2) < 60;
}
