/**
 * What the emulator controls (`/tidemark/v1/emulator/...`, docs/emulator.md) change in a running
 * server: the clock, injected job failures and delays, forced 606/615 answers, and an exhausted
 * daily export quota. One per process, present only with `--emulator-controls`.
 */
import type { Config } from '../config/config.js';
import { quotaResetsAt } from '../domain/quota.js';
import { marketo } from '../errors/catalog.js';
import { JobFaults } from '../export/job-faults.js';
import { isTravelClock, type Clock } from '../lib/clock.js';
import type { CallGate } from './http/limits.js';

export type ForcedCode = '606' | '615';

export class EmulatorState {
  readonly jobs = new JobFaults();
  private forced?: { code: ForcedCode; remaining: number };
  private quotaExhaustedUntil?: number;

  constructor(readonly clock: Clock) {}

  /** Moves the server's clock forward; false when this server's clock cannot travel. */
  advance(ms: number): boolean {
    if (!isTravelClock(this.clock)) return false;
    this.clock.advance(ms);
    return true;
  }

  /** The next `count` admitted API calls answer `code` instead of running (0 switches it off). */
  forceCalls(code: ForcedCode, count: number): void {
    this.forced = count > 0 ? { code, remaining: count } : undefined;
  }

  /** The refusal the next call must get, if one is pending (and uses it up). */
  takeForcedRefusal(): ForcedCode | undefined {
    if (!this.forced) return undefined;
    const { code } = this.forced;
    if (--this.forced.remaining <= 0) this.forced = undefined;
    return code;
  }

  /** Spends the daily export quota until the next 00:00 America/Chicago of the server's clock. */
  exhaustQuota(): number {
    this.quotaExhaustedUntil = quotaResetsAt(this.clock.now());
    return this.quotaExhaustedUntil;
  }

  quotaExhausted(now: number): boolean {
    return this.quotaExhaustedUntil !== undefined && now < this.quotaExhaustedUntil;
  }

  /** Clears every fault (the clock stays where it is). */
  clear(): void {
    this.jobs.clear();
    this.forced = undefined;
    this.quotaExhaustedUntil = undefined;
  }

  snapshot() {
    const now = this.clock.now();
    return {
      now: new Date(now).toISOString(),
      offsetMs: now - Date.now(),
      jobFaults: this.jobs.state(),
      forcedCalls: this.forced ? { ...this.forced } : null,
      quotaExhaustedUntil: this.quotaExhausted(now) ? new Date(this.quotaExhaustedUntil!).toISOString() : null,
    };
  }
}

/**
 * The call gate with the emulator's forced refusals in front: a forced 606/615 is answered before
 * the real limits are asked, and like any refused call it does not count against them.
 */
export function withForcedRefusals(gate: CallGate, emulator: EmulatorState | undefined, config: Config): CallGate {
  if (!emulator) return gate;
  const rate = config.rateLimit ?? { calls: 100, seconds: 20 };
  return {
    ...gate,
    async admit(user) {
      const forced = emulator.takeForcedRefusal();
      if (forced === '606') throw marketo.rateLimited(rate.calls, rate.seconds);
      if (forced === '615') throw marketo.concurrencyLimited(config.maxConcurrentRequests ?? 10);
      return gate.admit(user);
    },
  };
}
