/**
 * The server at a glance, for the console's header and the live stream: jobs by status, the
 * processing slots, today's export quota, calls against the limits (per user too), the clock
 * and the emulator's pending faults.
 */
import { createHash } from 'node:crypto';
import { chicagoDayStart } from '../../domain/dates.js';
import { MB, quotaResetsAt, quotaSpent, quotaWindowStart } from '../../domain/quota.js';
import type { AppDeps } from '../deps.js';
import type { CallGate } from '../http/limits.js';

export interface Overview {
  now: string;
  /** The server's clock minus real time (the emulator's clock travel). */
  clockOffsetMs: number;
  jobs: Record<string, number>;
  slots: { processing: number; maxProcessing: number; queuedAndProcessing: number; maxQueued: number };
  exportQuota: { usedBytes: number; limitBytes: number; leftBytes: number | null; resetsAt: string; spent: boolean; exhaustedByEmulator: boolean };
  calls: {
    /** Where the counts live: this process's memory (SQLite) or the shared store (PostgreSQL). */
    countedIn: 'process' | 'store';
    today: number;
    dailyLimit: number;
    inFlight: number;
    maxInFlight: number | null;
    inWindow: number | null;
    rate: { calls: number; seconds: number } | null;
    perUser: { name: string; count: number }[];
    dayStartedAt: string;
  };
  users: { total: number; disabled: number; version: string };
  emulator: ReturnType<NonNullable<AppDeps['emulator']>['snapshot']> | null;
}

export async function readOverview(deps: AppDeps, limits: CallGate): Promise<Overview> {
  const { store, clock, config, emulator } = deps;
  const now = clock.now();
  const [jobs, usedBytes, usage, load, users] = await Promise.all([
    store.countJobsByStatus(), store.exportedBytesSince(quotaWindowStart(now)), limits.usage(), limits.load(), store.listUsers(),
  ]);
  const limitBytes = config.dailyQuotaMb * MB;
  const exhaustedByEmulator = emulator?.quotaExhausted(now) ?? false;
  return {
    now: new Date(now).toISOString(),
    clockOffsetMs: now - Date.now(),
    jobs,
    slots: { processing: jobs.Processing, maxProcessing: config.maxProcessing, queuedAndProcessing: jobs.Queued + jobs.Processing, maxQueued: config.maxQueued },
    exportQuota: {
      usedBytes, limitBytes, leftBytes: limitBytes === 0 ? null : Math.max(0, limitBytes - usedBytes),
      resetsAt: new Date(quotaResetsAt(now)).toISOString(), spent: exhaustedByEmulator || quotaSpent(usedBytes, config.dailyQuotaMb), exhaustedByEmulator,
    },
    calls: {
      countedIn: store.callCounter ? 'store' : 'process',
      today: usage.total, dailyLimit: config.dailyCallQuota,
      inFlight: load.inFlight, maxInFlight: config.maxConcurrentRequests ?? null,
      inWindow: load.inWindow ?? null, rate: config.rateLimit ?? null,
      // The limits count calls by user name (the token answer's scope).
      perUser: usage.users.map((u) => ({ name: u.userId, count: u.count })).sort((a, b) => b.count - a.count),
      dayStartedAt: new Date(usage.dayStart || chicagoDayStart(now)).toISOString(),
    },
    users: {
      total: users.length, disabled: users.filter((u) => u.disabled).length,
      // Changes whenever a user is added, disabled or given another role: the page reloads its list then.
      version: createHash('sha256').update(users.map((u) => `${u.clientId}:${u.role}:${u.disabled}`).join('\n')).digest('base64url').slice(0, 16),
    },
    emulator: emulator ? emulator.snapshot() : null,
  };
}
