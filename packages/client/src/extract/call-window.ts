/**
 * A client-side sliding-window limit: at most `max` calls in any `windowMs`, the shape of
 * Marketo's rate limit (100 calls in any 20 s, per instance). Callers wait their turn instead of
 * being refused with 606.
 */
import { sleep } from '../lib/sleep.js';

export class CallWindow {
  private readonly times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Resolves when one more call fits in the window, and counts it.
   * @example const polls = new CallWindow(50, 20_000); await polls.take(signal); await client.exportStatus(id)
   */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.times.length && this.times[0]! <= now - this.windowMs) this.times.shift();
      if (this.times.length < this.max) {
        this.times.push(now);
        return;
      }
      await sleep(this.times[0]! + this.windowMs - now, signal);
    }
  }
}
