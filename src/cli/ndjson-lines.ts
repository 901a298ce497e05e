/**
 * NDJSON input cut into records, a chunk at a time. Lines end as `readline` ends them (`\n`,
 * `\r\n`, or a lone `\r`) and are numbered the same way, so `line N:` errors name the lines an
 * editor shows; blank lines are counted and skipped. A chunk is cut after its last `\n` byte, so
 * no UTF-8 sequence and no `\r\n` is ever split between two decodes.
 *
 * Why not `readline`: its per-line events and async iterator, with a generator per record after
 * it, cost more than parsing the JSON (docs/performance.md).
 */
import type { SourceRecord } from './source-record.js';

const LF = 0x0a;

export class NdjsonLines {
  private line = 0;
  private rest: Buffer = Buffer.alloc(0);

  /** The records of every line `chunk` completes. */
  push(chunk: Buffer): SourceRecord[] {
    const cut = chunk.lastIndexOf(LF);
    if (cut < 0) {
      this.rest = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
      return [];
    }
    const head = this.rest.length ? Buffer.concat([this.rest, chunk.subarray(0, cut + 1)]) : chunk.subarray(0, cut + 1);
    this.rest = chunk.subarray(cut + 1);
    const out: SourceRecord[] = [];
    this.parse(head.toString('utf8'), out);
    return out;
  }

  /** The records of the last line, when the input does not end with a line break. */
  end(): SourceRecord[] {
    const out: SourceRecord[] = [];
    if (this.rest.length) this.parse(this.rest.toString('utf8'), out);
    this.rest = Buffer.alloc(0);
    return out;
  }

  /** `text` ends with `\n`, except at the end of the input. */
  private parse(text: string, out: SourceRecord[]): void {
    if (text.includes('\r')) {
      const lines = text.split(/\r\n|\n|\r/);
      // A break at the very end ends the last line; it does not start another.
      if (lines.at(-1) === '') lines.pop();
      for (const line of lines) this.record(line, out);
      return;
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) {
        if (start < text.length) this.record(text.slice(start), out);
        return;
      }
      this.record(text.slice(start, nl), out);
      start = nl + 1;
    }
  }

  private record(text: string, out: SourceRecord[]): void {
    const line = ++this.line;
    // Most lines start with `{`; only another line can be blank.
    if (text.charCodeAt(0) !== 0x7b && text.trim() === '') return;
    try {
      out.push({ line, record: JSON.parse(text) });
    } catch {
      out.push({ line, record: undefined, error: 'not valid JSON' });
    }
  }
}
