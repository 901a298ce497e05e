/**
 * Splits a date range into export windows Marketo accepts: at most 31 x 24 h each, both ends
 * inclusive (as Marketo's `createdAt` filter is), no overlap and no gap at whole-second resolution.
 * Pure.
 */
export interface Window {
  /** Inclusive, epoch ms, whole seconds. */
  start: number;
  /** Inclusive, epoch ms, whole seconds. */
  end: number;
}

export const MAX_WINDOW_MS = 31 * 24 * 3600 * 1000;

/**
 * @example splitWindows(Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-10-31T23:59:59Z'))
 * // -> [Mar 1 00:00:00 .. Mar 31 23:59:59], [Apr 1 00:00:00 .. May 1 23:59:59], ...
 */
export function splitWindows(since: number, until: number, maxMs: number = MAX_WINDOW_MS): Window[] {
  if (!(until >= since)) throw new RangeError('until must not be before since');
  const out: Window[] = [];
  let start = Math.ceil(since / 1000) * 1000;
  const last = Math.floor(until / 1000) * 1000;
  while (start <= last) {
    // The window [start, start + max - 1 s] spans max - 1 s <= 31 x 24 h, and the next one starts 1 s later.
    const end = Math.min(start + maxMs - 1000, last);
    out.push({ start, end });
    start = end + 1000;
  }
  return out;
}
