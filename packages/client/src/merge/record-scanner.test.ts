/**
 * RecordScanner against CsvReader, the parser it mirrors: the same records (raw bytes), the same
 * values for watched fields, and the same blank-record verdicts, on hand-picked and random text
 * (quotes anywhere, quoted delimiters and line ends, CR, CRLF, unclosed quotes, non-ASCII), fed
 * whole and in chunks that cut records anywhere.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CsvReader } from '../files/csv.js';
import { fieldValue, isBlankRecord, RecordScanner } from './record-scanner.js';

interface Split {
  raws: string[];
  /** Per record, the values of the watched columns (undefined where the record is too short). */
  watched: (string | undefined)[][];
  blank: boolean[];
}

/** Splits `bytes` with the scanner the way a merge does: chunk by chunk, carrying the unfinished record over. */
function scan(bytes: Buffer, delimiter: string, watch: number[], chunk: number): Split {
  const s = new RecordScanner(delimiter.charCodeAt(0), watch);
  const out: Split = { raws: [], watched: [], blank: [] };
  let carry = Buffer.alloc(0);
  for (let at = 0; ; at += chunk) {
    const atEnd = at + chunk >= bytes.length;
    // Stale bytes after `len` must never be read: pad the buffer with quotes and line ends.
    const data = Buffer.concat([carry, bytes.subarray(at, at + chunk)]);
    const buf = Buffer.concat([data, Buffer.from('"\r\n,"')]);
    let pos = 0;
    while (pos < data.length) {
      const end = s.recordEnd(buf, pos, data.length, atEnd);
      if (end < 0) break;
      out.raws.push(buf.toString('utf8', pos, end));
      out.watched.push(watch.map((_, k) => (s.starts[k]! < 0 ? undefined : fieldValue(buf, s.starts[k]!, s.ends[k]!))));
      out.blank.push(isBlankRecord(buf, pos, end));
      pos = end;
    }
    carry = data.subarray(pos);
    if (atEnd) {
      assert.equal(carry.length, 0, 'at the end every byte belongs to a record');
      return out;
    }
  }
}

/** What CsvReader makes of the same bytes (decoded whole, then fed in two pieces). */
function parse(bytes: Buffer, delimiter: string, watch: number[]): Split {
  const text = bytes.toString('utf8');
  const r = new CsvReader(delimiter);
  const records = [...r.push(text.slice(0, text.length >> 1)), ...r.push(text.slice(text.length >> 1)), ...r.end()];
  return {
    raws: records.map((x) => x.raw),
    watched: records.map((x) => watch.map((c) => x.fields[c])),
    blank: records.map((x) => x.raw.trim() === ''),
  };
}

const DELIMITERS = [',', '\t', ' '];
const piece = fc.constantFrom('a', 'bc', '1', ',', '\t', ' ', '"', '""', '\n', '\r', '\r\n', 'é', '😀', '\u00a0', '\u2028', '\ufeff', 'null');
const text = fc.array(piece, { maxLength: 60 }).map((p) => Buffer.from(p.join('')));

describe('RecordScanner', () => {
  test('splits like CsvReader: quotes, quoted delimiters and line ends, CRLF, lone CR, unclosed quote', () => {
    const cases = [
      'h1,h2\na,b\n',
      'a,"b,c"\r\nd,"e\nf"\n',
      'a,"x""y"z,w\n', // text after a closing quote stays in the field
      'ab"c,d\n"e"\n', // a quote inside an unquoted field is plain text
      'a\rb\r\nc\r\r\nd',
      'a,b,\n,\n\n',
      'x,"unclosed\nto the end',
      '"a"""\n"""",b',
    ];
    for (const c of cases) {
      for (const chunk of [1, 2, 3, 5, 1000]) {
        assert.deepEqual(scan(Buffer.from(c), ',', [0, 1, 2], chunk), parse(Buffer.from(c), ',', [0, 1, 2]), `${JSON.stringify(c)} in chunks of ${chunk}`);
      }
    }
  });

  test('fieldValue unquotes like CsvReader, including text after the closing quote', () => {
    const b = Buffer.from('"a ""b"""x');
    assert.equal(fieldValue(b, 0, b.length), 'a "b"x');
    assert.equal(fieldValue(Buffer.from('plain'), 0, 5), 'plain');
    assert.equal(fieldValue(Buffer.from('"open'), 0, 5), 'open');
  });

  test('isBlankRecord agrees with String.prototype.trim, non-ASCII whitespace included', () => {
    for (const s of ['\n', ' \t\r\n', '\u00a0\n', '\u2028', '\ufeff \n', ' x\n', '\u0085\n', '\u001c\n', 'é\n']) {
      const b = Buffer.from(s);
      assert.equal(isBlankRecord(b, 0, b.length), s.trim() === '', JSON.stringify(s));
    }
  });

  test('random text in random chunks: the same records, fields and blanks as CsvReader', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...DELIMITERS), fc.integer({ min: 1, max: 40 }), fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 3 }), (bytes, d, chunk, watch) => {
        assert.deepEqual(scan(bytes, d, watch, chunk), parse(bytes, d, watch));
      }),
      { numRuns: 2000 },
    );
  });
});
