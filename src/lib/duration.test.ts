import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './duration.js';

test('parseDuration reads units, sums and bare milliseconds', () => {
  assert.equal(parseDuration('8d'), 8 * 86_400_000);
  assert.equal(parseDuration('1d12h'), 36 * 3_600_000);
  assert.equal(parseDuration('90m'), 5_400_000);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5h'), 5_400_000);
  assert.equal(parseDuration('2w'), 14 * 86_400_000);
  assert.equal(parseDuration(' 1500 '), 1500);
  assert.equal(parseDuration('1H30M'), 5_400_000);
});

test('parseDuration refuses what is not a duration', () => {
  for (const bad of ['', 'd', '8x', '-1d', '1d 2h', 'soon', '1d-', '1e3s', '9'.repeat(30) + 'd']) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});
