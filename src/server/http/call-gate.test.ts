/**
 * The shared call gate maps the store's names for a refused call (rate, inFlight, daily) to
 * Marketo's codes and messages (606, 615, 607): the store never speaks Marketo. The counter here
 * answers as the PostgreSQL one does; test/scale-out runs the real one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MarketoApiFailure } from '../../errors/catalog.js';
import { ManualClock } from '../../lib/clock.js';
import type { CallCounter, CallLimit } from '../../store/store.js';
import { createCallGate } from './limits.js';

test('each refusal of the shared counter becomes its Marketo code; an admitted call keeps its ticket', async () => {
  let answer: { ticket: string } | { refused: CallLimit } = { ticket: 't-1' };
  const counter: CallCounter = {
    admit: async () => answer, release: async () => undefined, usage: async () => [], load: async () => ({ inFlight: 0, inWindow: 0 }),
  };
  const gate = createCallGate({ rateLimit: { calls: 100, seconds: 20 }, maxConcurrentRequests: 10, dailyCallQuota: 50_000 }, new ManualClock(0), counter);
  assert.equal(await gate.admit('etl'), 't-1');
  const cases: [CallLimit, string, string][] = [
    ['rate', '606', "Max rate limit '100' exceeded with in '20' secs"],
    ['inFlight', '615', "Concurrent access limit '10' reached"],
    ['daily', '607', 'Daily quota reached'],
  ];
  for (const [refused, code, message] of cases) {
    answer = { refused };
    await assert.rejects(gate.admit('etl'), (e: unknown) => e instanceof MarketoApiFailure && e.code === code && e.message === message);
  }
});
