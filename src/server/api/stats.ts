/**
 * `GET /rest/v1/stats/usage.json`: today's API calls, which tap-marketo reads every 250 calls to
 * stay under the daily quota. Counted per process, like the limits themselves.
 */
import type { FastifyInstance } from 'fastify';
import { chicagoDayStart } from '../../domain/dates.js';
import type { Clock } from '../../lib/clock.js';
import { json } from '../http/envelope.js';
import type { CallGate } from '../http/limits.js';

/** The Chicago calendar date of a Chicago day start, as Marketo prints it (YYYY-MM-DD). */
function chicagoDate(dayStart: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Chicago' }).format(new Date(dayStart + 3_600_000));
}

export function registerStats(app: FastifyInstance, limits: CallGate, clock: Clock): void {
  app.get('/rest/v1/stats/usage.json', { config: { access: 'token' } }, json(async () => {
    const u = await limits.usage();
    return { result: [{ date: chicagoDate(u.dayStart || chicagoDayStart(clock.now())), total: u.total, users: u.users }] };
  }));
}
