import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RepeatLimiter } from './repeat-limiter.js';

test('a lasting failure is logged once a minute with the count passed over; a new message at once; recovery once', () => {
  const r = new RepeatLimiter(60_000);
  assert.deepEqual(r.failed('disk full', 0), { log: true, passedOver: 0 });
  for (let t = 500; t < 60_000; t += 500) assert.equal(r.failed('disk full', t).log, false);
  assert.deepEqual(r.failed('disk full', 60_000), { log: true, passedOver: 119 });
  assert.deepEqual(r.failed('disk full', 60_500), { log: false, passedOver: 1 });
  assert.deepEqual(r.failed('database is locked', 61_000), { log: true, passedOver: 1 }, 'a different fault is news');
  assert.deepEqual(r.succeeded(), { recovered: true, passedOver: 0 });
  assert.deepEqual(r.succeeded(), { recovered: false, passedOver: 0 }, 'only the first success after failures');
  assert.deepEqual(r.failed('disk full', 62_000), { log: true, passedOver: 0 }, 'a fault after a recovery is logged at once');
});
