/**
 * NdjsonLines against `readline` (what the import read lines with before): the same records with
 * the same line numbers, for any text cut into any chunks (line breaks of every kind, blank and
 * white-space lines, bad JSON, multi-byte characters cut between chunks).
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import fc from 'fast-check';
import { NdjsonLines } from './ndjson-lines.js';
import type { SourceRecord } from './source-record.js';

async function byReadline(bytes: Buffer): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  let line = 0;
  for await (const text of createInterface({ input: Readable.from([bytes]), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    try {
      out.push({ line, record: JSON.parse(text) });
    } catch {
      out.push({ line, record: undefined, error: 'not valid JSON' });
    }
  }
  return out;
}

function bySplitter(bytes: Buffer, cuts: number[]): SourceRecord[] {
  const lines = new NdjsonLines();
  const out: SourceRecord[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out.push(...lines.push(bytes.subarray(at, cut)));
    at = cut;
  }
  out.push(...lines.push(bytes.subarray(at)), ...lines.end());
  return out;
}

const piece = fc.constantFrom('{"a":1}', '{"b":"é✓ 𝄞"}', '[1,2]', '"x"', '  ', '\t', '\u00a0', '\ufeff', '', 'not json', '{"c":',
  '\n', '\n', '\r\n', '\r', '\r\r\n', ' {"d":null} ');

test('the same records and line numbers as readline, however the input is cut', async () => {
  await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 30 }), fc.array(fc.nat(400), { maxLength: 8 }), async (pieces, cuts) => {
    const bytes = Buffer.from(pieces.join(''));
    assert.deepEqual(bySplitter(bytes, cuts), await byReadline(bytes));
  }), { numRuns: 1500 });
});

test('a last line without a line break is read; an empty input has no records', () => {
  assert.deepEqual(bySplitter(Buffer.from('{"a":1}\n{"b":2}'), [3]), [{ line: 1, record: { a: 1 } }, { line: 2, record: { b: 2 } }]);
  assert.deepEqual(bySplitter(Buffer.alloc(0), []), []);
});
