/** CallWindow: at most `max` calls in any sliding window; the next caller waits for the oldest to leave it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallWindow } from './call-window.js';

test('lets `max` calls through at once, then one more as each leaves the window', async () => {
  const w = new CallWindow(3, 60);
  const signal = new AbortController().signal;
  const t0 = Date.now();
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    await w.take(signal);
    times.push(Date.now() - t0);
  }
  assert.ok(times.slice(0, 3).every((t) => t < 59), `the first three did not wait for the window: ${times}`);
  for (let i = 3; i < 7; i++) assert.ok(times[i]! - times[i - 3]! >= 59, `call ${i} came ${times[i]! - times[i - 3]!} ms after call ${i - 3}: ${times}`);
});

test('a wait stops when its signal aborts', async () => {
  const w = new CallWindow(1, 60_000);
  const abort = new AbortController();
  await w.take(abort.signal);
  const waiting = w.take(abort.signal);
  abort.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
});
