import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestIdGenerator } from './request-id.js';

const SHAPE = /^[0-9a-f]{4,5}#[0-9a-f]+$/;

test('request ids have Marketo\'s shape and carry the time', () => {
  const next = requestIdGenerator();
  const now = Date.UTC(2026, 0, 15, 12);
  const id = next(now);
  assert.match(id, SHAPE);
  assert.equal(parseInt(id.split('#')[1]!, 16), now);
});

test('ids within one millisecond never repeat, and the first part wraps within 4 to 5 hex digits', () => {
  const next = requestIdGenerator(0xfffff - 0x1000 - 2);
  const ids = Array.from({ length: 6 }, () => next(1));
  assert.deepEqual(ids.map((id) => id.split('#')[0]), ['ffffe', 'fffff', '1000', '1001', '1002', '1003']);
  const many = requestIdGenerator();
  const seen = new Set(Array.from({ length: 100_000 }, () => many(1)));
  assert.equal(seen.size, 100_000);
  for (const id of seen) assert.match(id, SHAPE);
});
