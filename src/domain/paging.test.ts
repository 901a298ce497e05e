import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidPageToken, InvalidRequest } from './errors.js';
import {
  base32Decode, base32Encode, batchSizeParam, booleanParam, intListParam, listParam, maxReturnParam, offsetParam, pageToken, readPageToken,
} from './paging.js';

test('base32: the RFC 4648 test vectors, upper case with = padding, and only canonical text decodes', () => {
  const vectors: [string, string][] = [
    ['', ''], ['f', 'MY======'], ['fo', 'MZXQ===='], ['foo', 'MZXW6==='], ['foob', 'MZXW6YQ='], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI======'],
  ];
  for (const [text, encoded] of vectors) {
    assert.equal(base32Encode(text), encoded);
    if (text) assert.equal(base32Decode(encoded), text);
  }
  assert.equal(base32Decode(base32Encode('8039:deadbeef ✓')), '8039:deadbeef ✓');
  for (const bad of ['', 'mzxw6===', 'MZXW6', 'MZXW6==', 'MZXW6YTBOI=====1', 'MZ======', '0ZXW6===', '/w======']) {
    assert.equal(base32Decode(bad), undefined, bad);
  }
});

test('list parameters: one value splits on commas and trims; repeated keys are taken as they are', () => {
  assert.deepEqual(listParam('a,b, c'), ['a', 'b', 'c']);
  assert.deepEqual(listParam(['Smith, John', 'Other']), ['Smith, John', 'Other']);
  assert.deepEqual(listParam('one'), ['one']);
  assert.deepEqual(listParam(',,'), undefined);
  assert.deepEqual(listParam(''), undefined);
  assert.deepEqual(listParam(undefined), undefined);
  assert.deepEqual(intListParam('id', '1001, 1002'), [1001, 1002]);
  assert.deepEqual(intListParam('id', ['3', '4']), [3, 4]);
  assert.throws(() => intListParam('id', '1,x'), (e: unknown) => e instanceof InvalidRequest && e.kind === 'type' && e.message === "Invalid value 'x'. Required of type 'integer'");
  assert.throws(() => intListParam('id', '1.5'), InvalidRequest);
});

test('booleans: true/false in any case, else 1001', () => {
  assert.equal(booleanParam('isTriggerable', 'TRUE'), true);
  assert.equal(booleanParam('isTriggerable', 'false'), false);
  assert.equal(booleanParam('isTriggerable', undefined), undefined);
  assert.equal(booleanParam('isTriggerable', ''), undefined);
  assert.throws(() => booleanParam('isTriggerable', 'yes'), /Invalid value 'yes'. Required of type 'boolean'/);
});

test('page sizes: batchSize 1-300 (missing or < 1: 300), maxReturn 1-200 (missing: 20, < 1: 1), offset >= 0', () => {
  const table: [string | undefined, number, number][] = [
    [undefined, 300, 20], ['', 300, 20], ['0', 300, 1], ['-5', 300, 1], ['1', 1, 1], ['150', 150, 150], ['200', 200, 200],
    ['201', 201, 200], ['300', 300, 200], ['301', 300, 200], ['100000', 300, 200],
  ];
  for (const [raw, batch, max] of table) {
    assert.equal(batchSizeParam(raw), batch, `batchSize ${raw}`);
    assert.equal(maxReturnParam(raw), max, `maxReturn ${raw}`);
  }
  assert.equal(batchSizeParam(['7', '9']), 7, 'the first of repeated values');
  assert.throws(() => batchSizeParam('ten'), /Invalid value 'ten'. Required of type 'integer'/);
  assert.throws(() => maxReturnParam('2e2'), /Required of type 'integer'/);
  assert.deepEqual([offsetParam(undefined), offsetParam('0'), offsetParam('400'), offsetParam('-3')], [0, 0, 400, 0]);
  assert.throws(() => offsetParam('x'), /Invalid value 'x'/);
});

test('page tokens: base32, carry the last id, bound to the filters, stateless', () => {
  const scope = '["campaigns",null,["Welcome"],null,null,false]';
  const token = pageToken(scope, 8039);
  assert.match(token, /^[A-Z2-7]+=*$/);
  assert.equal(token.length % 8, 0);
  assert.equal(readPageToken(scope, token), 8039);
  assert.equal(readPageToken(scope, [token, 'ignored']), 8039);
  assert.equal(pageToken(scope, 8039), token, 'the same page gives the same token');
  assert.equal(readPageToken(scope, undefined), undefined);
  assert.equal(readPageToken(scope, ''), undefined);
  const other = '["campaigns",null,["Other"],null,null,false]';
  for (const bad of [pageToken(other, 8039), 'NOTATOKEN', token.toLowerCase(), base32Encode('8039'), base32Encode('x:12345678'), `${token}A`]) {
    assert.throws(() => readPageToken(scope, bad), (e: unknown) => e instanceof InvalidPageToken && e.message === 'Invalid nextPageToken', bad);
  }
});
