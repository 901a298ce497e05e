/**
 * The call limits (rate, in flight, daily) counted in PostgreSQL, so they hold
 * across every api process. Admission is serialised under an advisory lock: the counts and the
 * insert are one step.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CallCounter, CallLimit, CallLimitSettings } from '../store.js';

const CALL_LOCK = 7_311_003;
/**
 * A process that dies with calls in flight must not hold the 615 limit: each process refreshes its
 * own calls every `heartbeatMs`, so a call whose `since` is older than `staleMs` belongs to
 * a dead process (a download may last longer; its process keeps refreshing it).
 */
export const IN_FLIGHT_TIMING = { heartbeatMs: 5_000, staleMs: 30_000 };

export class PostgresCallCounter implements CallCounter {
  private admitted = 0;
  /** This process's calls in flight, refreshed by the heartbeat. */
  private readonly open = new Set<string>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly tx: <T>(fn: (c: pg.PoolClient) => Promise<T>) => Promise<T>,
    private readonly q: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>,
    private readonly timing = IN_FLIGHT_TIMING,
  ) {}

  async admit(call: { user: string; now: number; dayStart: number; settings: CallLimitSettings }): Promise<{ ticket: string } | { refused: CallLimit }> {
    const { now, dayStart, settings } = call;
    const ticket = randomUUID();
    const out = await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [CALL_LOCK]);
      if (settings.maxInFlight !== undefined) {
        const n = (await c.query('SELECT count(*)::int AS n FROM calls_in_flight WHERE since > $1', [Date.now() - this.timing.staleMs])).rows[0].n as number;
        if (n >= settings.maxInFlight) return { refused: 'inFlight' as const };
      }
      if (settings.rate) {
        const n = (await c.query('SELECT count(*)::int AS n FROM api_calls WHERE at > $1', [now - settings.rate.seconds * 1000])).rows[0].n as number;
        if (n >= settings.rate.calls) return { refused: 'rate' as const };
      }
      if (settings.dailyQuota > 0) {
        const n = (await c.query('SELECT count(*)::int AS n FROM api_calls WHERE at >= $1', [dayStart])).rows[0].n as number;
        if (n >= settings.dailyQuota) return { refused: 'daily' as const };
      }
      await c.query('INSERT INTO api_calls (at, user_name) VALUES ($1, $2)', [now, call.user]);
      await c.query('INSERT INTO calls_in_flight (ticket, since) VALUES ($1, $2)', [ticket, Date.now()]);
      return { ticket };
    });
    if ('ticket' in out && out.ticket) this.track(out.ticket);
    // Now and then, forget calls older than any window that counts them.
    if ('ticket' in out && ++this.admitted % 1000 === 0) {
      await this.q('DELETE FROM api_calls WHERE at < $1', [Math.min(dayStart, now - 86_400_000)]);
      await this.q('DELETE FROM calls_in_flight WHERE since < $1', [Date.now() - this.timing.staleMs]);
    }
    return out;
  }

  async release(ticket: string): Promise<void> {
    this.open.delete(ticket);
    if (this.open.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
    await this.q('DELETE FROM calls_in_flight WHERE ticket = $1', [ticket]);
  }

  async load(windowStart: number): Promise<{ inFlight: number; inWindow: number }> {
    const [r] = await this.q(`SELECT (SELECT count(*)::int FROM calls_in_flight WHERE since > $1) AS in_flight,
      (SELECT count(*)::int FROM api_calls WHERE at > $2) AS in_window`, [Date.now() - this.timing.staleMs, windowStart]);
    return { inFlight: r!.in_flight as number, inWindow: r!.in_window as number };
  }

  private track(ticket: string): void {
    this.open.add(ticket);
    this.heartbeat ??= setInterval(() => {
      this.q('UPDATE calls_in_flight SET since = $1 WHERE ticket = ANY($2::text[])', [Date.now(), [...this.open]]).catch(() => undefined);
    }, this.timing.heartbeatMs).unref();
  }

  async usage(dayStart: number): Promise<{ userId: string; count: number }[]> {
    return (await this.q('SELECT user_name, count(*)::int AS n FROM api_calls WHERE at >= $1 GROUP BY user_name ORDER BY user_name', [dayStart]))
      .map((r) => ({ userId: r.user_name as string, count: r.n as number }));
  }
}
