/**
 * The first lines of an export file as a table, for the console's preview. Files quote a value
 * (RFC 4180, doubled quotes) only when it holds the delimiter, a quote, CR or LF, so a quoted value
 * may span lines. Pure: the caller reads the file's first bytes.
 */
export interface FilePreview {
  header: string[];
  rows: string[][];
  /** True when the bytes read end before the file does, or more rows follow than were asked for. */
  truncated: boolean;
}

/**
 * Parses up to `maxRows` data rows after the header. A record cut off by the end of `text` is
 * dropped unless `complete` says `text` is the whole file.
 * @example previewRows('a,b\n1,"x,y"\n', ',', 20, true) // { header: ['a','b'], rows: [['1','x,y']], truncated: false }
 */
export function previewRows(text: string, delimiter: string, maxRows: number, complete: boolean): FilePreview {
  const records: string[][] = [];
  let i = 0;
  let cutShort = false;
  while (i < text.length && records.length <= maxRows) {
    const fields: string[] = [];
    let field = '';
    let ended = false;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"' && field === '') {
        const close = closingQuote(text, i + 1);
        if (close < 0) { i = text.length; cutShort = true; break; }
        field = text.slice(i + 1, close).replaceAll('""', '"');
        i = close + 1;
      } else if (c === delimiter) {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\n') {
        i++;
        ended = true;
        break;
      } else {
        field += c;
        i++;
      }
    }
    if (cutShort) break;
    fields.push(field);
    if (!ended && !complete) { cutShort = true; break; } // the last line runs past the bytes read
    records.push(fields);
  }
  const [header = [], ...rows] = records;
  const more = rows.length > maxRows || i < text.length || cutShort || !complete;
  return { header, rows: rows.slice(0, maxRows), truncated: more };
}

/** Index of the quote that closes a quoted value starting at `from`, or -1 if the text ends first. */
function closingQuote(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    if (text[j] !== '"') continue;
    if (text[j + 1] === '"') { j++; continue; }
    return j;
  }
  return -1;
}
