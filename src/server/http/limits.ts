/**
 * Marketo's call limits for one subscription (one Tidemark instance): a sliding-window rate limit
 * (606), requests in flight (615) and a daily call quota reset at 00:00 America/Chicago (607).
 * Calls these limits reject do not count against them, as Marketo documents. `CallLimits` counts in
 * memory, for one process; `createCallGate` picks it or the store's shared counter.
 */
import { chicagoDayStart, nextChicagoDayStart } from '../../domain/dates.js';
import { marketo } from '../../errors/catalog.js';
import type { RateLimit } from '../../config/config.js';
import type { Clock } from '../../lib/clock.js';
import type { CallCounter, CallLimitSettings } from '../../store/store.js';

export interface LimitSettings {
  rateLimit?: RateLimit;
  maxConcurrentRequests?: number;
  dailyCallQuota: number;
}

export class CallLimits {
  private readonly calls: number[] = [];
  private inFlight = 0;
  private day = 0;
  private nextDay = 0;
  private callsToday = 0;
  private readonly byUser = new Map<string, number>();

  constructor(
    private readonly settings: LimitSettings,
    private readonly clock: Clock,
  ) {}

  /**
   * Admits one call or throws the Marketo failure. The caller must call `release()` once the
   * response is done, for every admitted call.
   */
  admit(userName: string): void {
    const now = this.clock.now();
    const { rateLimit, maxConcurrentRequests, dailyCallQuota } = this.settings;
    if (maxConcurrentRequests !== undefined && this.inFlight >= maxConcurrentRequests) {
      throw marketo.concurrencyLimited(maxConcurrentRequests);
    }
    if (rateLimit) {
      const windowStart = now - rateLimit.seconds * 1000;
      while (this.calls.length && this.calls[0]! <= windowStart) this.calls.shift();
      if (this.calls.length >= rateLimit.calls) throw marketo.rateLimited(rateLimit.calls, rateLimit.seconds);
    }
    // Working out the Chicago day (Intl, twice) cost ~5 % of a status call; do it when the day changes.
    if (now < this.day || now >= this.nextDay) {
      this.day = chicagoDayStart(now);
      this.nextDay = nextChicagoDayStart(now);
      this.callsToday = 0;
      this.byUser.clear();
    }
    if (dailyCallQuota > 0 && this.callsToday >= dailyCallQuota) throw marketo.dailyCallQuota();
    this.callsToday++;
    this.byUser.set(userName, (this.byUser.get(userName) ?? 0) + 1);
    if (rateLimit) this.calls.push(now);
    this.inFlight++;
  }

  release(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** Calls in flight now, and calls in the rate window (undefined when the rate limit is off); for the console. */
  load(): { inFlight: number; inWindow?: number } {
    const { rateLimit } = this.settings;
    if (!rateLimit) return { inFlight: this.inFlight };
    const windowStart = this.clock.now() - rateLimit.seconds * 1000;
    return { inFlight: this.inFlight, inWindow: this.calls.filter((t) => t > windowStart).length };
  }

  /** Calls counted today (since 00:00 America/Chicago), in total and per API user. */
  usage(): { dayStart: number; total: number; users: { userId: string; count: number }[] } {
    const users = [...this.byUser].map(([userId, count]) => ({ userId, count }));
    return { dayStart: this.day, total: this.callsToday, users };
  }
}

/** Admission as the pipeline sees it: local counts, or counts shared through the store. */
export interface CallGate {
  /** Admits the call or throws the Marketo failure; returns what `release` needs. */
  admit(userName: string): Promise<string | undefined>;
  release(ticket: string | undefined): void;
  usage(): Promise<{ dayStart: number; total: number; users: { userId: string; count: number }[] }>;
  /** Calls in flight and in the rate window now (the console shows them against the limits). */
  load(): Promise<{ inFlight: number; inWindow?: number }>;
}

/**
 * One process's gate: in memory when this process is the only server of its store (SQLite), or
 * through the store's CallCounter when several processes share it (PostgreSQL).
 */
export function createCallGate(settings: LimitSettings, clock: Clock, counter?: CallCounter, onError?: (err: unknown) => void): CallGate {
  if (!counter) {
    const local = new CallLimits(settings, clock);
    return {
      admit: async (user) => {
        local.admit(user);
        return undefined;
      },
      release: () => local.release(),
      usage: async () => local.usage(),
      load: async () => local.load(),
    };
  }
  const shared: CallLimitSettings = {
    ...(settings.rateLimit ? { rate: settings.rateLimit } : {}),
    ...(settings.maxConcurrentRequests !== undefined ? { maxInFlight: settings.maxConcurrentRequests } : {}),
    dailyQuota: settings.dailyCallQuota,
  };
  return {
    async admit(user) {
      const now = clock.now();
      const r = await counter.admit({ user, now, dayStart: chicagoDayStart(now), settings: shared });
      if ('ticket' in r) return r.ticket;
      // The store names the limit; Marketo's codes are this layer's business.
      if (r.refused === 'inFlight') throw marketo.concurrencyLimited(settings.maxConcurrentRequests!);
      if (r.refused === 'rate') throw marketo.rateLimited(settings.rateLimit!.calls, settings.rateLimit!.seconds);
      throw marketo.dailyCallQuota();
    },
    release(ticket) {
      if (ticket) counter.release(ticket).catch((err) => onError?.(err));
    },
    async load() {
      const windowMs = (settings.rateLimit?.seconds ?? 0) * 1000;
      const { inFlight, inWindow } = await counter.load(clock.now() - windowMs);
      return settings.rateLimit ? { inFlight, inWindow } : { inFlight };
    },
    async usage() {
      const dayStart = chicagoDayStart(clock.now());
      const users = await counter.usage(dayStart);
      return { dayStart, total: users.reduce((n, u) => n + u.count, 0), users };
    },
  };
}
