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
 * One page: the matching rows after the token's id, ascending, at most batchSize; a token only
 * when more match after the last one shown.
 */
export function leadDatabasePage(rows: ReadRow[], q: LeadDatabaseQuery): { result: Record<string, unknown>[]; nextPageToken?: string } {
  const matches = matcher(q);
  const page: ReadRow[] = [];
  let more = false;
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    if (q.after !== undefined && row.id <= q.after) continue;
    if (!matches(row)) continue;
    if (page.length === q.batchSize) {
      more = true;
      break;
    }
    page.push(row);
  }
  const last = page[page.length - 1];
  return { result: page.map((r) => r.view), ...(more && last ? { nextPageToken: pageToken(q.scope, last.id) } : {}) };
}
