import assert from 'node:assert/strict';
import { test } from 'node:test';
import { previewRows } from './file-preview.js';

test('previewRows: header and rows, quoted values with delimiters, quotes and line ends', () => {
  const text = 'a,b,c\n1,"x,y",null\n2,"say ""hi""","two\nlines"\n';
  assert.deepEqual(previewRows(text, ',', 20, true), {
    header: ['a', 'b', 'c'], rows: [['1', 'x,y', 'null'], ['2', 'say "hi"', 'two\nlines']], truncated: false,
  });
});

test('previewRows: stops at maxRows and says more follow', () => {
  const text = 'h\n1\n2\n3\n';
  assert.deepEqual(previewRows(text, ',', 2, true), { header: ['h'], rows: [['1'], ['2']], truncated: true });
  assert.deepEqual(previewRows(text, ',', 3, true), { header: ['h'], rows: [['1'], ['2'], ['3']], truncated: false });
});

test('previewRows: a record cut off by the bytes read is dropped, not shown half', () => {
  assert.deepEqual(previewRows('h1\th2\n1\t2\n3\t"open', '\t', 20, false), { header: ['h1', 'h2'], rows: [['1', '2']], truncated: true });
  assert.deepEqual(previewRows('h1 h2\n1 2\n3 4', ' ', 20, false), { header: ['h1', 'h2'], rows: [['1', '2']], truncated: true });
  // The whole file, without a final line end: the last record counts.
  assert.deepEqual(previewRows('h\n1', ',', 20, true), { header: ['h'], rows: [['1']], truncated: false });
});

test('previewRows: a header-only file and an empty text', () => {
  assert.deepEqual(previewRows('a,b\n', ',', 20, true), { header: ['a', 'b'], rows: [], truncated: false });
  assert.deepEqual(previewRows('', ',', 20, true), { header: [], rows: [], truncated: false });
});
