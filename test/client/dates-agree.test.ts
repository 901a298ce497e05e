/**
 * The client carries its own copy of two date rules (it may not import the server): reading an
 * ISO date and the next 00:00 America/Chicago. They must agree with the server's domain.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextChicagoDayStart as clientNext, parseIsoDate } from '../../packages/client/src/lib/dates.js';
import { nextChicagoDayStart, parseMarketoDate } from '../../src/domain/dates.js';

test('parseIsoDate reads every text as the server does', () => {
  const texts = ['2026-03-01', '2026-03-01T12:30:00Z', '2026-03-01 12:30', '2026-03-01T12:30:00.123+05:30', '2026-03-01T23:59:59-0600',
    '0099-01-01', '2024-02-29', '2024-02-30', '2025-02-29', '2026-13-01', '2026-03-01T24:00:00Z', '2026-03-01T12:00:00+24:00', 'yesterday', ''];
  for (const text of texts) assert.equal(parseIsoDate(text), parseMarketoDate(text)?.ms, text);
});

test('nextChicagoDayStart agrees every 7 hours over two years, DST changes included', () => {
  for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 7 * 3600_000 + 13_000) {
    assert.equal(clientNext(t), nextChicagoDayStart(t), new Date(t).toISOString());
  }
});
