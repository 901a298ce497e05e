/**
 * The two date rules the client needs: reading the dates a user types (`--since`, `--until`) and
 * the moment Marketo's daily quotas reset (00:00 America/Chicago). The server has the same rules
 * in its domain (src/domain/dates.ts); the client carries its own copy because it must not depend
 * on the server, and test/client/dates-agree.test.ts checks that the two copies agree.
 */

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Epoch ms of an ISO date or datetime (`2026-03-01`, `2026-03-01T12:00:00Z`, `...+02:00`; no zone
 * means UTC), or undefined when it does not parse or names an impossible date (2024-02-30).
 */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const midnight = new Date(Date.UTC(2000, 0, 1));
  midnight.setUTCFullYear(year, month - 1, day);
  let ms = midnight.getTime() + ((hour * 60 + minute) * 60 + second) * 1000;
  if (frac) ms += Math.floor(Number(`0.${frac}`) * 1000);
  if (zone && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2)), zm = Number(digits.slice(2, 4));
    if (zh > 23 || zm > 59) return undefined;
    ms -= (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  return ms;
}

const chicagoParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago', hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

function chicagoOffsetMs(ms: number): number {
  const p = Object.fromEntries(chicagoParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

function chicagoDayStart(ms: number): number {
  const offset = chicagoOffsetMs(ms);
  const local = ms + offset;
  const localMidnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  // The offset at midnight can differ from the offset now on DST change days.
  return localMidnight - chicagoOffsetMs(localMidnight - offset);
}

/** The next 00:00 America/Chicago after `ms` (DST honoured): when Marketo's daily export quota resets. */
export function nextChicagoDayStart(ms: number): number {
  return chicagoDayStart(chicagoDayStart(ms) + DAY_MS + 3 * 60 * 60 * 1000);
}
