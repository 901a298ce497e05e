import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CsvReader, FORMAT_DELIMITERS, type CsvRecord } from './csv.js';

/** Everything a reader yields for `chunks`, end() included. */
function readAll(delimiter: string, chunks: string[]): CsvRecord[] {
  const r = new CsvReader(delimiter);
  const out: CsvRecord[] = [];
  for (const c of chunks) out.push(...r.push(c));
  out.push(...r.end());
  return out;
}

/** A quoting writer independent of the reader: quote only when needed, double quotes. */
function line(fields: string[], d: string, eol = '\n'): string {
  return fields.map((f) => (f.includes(d) || f.includes('"') || f.includes('\n') || f.includes('\r') ? `"${f.replaceAll('"', '""')}"` : f)).join(d) + eol;
}

/** Records whose fields exercise every rule: delimiters, quotes, CR, LF, CRLF, empty, unicode. */
const ROWS: string[][] = [
  ['marketoGUID', 'leadId', 'activityDate', 'primaryAttributeValue', 'attributes'],
  ['101', '5', '2026-01-15T11:00:00Z', 'plain', '{}'],
  ['102', '6', '2026-01-15T11:00:01Z', 'Example, Inc.', '{"Form Fields":"{\\"Company\\":\\"Example, Inc.\\"}"}'],
  ['103', '7', '2026-01-15T11:00:02Z', 'say "hi"', '{"a":"b c"}'],
  ['104', '8', '2026-01-15T11:00:03Z', 'line1\nline2', '{"Reason":"x\r\ny"}'],
  ['105', '9', '2026-01-15T11:00:04Z', 'cr\ronly', ''],
  ['106', '10', '2026-01-15T11:00:05Z', '"', '""'],
  ['107', '11', '2026-01-15T11:00:06Z', 'tab\there and space', 'null'],
  ['108', '12', '2026-01-15T11:00:07Z', 'Ünïcødé ✓ 😀', 'end"'],
];

for (const [format, d] of Object.entries(FORMAT_DELIMITERS)) {
  const sample = ROWS.map((r) => line(r, d)).join('');

  test(`${format}: fields, quoting and raw text round-trip`, () => {
    const recs = readAll(d, [sample]);
    assert.deepEqual(recs.map((r) => r.fields), ROWS);
    assert.equal(recs.map((r) => r.raw).join(''), sample, 'raw text is preserved byte for byte');
    recs.forEach((r, i) => assert.equal(r.raw, line(ROWS[i]!, d)));
  });

  test(`${format}: a record split at every position of the sample parses the same`, () => {
    const expected = readAll(d, [sample]);
    for (let cut = 0; cut <= sample.length; cut++) {
      const got = readAll(d, [sample.slice(0, cut), sample.slice(cut)]);
      assert.deepEqual(got, expected, `cut at ${cut}: ${JSON.stringify(sample.slice(Math.max(0, cut - 5), cut + 5))}`);
    }
  });

  test(`${format}: one character at a time parses the same`, () => {
    assert.deepEqual(readAll(d, [...sample]), readAll(d, [sample]));
  });
}

test('push() yields records as soon as their line end arrives, and holds the rest', () => {
  const r = new CsvReader(',');
  assert.deepEqual(r.push('a,b\nc,'), [{ fields: ['a', 'b'], quoted: [false, false], raw: 'a,b\n' }]);
  assert.deepEqual(r.push('"d'), []);
  assert.deepEqual(r.push('\n'), [], 'LF inside quotes does not end the record');
  assert.deepEqual(r.push('e"'), [], 'a closing quote at the end of the text may be the first of a doubled pair');
  assert.deepEqual(r.push('\n'), [{ fields: ['c', 'd\ne'], quoted: [false, true], raw: 'c,"d\ne"\n' }]);
  assert.deepEqual(r.end(), []);
});

test('quoted flags tell a quoted "null" from the null literal', () => {
  const [rec] = readAll(',', ['null,"null",,""\n']);
  assert.deepEqual(rec!.fields, ['null', 'null', '', '']);
  assert.deepEqual(rec!.quoted, [false, true, false, true]);
});

test('quoted fields may hold the delimiter, doubled quotes, CR, LF and CRLF', () => {
  const text = '"a,b","say ""hi""","x\ry","x\ny","x\r\ny"\n';
  const [rec] = readAll(',', [text]);
  assert.deepEqual(rec!.fields, ['a,b', 'say "hi"', 'x\ry', 'x\ny', 'x\r\ny']);
  assert.deepEqual(rec!.quoted, [true, true, true, true, true]);
  assert.equal(rec!.raw, text);
});

test('CRLF and bare CR end records too, and the raw text keeps them', () => {
  const recs = readAll(',', ['a,b\r\nc,d\re,f\n']);
  assert.deepEqual(recs.map((r) => r.fields), [['a', 'b'], ['c', 'd'], ['e', 'f']]);
  assert.deepEqual(recs.map((r) => r.raw), ['a,b\r\n', 'c,d\r', 'e,f\n']);
});

test('a CR at the end of a chunk waits for a possible LF', () => {
  const r = new CsvReader(',');
  assert.deepEqual(r.push('a,b\r'), []);
  assert.deepEqual(r.push('\nc,d\n').map((x) => x.raw), ['a,b\r\n', 'c,d\n']);
});

test('end() flushes a last record without a line end', () => {
  const r = new CsvReader('\t');
  assert.deepEqual(r.push('a\tb\nc\t"d\te"'), [{ fields: ['a', 'b'], quoted: [false, false], raw: 'a\tb\n' }]);
  assert.deepEqual(r.end(), [{ fields: ['c', 'd\te'], quoted: [false, true], raw: 'c\t"d\te"' }]);
  assert.deepEqual(r.end(), [], 'a second end() has nothing left');
});

test('end() keeps an empty trailing field and an unterminated quote', () => {
  assert.deepEqual(readAll(',', ['a,']).map((r) => r.fields), [['a', '']]);
  assert.deepEqual(readAll(',', ['a,"b\nc']).map((r) => r.fields), [['a', 'b\nc']]);
});

test('TSV and SSV do not split on commas; SSV quotes values with spaces', () => {
  assert.deepEqual(readAll('\t', ['a,b\tc d\n'])[0]!.fields, ['a,b', 'c d']);
  assert.deepEqual(readAll(' ', ['a,b "c d" e\tf\n'])[0]!.fields, ['a,b', 'c d', 'e\tf']);
});

test('an empty line is a record with one empty field', () => {
  assert.deepEqual(readAll(',', ['a\n\nb\n']).map((r) => r.fields), [['a'], [''], ['b']]);
});
