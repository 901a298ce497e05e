/** Date rules for Marketo's wire format. Pure; no I/O. */

/** The datetime forms Marketo's create bodies take (the OpenAPI document publishes this pattern). */
export const MARKETO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export interface ParsedDate {
  ms: number;
  hasFraction: boolean;
}

/**
 * Parses the datetimes clients send for `startAt`/`endAt`: `2021-07-01T23:59:59-00:00`,
 * `...Z`, `...+00:00`, no zone (UTC), date only, and milliseconds (node-marketo-rest sends them).
 * Impossible calendar dates (2024-02-30, 25:00) are rejected. Returns undefined when it does not parse.
 */
export function parseMarketoDate(text: string): ParsedDate | undefined {
  if (text.length === 20) {
    const ms = utcSecondMs(text);
    if (ms !== undefined) return { ms, hasFraction: false };
  }
  const m = MARKETO_DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const midnight = new Date(Date.UTC(2000, 0, 1));
  midnight.setUTCFullYear(year, month - 1, day);
  let ms = midnight.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
  if (frac) ms += Math.floor(Number(`0.${frac}`) * 1000);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2)), zm = Number(digits.slice(2, 4));
    if (zh > 23 || zm > 59) return undefined;
    ms -= sign * (zh * 60 + zm) * 60_000;
  }
  return { ms, hasFraction: frac !== undefined };
}

/**
 * `YYYY-MM-DDTHH:MM:SSZ` (the form exports write and most imports carry) read digit by digit,
 * or undefined for anything else (the general parser then decides). Years 0000 to 0099 go the
 * general way too, as Date.UTC maps them to 1900-1999.
 */
function utcSecondMs(t: string): number | undefined {
  if (t.charCodeAt(4) !== 0x2d || t.charCodeAt(7) !== 0x2d || t.charCodeAt(10) !== 0x54 || t.charCodeAt(13) !== 0x3a ||
      t.charCodeAt(16) !== 0x3a || t.charCodeAt(19) !== 0x5a) return undefined;
  const year = digits(t, 0, 4), month = digits(t, 5, 2), day = digits(t, 8, 2);
  const hour = digits(t, 11, 2), minute = digits(t, 14, 2), second = digits(t, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 59) return undefined;
  if (day > 28 && day > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** The number `n` decimal digits of `t` at `at` spell, or -1 when one of them is not a digit. */
function digits(t: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = t.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Marketo's output form: UTC, whole seconds, `Z` (e.g. `2020-01-17T20:10:43Z`). */
export function formatMarketoDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = Math.floor(seconds / 86_400);
  if (day !== lastDay.day) lastDay = { day, text: new Date(day * DAY_MS).toISOString().slice(0, 11) };
  const s = seconds - day * 86_400;
  return lastDay.text + TWO_DIGITS[Math.floor(s / 3600)] + ':' + TWO_DIGITS[Math.floor(s / 60) % 60] + ':' + TWO_DIGITS[s % 60] + 'Z';
}

// An import formats a million dates, mostly of the same few days: toISOString for each cost
// 0.8 s a million, the day's text kept and the time from two-digit strings 0.07 s. The cache
// only changes how fast, never what comes out (years 1 to 9999, as toISOString writes them).
let lastDay = { day: Number.NaN, text: '' };
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

export const DAY_MS = 24 * 60 * 60 * 1000;

// Made on first use: building it loads the time zone data (20 ms), which a CLI command that never
// asks about Chicago's day should not pay at start-up.
let chicagoParts: Intl.DateTimeFormat | undefined;
const chicagoFormat = (): Intl.DateTimeFormat => (chicagoParts ??= new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
}));

function chicagoOffsetMs(ms: number): number {
  const p = Object.fromEntries(chicagoFormat().formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The start of the Marketo "day" containing `ms`: 00:00 America/Chicago, DST honoured. Daily
 * export and call quotas reset here.
 */
export function chicagoDayStart(ms: number): number {
  const offset = chicagoOffsetMs(ms);
  const local = ms + offset;
  const localMidnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  // The offset at midnight can differ from the offset now on DST change days.
  return localMidnight - chicagoOffsetMs(localMidnight - offset);
}

/** The next reset after `ms`: the following 00:00 America/Chicago. */
export function nextChicagoDayStart(ms: number): number {
  return chicagoDayStart(chicagoDayStart(ms) + DAY_MS + 3 * 60 * 60 * 1000);
}
