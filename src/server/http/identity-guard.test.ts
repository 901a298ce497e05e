import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addressKey, FailureWindows, IdentityGuard } from './identity-guard.js';

describe('FailureWindows', () => {
  test('a key may fail `calls` times in a window; then it waits until the window that opened at its first failure ends', () => {
    const w = new FailureWindows({ calls: 3, seconds: 60 });
    for (let i = 0; i < 3; i++) {
      assert.equal(w.waitMs('a', 1000 + i), 0);
      w.record('a', 1000 + i);
    }
    assert.equal(w.waitMs('a', 1003), 59_997);
    assert.equal(w.waitMs('b', 1003), 0, 'other keys are not affected');
    assert.equal(w.waitMs('a', 60_999), 1);
    assert.equal(w.waitMs('a', 61_000), 0, 'the window has ended');
    w.record('a', 61_000);
    assert.equal(w.waitMs('a', 61_001), 0, 'a new window counts from one');
  });
  test('a flood of new keys is bounded: the oldest are dropped, the newest kept', () => {
    const w = new FailureWindows({ calls: 1, seconds: 60 });
    for (let i = 0; i < 25_000; i++) w.record(`k${i}`, 1000);
    assert.ok(w.waitMs('k24999', 1001) > 0);
    assert.equal(w.waitMs('k0', 1001), 0);
  });
});

describe('addressKey', () => {
  const cases: [string, string][] = [
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::5', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002::6', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
  ];
  for (const [ip, key] of cases) test(`${ip} -> ${key}`, () => assert.equal(addressKey(ip), key));
});

describe('IdentityGuard', () => {
  test('failures count per client id and per address; either limit refuses', () => {
    const g = new IdentityGuard({ failureLimit: { calls: 2, seconds: 10 } });
    g.recordFailure('c-1', '10.0.0.1', 0);
    g.recordFailure('c-1', '10.0.0.2', 0);
    assert.equal(g.retryAfterSeconds('c-1', '10.0.0.3', 1), 10, 'the client id is limited from any address');
    assert.equal(g.retryAfterSeconds('c-2', '10.0.0.3', 1), 0);
    g.recordFailure('c-3', '10.0.0.9', 0);
    g.recordFailure('c-4', '10.0.0.9', 0);
    assert.equal(g.retryAfterSeconds('c-5', '10.0.0.9', 1), 10, 'the address is limited for any client id');
    assert.equal(g.retryAfterSeconds('c-5', '10.0.0.9', 10_000), 0);
  });
  test('without a limit nothing is refused', () => {
    const g = new IdentityGuard({});
    for (let i = 0; i < 100; i++) g.recordFailure('c', 'a', 0);
    assert.equal(g.retryAfterSeconds('c', 'a', 0), 0);
  });
});
