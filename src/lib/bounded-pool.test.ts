import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedPool, PoolFull } from './bounded-pool.js';

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe('BoundedPool', () => {
  test('runs at most `limit` at once, queues up to `maxWaiting`, refuses the rest at once', async () => {
    const pool = new BoundedPool(2, 3);
    let running = 0, most = 0;
    const gates = Array.from({ length: 5 }, gate);
    const runs = gates.map((g, i) => pool.run(async () => {
      running++;
      most = Math.max(most, running);
      await g.opened;
      running--;
      return i;
    }));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(pool.load, { active: 2, waiting: 3 });
    await assert.rejects(pool.run(async () => 'late'), PoolFull);
    for (const g of gates) g.open();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
    assert.deepEqual(pool.load, { active: 0, waiting: 0 });
  });
  test('a task that throws gives its slot back', async () => {
    const pool = new BoundedPool(1, 0);
    await assert.rejects(pool.run(async () => { throw new Error('boom'); }), /boom/);
    assert.equal(await pool.run(async () => 'next'), 'next');
    assert.deepEqual(pool.load, { active: 0, waiting: 0 });
  });
});
