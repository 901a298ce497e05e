/**
 * The console's reads over the PostgreSQL store (docs/console.md): every owner's jobs with paging
 * and filters, the queue order, and activities per day and type. Kept apart from
 * postgres-store.ts; the store delegates here with its query function.
 */
import { toJob, type Row } from '../row-mappers.js';
import type { ActivityDayCount, AllJobsQuery, JobPage, LeadDayCount, Role } from '../store.js';

type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

function jobFilter(q: AllJobsQuery): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (q.statuses) {
    params.push(q.statuses);
    clauses.push(`status = ANY($${params.length}::text[])`);
  }
  if (q.kinds) {
    params.push(q.kinds);
    clauses.push(`kind = ANY($${params.length}::text[])`);
  }
  if (q.owners) {
    params.push(q.owners.filter((o) => !o.includes('\0'))); // text cannot hold NUL; such an owner matches nothing
    clauses.push(`owner = ANY($${params.length}::text[])`);
  }
  return { where: clauses.length ? ` WHERE ${clauses.join(' AND ')}` : '', params };
}

export class PostgresConsoleQueries {
  constructor(private readonly q: Query) {}

  async listAllJobs(query: AllJobsQuery): Promise<JobPage> {
    const { where, params } = jobFilter(query);
    const total = (await this.q(`SELECT count(*)::int AS n FROM jobs${where}`, params))[0]!.n as number;
    const n = params.length;
    const rows = await this.q(`SELECT * FROM jobs${where} ORDER BY created_at DESC, export_id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...params, query.limit, query.offset]);
    return { jobs: rows.map(toJob), total };
  }

  /** The claim order of claimNextJob (SQL.oldestQueued). */
  async queuedJobIds(): Promise<string[]> {
    return (await this.q(`SELECT export_id FROM jobs WHERE status = 'Queued' ORDER BY queued_at, created_at, export_id`))
      .map((r) => r.export_id as string);
  }

  async activityCountsByDay(): Promise<ActivityDayCount[]> {
    // Integer division, as on SQLite: the UTC day of an epoch-seconds date after 1970.
    const rows = await this.q(`SELECT activity_date / 86400 AS d, activity_type_id AS t, count(*)::int AS n FROM activities
      GROUP BY d, t ORDER BY d, t`);
    return rows.map((r) => ({ day: (r.d as number) * 86_400_000, activityTypeId: r.t as number, count: r.n as number }));
  }

  async leadCountsByDay(): Promise<LeadDayCount[]> {
    // Rounded down for dates before 1970 too, as on SQLite (integer division rounds toward zero).
    const rows = await this.q(`SELECT created_at / 86400 - (CASE WHEN created_at % 86400 < 0 THEN 1 ELSE 0 END) AS d, count(*)::int AS n
      FROM leads WHERE state = 0 AND created_at IS NOT NULL GROUP BY d ORDER BY d`);
    return rows.map((r) => ({ day: (r.d as number) * 86_400_000, count: r.n as number }));
  }

  async setUserRole(clientId: string, role: Role): Promise<boolean> {
    if (clientId.includes('\0')) return false;
    return (await this.q('UPDATE users SET role = $1 WHERE client_id = $2 RETURNING client_id', [role, clientId])).length > 0;
  }
}
