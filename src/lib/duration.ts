/**
 * Durations as people type them for clock travel and delays: `8d`, `36h`, `90m`, `30s`, `250ms`,
 * `2w`, and sums such as `1d12h`. A bare number is milliseconds.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Milliseconds in `text`, or undefined when it is not a duration.
 * @example parseDuration('1d12h') // 129_600_000
 */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (t === '') return undefined;
  PART.lastIndex = 0;
  let ms = 0;
  let m: RegExpExecArray | null;
  while (PART.lastIndex < t.length && (m = PART.exec(t))) ms += Number(m[1]) * UNITS[m[2]!]!;
  if (PART.lastIndex !== t.length) return undefined;
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined;
}
