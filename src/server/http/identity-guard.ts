/**
 * What keeps the identity endpoint from being a way to stall the server: each call hashes a
 * secret (scrypt, ~50-100 ms of CPU), so hashing runs off the event loop with bounded concurrency,
 * and failed calls are limited per client id and per address. A refused call costs no hashing.
 */
import { availableParallelism } from 'node:os';
import type { RateLimit } from '../../config/config.js';
import { BoundedPool } from '../../lib/bounded-pool.js';

/** Keys one FailureWindows holds at most; a flood of new keys evicts the oldest half. */
const MAX_KEYS = 10_000;
/** A client id longer than this is nobody's: it is counted under its first characters. */
const MAX_KEY_LENGTH = 200;

/** Failures per key in a fixed window that opens at the key's first failure. */
export class FailureWindows {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: RateLimit) {}

  /** Milliseconds until `key` may call again (0: it may now). */
  waitMs(key: string, now: number): number {
    const w = this.live(key, now);
    return w && w.count >= this.limit.calls ? w.start + this.limit.seconds * 1000 - now : 0;
  }

  record(key: string, now: number): void {
    const w = this.live(key, now);
    if (w) {
      w.count++;
      return;
    }
    if (this.windows.size >= MAX_KEYS) this.evict(now);
    this.windows.set(key, { start: now, count: 1 });
  }

  private live(key: string, now: number) {
    const w = this.windows.get(key);
    if (w && now - w.start >= this.limit.seconds * 1000) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private evict(now: number): void {
    for (const key of [...this.windows.keys()]) this.live(key, now);
    if (this.windows.size < MAX_KEYS) return;
    let drop = this.windows.size / 2;
    for (const key of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(key);
    }
  }
}

/**
 * The address a failure counts against: IPv4 as is (also when mapped into IPv6), IPv6 by its /64,
 * the block one host usually holds, so rotating through its addresses gains nothing.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export interface IdentityGuardOptions {
  /** Failed calls allowed per client id and per address in a window; undefined = no limit. */
  failureLimit?: RateLimit;
  /** Secrets hashed at once (default: half the cores, at least one). */
  concurrency?: number;
  /** Calls that may wait for a hashing slot before more are refused (default 32). */
  maxWaiting?: number;
}

export class IdentityGuard {
  /** Where identity calls hash secrets: a bounded number at once, a bounded queue. */
  readonly hashing: BoundedPool;
  private readonly byClient?: FailureWindows;
  private readonly byAddress?: FailureWindows;

  constructor(o: IdentityGuardOptions = {}) {
    this.hashing = new BoundedPool(o.concurrency ?? Math.max(1, Math.floor(availableParallelism() / 2)), o.maxWaiting ?? 32);
    if (o.failureLimit) {
      this.byClient = new FailureWindows(o.failureLimit);
      this.byAddress = new FailureWindows(o.failureLimit);
    }
  }

  /**
   * Seconds until a call for this client id from this address may try again, or 0. Unknown and
   * known client ids are counted alike, so the answer says nothing about which ids exist.
   */
  retryAfterSeconds(clientId: string, ip: string, now: number): number {
    const ms = Math.max(this.byClient?.waitMs(clientKey(clientId), now) ?? 0, this.byAddress?.waitMs(addressKey(ip), now) ?? 0);
    return Math.ceil(ms / 1000);
  }

  recordFailure(clientId: string, ip: string, now: number): void {
    this.byClient?.record(clientKey(clientId), now);
    this.byAddress?.record(addressKey(ip), now);
  }
}

const clientKey = (clientId: string): string => clientId.slice(0, MAX_KEY_LENGTH);
