/**
 * Decides which of a stream of repeated failures are worth a log line. A fault that lasts (a full
 * disk, a store that cannot write) fails the scheduler's tick twice a second; logging each one
 * buries everything else. The first failure is logged, then a changed message at once, the same
 * message at most once per `everyMs` with the number passed over, and the recovery once.
 */
export class RepeatLimiter {
  private message: string | undefined;
  private loggedAt = 0;
  private passedOver = 0;

  constructor(private readonly everyMs = 60_000) {}

  /** A failure at `now`: whether to log it, and how many like it went unlogged since the last line. */
  failed(message: string, now: number): { log: boolean; passedOver: number } {
    if (message === this.message && now - this.loggedAt < this.everyMs) {
      this.passedOver++;
      return { log: false, passedOver: this.passedOver };
    }
    const passedOver = this.passedOver;
    this.message = message;
    this.loggedAt = now;
    this.passedOver = 0;
    return { log: true, passedOver };
  }

  /** A success: true once after failures (log the recovery), with the failures not logged. */
  succeeded(): { recovered: boolean; passedOver: number } {
    if (this.message === undefined) return { recovered: false, passedOver: 0 };
    const passedOver = this.passedOver;
    this.message = undefined;
    this.passedOver = 0;
    return { recovered: true, passedOver };
  }
}
