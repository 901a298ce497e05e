import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_WINDOW_MS, splitWindows, type Window } from './windows.js';

const S = 1000;
const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The invariants Marketo needs: whole seconds, each span <= 31 x 24 h (ends inclusive), the first
 * window starts at the first whole second >= since, the last ends at the last whole second <=
 * until, and each window starts one second after the previous one ends (no overlap, no gap).
 */
function assertTiles(ws: Window[], since: number, until: number, maxMs = MAX_WINDOW_MS): void {
  assert.ok(ws.length > 0);
  assert.equal(ws[0]!.start, Math.ceil(since / S) * S, 'first start');
  assert.equal(ws.at(-1)!.end, Math.floor(until / S) * S, 'last end');
  ws.forEach((w, i) => {
    assert.equal(w.start % S, 0, `window ${i} start is a whole second`);
    assert.equal(w.end % S, 0, `window ${i} end is a whole second`);
    assert.ok(w.end >= w.start, `window ${i} is not empty`);
    assert.ok(w.end - w.start <= maxMs, `window ${i} spans ${(w.end - w.start) / DAY} days`);
    if (i > 0) assert.equal(w.start, ws[i - 1]!.end + S, `window ${i} starts 1 s after window ${i - 1} ends`);
  });
}

/** How many windows hold the instant (inclusive ends). */
const holders = (ws: Window[], t: number) => ws.filter((w) => w.start <= t && t <= w.end).length;

test('a 100-day range: 4 windows, no overlap, no gap, each at most 31 x 24 h', () => {
  const since = at('2025-09-01T00:00:00Z');
  const until = at('2025-12-09T23:59:59Z');
  const ws = splitWindows(since, until);
  assertTiles(ws, since, until);
  assert.equal(ws.length, 4);
  assert.deepEqual(ws.map((w) => [iso(w.start), iso(w.end)]), [
    ['2025-09-01T00:00:00.000Z', '2025-10-01T23:59:59.000Z'],
    ['2025-10-02T00:00:00.000Z', '2025-11-01T23:59:59.000Z'],
    ['2025-11-02T00:00:00.000Z', '2025-12-02T23:59:59.000Z'],
    ['2025-12-03T00:00:00.000Z', '2025-12-09T23:59:59.000Z'],
  ]);
  // Every whole second of the range is in exactly one window; the seconds around it in none.
  for (const w of ws) {
    for (const t of [w.start - S, w.start, w.start + S, w.end - S, w.end, w.end + S]) {
      assert.equal(holders(ws, t), t >= since && t <= until ? 1 : 0, iso(t));
    }
  }
  for (let t = since; t <= until; t += 3_599 * S) assert.equal(holders(ws, t), 1, iso(t));
});

test('every window of a long range is accepted by the server rule (span <= 31 x 24 h)', () => {
  const since = at('2024-01-01T00:00:00Z');
  const until = at('2026-01-01T00:00:00Z');
  const ws = splitWindows(since, until);
  assertTiles(ws, since, until);
  assert.equal(ws.length, Math.ceil((until - since + S) / MAX_WINDOW_MS));
  // All but the last window are as long as allowed: 31 days minus the inclusive second.
  assert.ok(ws.slice(0, -1).every((w) => w.end - w.start === MAX_WINDOW_MS - S));
});

test('a range shorter than a day is one window equal to the range', () => {
  const since = at('2026-03-01T08:15:00Z');
  const until = at('2026-03-01T17:45:30Z');
  assert.deepEqual(splitWindows(since, until), [{ start: since, end: until }]);
});

test('since == until is one window of one second', () => {
  const t = at('2026-03-01T08:15:00Z');
  assert.deepEqual(splitWindows(t, t), [{ start: t, end: t }]);
});

test('exactly 31 days minus a second is one window; one second more makes a one-second second window', () => {
  const since = at('2026-01-01T00:00:00Z');
  assert.equal(splitWindows(since, since + MAX_WINDOW_MS - S).length, 1);
  const ws = splitWindows(since, since + MAX_WINDOW_MS);
  assert.equal(ws.length, 2);
  assert.deepEqual(ws[1], { start: since + MAX_WINDOW_MS, end: since + MAX_WINDOW_MS });
});

test('sub-second inputs round inward to whole seconds (activities have whole-second dates)', () => {
  const since = at('2026-03-01T00:00:00.250Z');
  const until = at('2026-04-15T00:00:00.750Z');
  const ws = splitWindows(since, until);
  assertTiles(ws, since, until);
  assert.equal(ws[0]!.start, at('2026-03-01T00:00:01Z'));
  assert.equal(ws.at(-1)!.end, at('2026-04-15T00:00:00Z'));
  // The whole second just before `since` (outside the range) is not exported; one inside is.
  assert.equal(holders(ws, at('2026-03-01T00:00:00Z')), 0);
  assert.equal(holders(ws, at('2026-03-01T00:00:01Z')), 1);
});

test('a sub-second range with no whole second in it has no windows', () => {
  assert.deepEqual(splitWindows(at('2026-03-01T00:00:00.200Z'), at('2026-03-01T00:00:00.700Z')), []);
  // ...but one that contains a whole second has that second.
  const t = at('2026-03-01T00:00:01Z');
  assert.deepEqual(splitWindows(t - 300, t + 300), [{ start: t, end: t }]);
});

test('until before since is a RangeError', () => {
  assert.throws(() => splitWindows(2000, 1000), RangeError);
  assert.throws(() => splitWindows(Number.NaN, 1000), RangeError);
});

test('a custom maximum span', () => {
  const since = at('2026-01-01T00:00:00Z');
  const until = since + 10 * DAY - S;
  const ws = splitWindows(since, until, DAY);
  assertTiles(ws, since, until, DAY);
  assert.equal(ws.length, 10);
  assert.ok(ws.every((w) => w.end - w.start === DAY - S));
});

test('random ranges always tile (seeded)', () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let n = 0; n < 300; n++) {
    const since = at('2020-01-01T00:00:00Z') + Math.floor(rnd() * 5 * 365 * DAY);
    const until = since + S + Math.floor(rnd() * 400 * DAY);
    const ws = splitWindows(since, until);
    assertTiles(ws, since, until);
    assert.ok(ws.length <= Math.ceil((until - since) / (MAX_WINDOW_MS - S)) + 1);
  }
});
