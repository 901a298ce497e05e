/**
 * The console's reads over the SQLite store (docs/console.md): every owner's jobs with paging and
 * filters, the queue order, and activities per day and type. Kept apart from sqlite-store.ts so
 * the export engine's file stays readable; the store delegates here.
 */
import type Database from 'better-sqlite3';
import { toJob, type Row } from '../row-mappers.js';
import type { ActivityDayCount, AllJobsQuery, JobPage, LeadDayCount, Role } from '../store.js';

/** Lists are bound as JSON arrays, so the SQL text stays one of a few shapes. */
function jobFilter(q: AllJobsQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.statuses) {
    clauses.push('status IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.statuses));
  }
  if (q.kinds) {
    clauses.push('kind IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.kinds));
  }
  if (q.owners) {
    clauses.push('owner IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(q.owners));
  }
  return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * The UTC day number of `created_at` (epoch seconds), rounded down for dates before 1970 too
 * (integer division rounds toward zero, and a lead may have been created in 1969).
 */
const UTC_DAY = 'created_at / 86400 - (CASE WHEN created_at % 86400 < 0 THEN 1 ELSE 0 END)';

export class SqliteConsoleQueries {
  constructor(private readonly db: Database.Database) {}

  listAllJobs(q: AllJobsQuery): JobPage {
    const { where, params } = jobFilter(q);
    const total = this.db.prepare(`SELECT count(*) FROM jobs${where}`).pluck().get(...params) as number;
    // Sorting the narrow (created_at, export_id) pairs first, then reading the page's whole rows,
    // is several times faster than sorting whole rows (each carries its request JSON).
    const rows = this.db.prepare(`SELECT jobs.* FROM (SELECT export_id FROM jobs${where} ORDER BY created_at DESC, export_id
      LIMIT ? OFFSET ?) AS page JOIN jobs USING (export_id) ORDER BY jobs.created_at DESC, jobs.export_id`)
      .all(...params, q.limit, q.offset) as Row[];
    return { jobs: rows.map(toJob), total };
  }

  /** The claim order of claimNextJob (SQL.oldestQueued). */
  queuedJobIds(): string[] {
    return this.db.prepare(`SELECT export_id FROM jobs WHERE status = 'Queued' ORDER BY queued_at, created_at, export_id`)
      .pluck().all() as string[];
  }

  activityCountsByDay(): ActivityDayCount[] {
    // activity_date is epoch seconds; integer division gives the UTC day (dates are after 1970).
    const rows = this.db.prepare(`SELECT activity_date / 86400 AS d, activity_type_id AS t, count(*) AS n FROM activities
      GROUP BY d, t ORDER BY d, t`).all() as { d: number; t: number; n: number }[];
    return rows.map((r) => ({ day: r.d * 86_400_000, activityTypeId: r.t, count: r.n }));
  }

  leadCountsByDay(): LeadDayCount[] {
    const rows = this.db.prepare(`SELECT ${UTC_DAY} AS d, count(*) AS n FROM leads WHERE state = 0 AND created_at IS NOT NULL
      GROUP BY d ORDER BY d`).all() as { d: number; n: number }[];
    return rows.map((r) => ({ day: r.d * 86_400_000, count: r.n }));
  }

  setUserRole(clientId: string, role: Role): boolean {
    return this.db.prepare('UPDATE users SET role = ? WHERE client_id = ?').run(role, clientId).changes > 0;
  }
}
