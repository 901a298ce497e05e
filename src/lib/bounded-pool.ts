/** Refused by a BoundedPool whose queue is full. */
export class PoolFull extends Error {
  constructor() {
    super('too many tasks waiting');
    this.name = 'PoolFull';
  }
}

/**
 * Runs at most `limit` tasks at once and lets at most `maxWaiting` more wait for a slot; a task
 * beyond that is refused at once (PoolFull) instead of queueing without bound.
 * @example const pool = new BoundedPool(1, 32); const r = await pool.run(() => checkSecret(s, h))
 */
export class BoundedPool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    readonly maxWaiting: number,
  ) {}

  /** Tasks running and waiting now. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new PoolFull();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never drops below the queue's need.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
