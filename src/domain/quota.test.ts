import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DAY_MS } from './dates.js';
import { fileExpired, listWindowStart, MB, quotaResetsAt, quotaSpent, quotaWindowStart, statusExpired } from './quota.js';

const at = (iso: string): number => Date.parse(iso);
const settings = { fileRetentionDays: 7, statusRetentionDays: 30, listWindowDays: 7 };

describe('daily export quota', () => {
  const cases: [string, number, number, boolean][] = [
    ['nothing used', 0, 500, false],
    ['one byte short', 500 * MB - 1, 500, false],
    ['exactly the quota', 500 * MB, 500, true],
    ['over the quota', 501 * MB, 500, true],
    ['0 means unlimited', 10_000 * MB, 0, false],
    ['small quota', 1 * MB, 1, true],
  ];
  for (const [label, used, quotaMb, spent] of cases) test(label, () => assert.equal(quotaSpent(used, quotaMb), spent));

  test('MB is 2^20 bytes', () => assert.equal(MB, 1_048_576));
  test('the window starts at 00:00 America/Chicago (CST, UTC-6)', () => {
    assert.equal(quotaWindowStart(at('2026-01-15T03:00:00Z')), at('2026-01-14T06:00:00Z'));
    assert.equal(quotaResetsAt(at('2026-01-15T03:00:00Z')), at('2026-01-15T06:00:00Z'));
  });
  test('the window starts at 00:00 America/Chicago (CDT, UTC-5)', () => {
    assert.equal(quotaWindowStart(at('2026-07-15T05:00:00Z')), at('2026-07-15T05:00:00Z'));
    assert.equal(quotaResetsAt(at('2026-07-15T04:59:59Z')), at('2026-07-15T05:00:00Z'));
  });
});

describe('retention', () => {
  const finished = at('2026-01-01T12:00:00Z');
  test('a file lives fileRetentionDays after the job finished', () => {
    assert.equal(fileExpired(finished, finished + 7 * DAY_MS - 1, settings), false);
    assert.equal(fileExpired(finished, finished + 7 * DAY_MS, settings), true);
  });
  test('a job that never finished has no file', () => assert.equal(fileExpired(undefined, finished, settings), true));
  test('status lives statusRetentionDays after the end, or after creation if it never ended', () => {
    const created = finished - 5 * DAY_MS;
    assert.equal(statusExpired({ createdAt: created, finishedAt: finished }, finished + 30 * DAY_MS - 1, settings), false);
    assert.equal(statusExpired({ createdAt: created, finishedAt: finished }, finished + 30 * DAY_MS, settings), true);
    assert.equal(statusExpired({ createdAt: created }, created + 30 * DAY_MS - 1, settings), false);
    assert.equal(statusExpired({ createdAt: created }, created + 30 * DAY_MS, settings), true);
  });
  test('the list shows listWindowDays back', () => {
    assert.equal(listWindowStart(finished, settings), finished - 7 * DAY_MS);
    assert.equal(listWindowStart(finished, { ...settings, listWindowDays: 1 }), finished - DAY_MS);
  });
});
