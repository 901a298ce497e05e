/**
 * Finds where the records of an export file (CSV, TSV, SSV) end, in bytes, without building
 * strings: the byte twin of CsvReader's record splitting, so a merge can copy records as raw byte
 * ranges and decode only the few fields it looks at.
 *
 * It follows CsvReader exactly, quirks included: a quote opens a quoted part only as a field's
 * first byte; `""` inside one is a literal quote; text after the closing quote belongs to the same
 * field; a record ends after LF, CRLF or a lone CR; an unclosed quote runs to the end of the file.
 * The bytes it looks for (quote, delimiter, CR, LF) are ASCII, which never occur inside a UTF-8
 * multi-byte character, so byte offsets and CsvReader's string offsets split the same records.
 */
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Four quotes, and the constants of the "has a zero byte" test (applied to word ^ QUOTES). */
const QUOTES = 0x22222222;
const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;

export class RecordScanner {
  /** For each watched column, where its field starts in the last record found (-1: the record has no such field). */
  readonly starts: number[];
  /** ...and where it ends (before its delimiter or line end). */
  readonly ends: number[];
  private readonly lastWatched: number;
  /** `buf` seen as 32-bit words, when it is 4-byte aligned: quoted text is skipped a word at a time. */
  private words: Int32Array | undefined;
  private wordsOf: Uint8Array | undefined;

  /**
   * @param delimiter the field separator byte (`,` `\t` or space)
   * @param watch the 0-based columns whose field bounds to record (a negative one is never found)
   * @example const s = new RecordScanner(0x2c, [0]); const end = s.recordEnd(buf, 0, buf.length, true); // s.starts[0], s.ends[0]
   */
  constructor(private readonly delimiter: number, private readonly watch: readonly number[]) {
    this.starts = watch.map(() => -1);
    this.ends = watch.map(() => -1);
    this.lastWatched = Math.max(-1, ...watch);
  }

  /**
   * The end (after its line end) of the record starting at `start` in `buf[0, len)`, or -1 when
   * the record may go on past `len`; with `atEnd` (nothing follows `len`) the record is cut there.
   * `start` must be below `len`.
   */
  recordEnd(buf: Uint8Array, start: number, len: number, atEnd: boolean): number {
    const d = this.delimiter;
    const words = this.wordsFor(buf);
    const wordsEnd = len >> 2; // words wholly below len
    for (let k = 0; k < this.starts.length; k++) this.starts[k] = this.ends[k] = -1;
    let i = start;
    for (let field = 0; ; field++) {
      if (i >= len && !atEnd) return -1;
      const fieldStart = i;
      // Never read at or past `len`: the rest of a reused buffer holds stale bytes.
      if (i < len && buf[i] === QUOTE) {
        i++;
        for (;;) {
          if (words) {
            // Quoted text (JSON attributes) is most of a file: skip the words that hold no quote.
            while ((i & 3) !== 0 && i < len && buf[i] !== QUOTE) i++;
            if ((i & 3) === 0) {
              let w = i >> 2;
              while (w < wordsEnd) {
                const x = words[w]! ^ QUOTES;
                if (((x - ONES) & ~x & HIGHS) !== 0) break;
                w++;
              }
              i = w << 2;
            }
          }
          while (i < len && buf[i] !== QUOTE) i++;
          if (i >= len) {
            if (!atEnd) return -1;
            break; // unclosed: the rest of the file is this field
          }
          // A quote as the last byte read may be the first of a doubled pair: wait for the next byte.
          if (i + 1 >= len && !atEnd) return -1;
          if (i + 1 < len && buf[i + 1] === QUOTE) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
      }
      // The unquoted part (or the text after a closing quote) runs to a delimiter or a line end.
      let c = 0;
      while (i < len) {
        c = buf[i]!;
        if (c === d || c === LF || c === CR) break;
        i++;
      }
      if (i >= len && !atEnd) return -1;
      if (field <= this.lastWatched) this.mark(field, fieldStart, i);
      if (i < len && c === d) {
        i++;
        continue;
      }
      if (i >= len) return len;
      if (c === CR) {
        // CR then LF is one line end; a CR at the end of what we have may be followed by one.
        if (i + 1 >= len) return atEnd ? len : -1;
        return buf[i + 1] === LF ? i + 2 : i + 1;
      }
      return i + 1;
    }
  }

  private wordsFor(buf: Uint8Array): Int32Array | undefined {
    if (buf !== this.wordsOf) {
      this.wordsOf = buf;
      this.words = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) : undefined;
    }
    return this.words;
  }

  private mark(field: number, start: number, end: number): void {
    for (let k = 0; k < this.watch.length; k++) {
      if (this.watch[k] === field) {
        this.starts[k] = start;
        this.ends[k] = end;
      }
    }
  }
}

/**
 * The value of one field from its raw bytes, as CsvReader gives it: the quoted part unquoted
 * (`""` -> `"`) followed by whatever came after the closing quote.
 * @example fieldValue(Buffer.from('"a ""b"""'), 0, 9) // 'a "b"'
 */
export function fieldValue(buf: Buffer, start: number, end: number): string {
  if (buf[start] !== QUOTE) return buf.toString('utf8', start, end);
  const s = buf.toString('utf8', start + 1, end);
  let value = '';
  let i = 0;
  for (;;) {
    const q = s.indexOf('"', i);
    if (q === -1) return value + s.slice(i); // unclosed, at the end of the file
    value += s.slice(i, q);
    if (s[q + 1] === '"') {
      value += '"';
      i = q + 2;
      continue;
    }
    return value + s.slice(q + 1);
  }
}

/**
 * Whether a record is blank the way CsvReader's callers see it (`raw.trim() === ''`): only
 * whitespace, line ends included. Almost every record starts with a byte that settles it.
 */
export function isBlankRecord(buf: Buffer, start: number, end: number): boolean {
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80) return false;
    ascii = false;
  }
  // Only whitespace and non-ASCII bytes: let String.prototype.trim decide (NBSP, U+2028, BOM, ...).
  return ascii || buf.toString('utf8', start, end).trim() === '';
}
