import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MarketoApiFailure } from '../../errors/catalog.js';
import { ManualClock } from '../../lib/clock.js';
import { CallLimits, type LimitSettings } from './limits.js';

const START = Date.parse('2026-01-15T12:00:00Z');

function limits(settings: Partial<LimitSettings>): { limits: CallLimits; clock: ManualClock } {
  const clock = new ManualClock(START);
  return { limits: new CallLimits({ dailyCallQuota: 0, ...settings }, clock), clock };
}

function rejected(l: CallLimits, code: string, message: string): void {
  assert.throws(() => l.admit('etl'), (err: unknown) => {
    assert.ok(err instanceof MarketoApiFailure);
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    return true;
  });
}

/** Admits `n` calls and releases each at once (so only the rate and the daily quota apply). */
function calls(l: CallLimits, n: number): void {
  for (let i = 0; i < n; i++) {
    l.admit('etl');
    l.release();
  }
}

describe('CallLimits: rate limit (606)', () => {
  test('the call after N in the window is refused, then admitted once the window slides', () => {
    const { limits: l, clock } = limits({ rateLimit: { calls: 100, seconds: 20 } });
    calls(l, 60);
    clock.advance(10_000);
    calls(l, 40);
    rejected(l, '606', "Max rate limit '100' exceeded with in '20' secs");
    clock.advance(9_999); // the first 60 calls are 19.999 s old: still in the window
    rejected(l, '606', "Max rate limit '100' exceeded with in '20' secs");
    clock.advance(1); // now they are 20 s old and leave the window
    calls(l, 60);
    rejected(l, '606', "Max rate limit '100' exceeded with in '20' secs");
  });
  test('refused calls do not count toward the window', () => {
    const { limits: l, clock } = limits({ rateLimit: { calls: 3, seconds: 1 } });
    calls(l, 3);
    for (let i = 0; i < 50; i++) rejected(l, '606', "Max rate limit '3' exceeded with in '1' secs");
    clock.advance(1_000);
    calls(l, 3);
    assert.equal(l.usage().total, 6);
  });
  test('no rate limit: any number of calls', () => {
    const { limits: l } = limits({});
    calls(l, 5_000);
    assert.equal(l.usage().total, 5_000);
  });
});

describe('CallLimits: concurrency (615)', () => {
  test('refused at the maximum in flight, admitted again after a release', () => {
    const { limits: l } = limits({ maxConcurrentRequests: 2 });
    l.admit('etl');
    l.admit('etl');
    rejected(l, '615', "Concurrent access limit '2' reached");
    l.release();
    l.admit('etl');
    rejected(l, '615', "Concurrent access limit '2' reached");
    l.release();
    l.release();
    l.admit('etl');
    l.admit('etl');
    assert.equal(l.usage().total, 5); // the refused calls were not counted
  });
  test('a release too many never goes below zero', () => {
    const { limits: l } = limits({ maxConcurrentRequests: 1 });
    l.release();
    l.admit('etl');
    rejected(l, '615', "Concurrent access limit '1' reached");
  });
  test('a call refused for concurrency does not use the rate window', () => {
    const { limits: l } = limits({ maxConcurrentRequests: 1, rateLimit: { calls: 2, seconds: 20 } });
    l.admit('etl');
    rejected(l, '615', "Concurrent access limit '1' reached");
    l.release();
    l.admit('etl');
    l.release();
    rejected(l, '606', "Max rate limit '2' exceeded with in '20' secs");
  });
});

describe('CallLimits: daily call quota (607)', () => {
  test('refused after the quota, reset at 00:00 America/Chicago', () => {
    const { limits: l, clock } = limits({ dailyCallQuota: 5 });
    calls(l, 5);
    rejected(l, '607', 'Daily quota reached');
    clock.set(Date.parse('2026-01-16T05:59:59Z')); // 23:59:59 in Chicago (CST)
    rejected(l, '607', 'Daily quota reached');
    clock.set(Date.parse('2026-01-16T06:00:00Z')); // midnight in Chicago
    calls(l, 5);
    rejected(l, '607', 'Daily quota reached');
    assert.equal(l.usage().total, 5);
  });
  test('the reset follows summer time (UTC-5)', () => {
    const { limits: l, clock } = limits({ dailyCallQuota: 1 });
    clock.set(Date.parse('2026-07-15T12:00:00Z'));
    calls(l, 1);
    clock.set(Date.parse('2026-07-16T04:59:59Z'));
    rejected(l, '607', 'Daily quota reached');
    clock.set(Date.parse('2026-07-16T05:00:00Z'));
    calls(l, 1);
  });
  test('refused calls do not count', () => {
    const { limits: l, clock } = limits({ dailyCallQuota: 2, rateLimit: { calls: 1, seconds: 10 } });
    calls(l, 1);
    rejected(l, '606', "Max rate limit '1' exceeded with in '10' secs");
    clock.advance(10_000);
    calls(l, 1); // the refused call did not use quota
    clock.advance(10_000);
    rejected(l, '607', 'Daily quota reached');
    assert.equal(l.usage().total, 2);
  });
  test('usage counts per API user and restarts with the day', () => {
    const { limits: l, clock } = limits({});
    for (const user of ['etl', 'bi', 'etl', 'etl']) {
      l.admit(user);
      l.release();
    }
    assert.deepEqual(l.usage(), { dayStart: Date.parse('2026-01-15T06:00:00Z'), total: 4,
      users: [{ userId: 'etl', count: 3 }, { userId: 'bi', count: 1 }] });
    clock.set(Date.parse('2026-01-16T06:00:00Z'));
    l.admit('bi');
    assert.deepEqual(l.usage(), { dayStart: Date.parse('2026-01-16T06:00:00Z'), total: 1, users: [{ userId: 'bi', count: 1 }] });
  });
  test('0 means unlimited', () => {
    const { limits: l } = limits({ dailyCallQuota: 0 });
    calls(l, 60_000);
    assert.equal(l.usage().total, 60_000);
  });
});
