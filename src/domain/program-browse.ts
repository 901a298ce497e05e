/**
 * `GET /rest/asset/v1/programs.json` (Asset API "Get Programs"): its query, and which programs a
 * page holds. Offset paging, programs by name (case-insensitive) then id (notes §8, Q14-Q16). Pure.
 */
import { parseMarketoDate } from './dates.js';
import { AssetQueryRefused, InvalidRequest } from './errors.js';
import { intParam, listParam, maxReturnParam, offsetParam, type QueryValue } from './paging.js';

export const PROGRAM_FILTER_TYPES = ['id', 'programId', 'folderId', 'workspace'] as const;
type FilterType = (typeof PROGRAM_FILTER_TYPES)[number];

export interface ProgramQuery {
  maxReturn: number;
  offset: number;
  filter?: { type: 'ids'; ids: number[] } | { type: 'folderIds'; ids: number[] } | { type: 'workspaces'; names: string[] };
  status?: string;
  /** Epoch ms bounds on `updatedAt`, both inclusive; either may be absent. */
  earliest?: number;
  latest?: number;
}

const first = (v: QueryValue): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * A datetime query value. Offsets, `Z` and fractions of a second are accepted (tap-marketo sends
 * microseconds and `+00:00`); a `+` sent unencoded arrives as a space, and is read back as `+`.
 */
function dateParam(name: string, raw: QueryValue): number | undefined {
  const v = first(raw);
  if (v === undefined || v.trim() === '') return undefined;
  const t = v.trim().replace(/(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?) (\d{2}:?\d{2})$/, '$1+$2');
  const parsed = parseMarketoDate(t);
  if (!parsed) throw InvalidRequest.type(name, v, 'datetime');
  return parsed.ms;
}

function readFilter(q: Record<string, QueryValue>): ProgramQuery['filter'] {
  const type = first(q.filterType)?.trim();
  const values = listParam(q.filterValues);
  if (!type) {
    if (values) throw new AssetQueryRefused('filterType cannot be blank');
    return undefined;
  }
  if (!(PROGRAM_FILTER_TYPES as readonly string[]).includes(type)) {
    throw InvalidRequest.rule('filterType', `unknown filter type '${type}'; use ${PROGRAM_FILTER_TYPES.join(', ')}`);
  }
  if (!values) throw new AssetQueryRefused('filterValues cannot be blank');
  switch (type as FilterType) {
    case 'workspace':
      return { type: 'workspaces', names: values };
    case 'folderId':
      return { type: 'folderIds', ids: values.map((v) => intParam('filterValues', v)) };
    default:
      return { type: 'ids', ids: values.map((v) => intParam('filterValues', v)) };
  }
}

/** Reads and checks the query: 1001 for a bad number or date, 1003 for an unknown filterType, 701 as Marketo. */
export function readProgramQuery(q: Record<string, QueryValue>): ProgramQuery {
  const maxReturn = maxReturnParam(q.maxReturn);
  const offset = offsetParam(q.offset);
  const filter = readFilter(q);
  const status = first(q.status)?.trim() || undefined;
  const earliest = dateParam('earliestUpdatedAt', q.earliestUpdatedAt);
  const latest = dateParam('latestUpdatedAt', q.latestUpdatedAt);
  if (earliest !== undefined && latest !== undefined && earliest > latest) {
    throw new AssetQueryRefused('End date should always be after start date');
  }
  return { maxReturn, offset, filter, status, earliest, latest };
}

function matches(p: Record<string, unknown>, q: ProgramQuery): boolean {
  const f = q.filter;
  if (f?.type === 'ids' && !f.ids.includes(p.id as number)) return false;
  if (f?.type === 'folderIds' && !f.ids.includes((p.folder as { id?: number } | undefined)?.id ?? 1)) return false;
  if (f?.type === 'workspaces' && !f.names.includes(typeof p.workspace === 'string' ? p.workspace : 'Default')) return false;
  if (q.status !== undefined && String(p.status ?? '').toLowerCase() !== q.status.toLowerCase()) return false;
  if (q.earliest !== undefined || q.latest !== undefined) {
    // A program is "created or updated in the window" when its last update is: updatedAt >= createdAt.
    const updated = typeof p.updatedAt === 'string' ? parseMarketoDate(p.updatedAt)?.ms : undefined;
    if (updated === undefined) return false;
    if (q.earliest !== undefined && updated < q.earliest) return false;
    if (q.latest !== undefined && updated > q.latest) return false;
  }
  return true;
}

const byName = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
  const x = String(a.name).toLowerCase();
  const y = String(b.name).toLowerCase();
  return x < y ? -1 : x > y ? 1 : (a.id as number) - (b.id as number);
};

/** The stored programs of one page, in order; empty past the end (the API then warns "No assets found"). */
export function browsePrograms(programs: Record<string, unknown>[], q: ProgramQuery): Record<string, unknown>[] {
  return programs.filter((p) => matches(p, q)).sort(byName).slice(q.offset, q.offset + q.maxReturn);
}
