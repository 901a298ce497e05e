/**
 * HTTP Range for export files, as decisions.md settles it. One range per request, inclusive:
 *
 *   size 1000, `bytes=0-9`     -> partial 0..9        (206, Content-Range: bytes 0-9/1000)
 *   size 1000, `bytes=725-`    -> partial 725..999    (the last 275 bytes)
 *   size 1000, `bytes=-100`    -> partial 900..999
 *   size 1000, `bytes=990-2000`-> partial 990..999    (an end past the file is trimmed)
 *   size 1000, `bytes=0-0`     -> partial 0..0        (tap-marketo's existence probe)
 *   size 1000, `bytes=1000-`   -> unsatisfiable       (416, Content-Range: bytes *\/1000)
 *   size 1000, `bytes=-0`      -> unsatisfiable
 *   `bytes=0-1,5-9`            -> whole               (several ranges: 200 with the whole file)
 *   `bytes=9-0`, `items=0-1`, garbage -> whole        (malformed headers are ignored, per RFC 7233)
 */
export type RangeOutcome =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/i; // range units are case-insensitive (RFC 9110)

export function parseRange(header: string | undefined, size: number): RangeOutcome {
  if (header === undefined) return { kind: 'whole' };
  const m = SINGLE.exec(header.trim().replace(/\s+/g, ''));
  if (!m) return { kind: 'whole' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'whole' };
  // Digits only, so Number() is exact, merely rounded, or Infinity: a position past 2^53 is still
  // past the end of any file (`bytes=0-18446744073709551615` means "to the end", per RFC 9110).
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  if (b !== '' && BigInt(b) < BigInt(a)) return { kind: 'whole' };
  const start = Number(a);
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: b === '' ? size - 1 : Math.min(Number(b), size - 1) };
}
