/**
 * The Lead Database reads of the catalog, `GET /rest/v1/lists.json` and `GET /rest/v1/campaigns.json`:
 * their filters, and pages of at most `batchSize` records in ascending id with a stateless
 * `nextPageToken` while more remain (notes §6, §7, Q13, Q14). Pure.
 */
import { isTriggerable } from './catalog-views.js';
import { batchSizeParam, booleanParam, intListParam, listParam, pageToken, readPageToken, type QueryValue } from './paging.js';

export type LeadDatabaseEndpoint = 'lists' | 'campaigns';

export interface LeadDatabaseQuery {
  ids?: number[];
  names?: string[];
  programNames?: string[];
  workspaceNames?: string[];
  /** campaigns.json only: true keeps active campaigns that Web Service API may request. */
  triggerable?: boolean;
  batchSize: number;
  /** From `nextPageToken`: the page starts after this id. */
  after?: number;
  /** What a page token is bound to: the endpoint and its filters (not the page size). */
  scope: string;
}

/** A catalog record and how the endpoint shows it (filters apply to the shown names). */
export interface ReadRow {
  id: number;
  data: Record<string, unknown>;
  view: Record<string, unknown>;
}

/** Reads and checks the query: 1001 for a bad id, batchSize or isTriggerable; 1003 for a bad token. */
export function readLeadDatabaseQuery(endpoint: LeadDatabaseEndpoint, q: Record<string, QueryValue>): LeadDatabaseQuery {
  const ids = intListParam('id', q.id);
  const names = listParam(q.name);
  const programNames = listParam(q.programName);
  const workspaceNames = listParam(q.workspaceName);
  const triggerable = endpoint === 'campaigns' ? booleanParam('isTriggerable', q.isTriggerable) : undefined;
  const batchSize = batchSizeParam(q.batchSize);
  // `id=1,2` and `id=2&id=1` ask the same thing, so they share tokens.
  const sorted = <T>(xs: T[] | undefined) => (xs ? [...new Set(xs)].sort() : null);
  const scope = JSON.stringify([endpoint, sorted(ids), sorted(names), sorted(programNames), sorted(workspaceNames), triggerable === true]);
  const after = readPageToken(scope, q.nextPageToken);
  return { ids, names, programNames, workspaceNames, triggerable, batchSize, after, scope };
}

/** The query's filters as one predicate (sets, since a POST may carry thousands of ids). */
function matcher(q: LeadDatabaseQuery): (row: ReadRow) => boolean {
  const set = <T>(xs: T[] | undefined) => (xs ? new Set<unknown>(xs) : undefined);
  const [ids, names, programNames, workspaceNames] = [set(q.ids), set(q.names), set(q.programNames), set(q.workspaceNames)];
  const among = (s: Set<unknown> | undefined, v: unknown) => !s || s.has(v);
  return (row) => among(ids, row.id) && among(names, row.view.name) && among(programNames, row.view.programName) &&
    among(workspaceNames, row.view.workspaceName) && (q.triggerable !== true || isTriggerable(row.data));
}

/**
 * Builds one page from rows offered in ascending id (a chunk at a time, as the store reads them):
 * the matching rows after the token's id, at most batchSize, and a token only when one more
 * match exists after the last one shown.
 * @example const pager = new LeadDatabasePager(query); for (const row of rows) if (pager.offer(row)) break; return pager.page();
 */
export class LeadDatabasePager {
  private readonly matches: (row: ReadRow) => boolean;
  private readonly rows: ReadRow[] = [];
  private more = false;

  constructor(private readonly q: LeadDatabaseQuery) {
    this.matches = matcher(q);
  }

  /** Takes a row; true once the page is full and one more match was seen (stop reading). */
  offer(row: ReadRow): boolean {
    if (this.more || (this.q.after !== undefined && row.id <= this.q.after) || !this.matches(row)) return this.more;
    if (this.rows.length === this.q.batchSize) this.more = true;
    else this.rows.push(row);
    return this.more;
  }

  page(): { result: Record<string, unknown>[]; nextPageToken?: string } {
    const last = this.rows.at(-1);
    return { result: this.rows.map((r) => r.view), ...(this.more && last ? { nextPageToken: pageToken(this.q.scope, last.id) } : {}) };
  }
}

/** One page from all the rows at once (any order). */
export function leadDatabasePage(rows: ReadRow[], q: LeadDatabaseQuery): { result: Record<string, unknown>[]; nextPageToken?: string } {
  const pager = new LeadDatabasePager(q);
  for (const row of [...rows].sort((a, b) => a.id - b.id)) if (pager.offer(row)) break;
  return pager.page();
}
