/**
 * A streaming reader for export files (CSV, TSV, SSV): RFC 4180 quoting with doubled quotes,
 * quoted fields may hold the delimiter, CR and LF. Each record keeps its raw text, so a merge can
 * copy it byte for byte.
 */
export interface CsvRecord {
  fields: string[];
  /** Whether each field was quoted (an unquoted `null` is Marketo's missing value). */
  quoted: boolean[];
  /** The record's text including its line end. */
  raw: string;
}

export const FORMAT_DELIMITERS = { CSV: ',', TSV: '\t', SSV: ' ' } as const;

export class CsvReader {
  private buf = '';

  constructor(private readonly delimiter: string) {}

  /**
   * Feeds text; returns the records completed by it.
   * @example const reader = new CsvReader(','); for (const r of reader.push(chunk)) use(r.fields)
   */
  push(text: string): CsvRecord[] {
    this.buf += text;
    const out: CsvRecord[] = [];
    let start = 0;
    for (;;) {
      const rec = this.parseOne(start, false);
      if (!rec) break;
      out.push(rec.record);
      start = rec.next;
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  /** Flushes a last record that has no line end. @example const rest = reader.end() */
  end(): CsvRecord[] {
    if (this.buf === '') return [];
    const rec = this.parseOne(0, true);
    this.buf = '';
    return rec ? [rec.record] : [];
  }

  private parseOne(start: number, atEnd: boolean): { record: CsvRecord; next: number } | undefined {
    const s = this.buf;
    const d = this.delimiter;
    const fields: string[] = [];
    const quoted: boolean[] = [];
    let i = start;
    for (;;) {
      if (i >= s.length && !atEnd) return undefined;
      let value = '';
      let wasQuoted = false;
      if (s[i] === '"') {
        wasQuoted = true;
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q === -1) {
            if (!atEnd) return undefined;
            value += s.slice(i);
            i = s.length;
            break;
          }
          value += s.slice(i, q);
          if (s[q + 1] === '"') {
            value += '"';
            i = q + 2;
            continue;
          }
          if (q + 1 >= s.length && !atEnd) return undefined;
          i = q + 1;
          break;
        }
      }
      // Unquoted part (or text after a closing quote) runs to the next delimiter or line end.
      let j = i;
      while (j < s.length && s[j] !== d && s[j] !== '\n' && s[j] !== '\r') j++;
      if (j >= s.length && !atEnd) return undefined;
      value += s.slice(i, j);
      fields.push(value);
      quoted.push(wasQuoted);
      if (j < s.length && s[j] === d) {
        i = j + 1;
        continue;
      }
      let next = j;
      if (s[next] === '\r') next++;
      if (s[next] === '\n') next++;
      else if (next >= s.length && !atEnd && s[j] === '\r') return undefined;
      return { record: { fields, quoted, raw: s.slice(start, next) }, next };
    }
  }
}
