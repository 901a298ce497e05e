/**
 * The console's view of the data: records per day and per type over the stored range (one series
 * per kind of record: activities by activityDate and type; leads by the day they were created,
 * when there are any), and the catalog that look-ups use (programs, static lists, forms, lead
 * fields, custom activity types).
 */
import type { FastifyInstance } from 'fastify';
import { STANDARD_ACTIVITY_TYPES } from '../../domain/activity-types.js';
import { formatMarketoDate } from '../../domain/dates.js';
import type { ActivityDayCount, LeadDayCount } from '../../store/store.js';
import type { AppDeps } from '../deps.js';
import { json } from '../http/envelope.js';
import { CONSOLE_BASE, consoleRoute } from './routes.js';

/**
 * Counting every stored record scans the table (about 60 ms for the demo's 57,000 activities on
 * SQLite, seconds for millions); the chart does not need to be fresher than this.
 */
const DATA_TTL_MS = 30_000;

/** One kind of record over time: per day the count of each type, and the types' totals. */
export interface DataSeries {
  kind: string;
  label: string;
  /** What is counted, in a few words, where the label alone does not say it. */
  note?: string;
  days: { day: string; total: number; byType: Record<string, number> }[];
  types: { id: number; name: string; total: number }[];
  total: number;
}

/** Pure: the store's (day, type, count) rows as a series. */
export function toSeries(kind: string, label: string, rows: ActivityDayCount[], typeName: (id: number) => string, note?: string): DataSeries {
  const days = new Map<number, { day: string; total: number; byType: Record<string, number> }>();
  const totals = new Map<number, number>();
  for (const r of rows) {
    let d = days.get(r.day);
    if (!d) days.set(r.day, (d = { day: formatMarketoDate(r.day).slice(0, 10), total: 0, byType: {} }));
    d.total += r.count;
    d.byType[r.activityTypeId] = (d.byType[r.activityTypeId] ?? 0) + r.count;
    totals.set(r.activityTypeId, (totals.get(r.activityTypeId) ?? 0) + r.count);
  }
  const types = [...totals].map(([id, total]) => ({ id, name: typeName(id), total })).sort((a, b) => b.total - a.total || a.id - b.id);
  return { kind, label, ...(note ? { note } : {}), days: [...days.values()], types, total: types.reduce((n, t) => n + t.total, 0) };
}

/** The lead type id of the leads series: leads have no types, so one, "Created". */
export const LEADS_CREATED_TYPE = 0;

/** Pure: leads created per day as a series of one type, or none when no lead is stored. */
export function leadSeries(rows: LeadDayCount[]): DataSeries[] {
  if (rows.length === 0) return [];
  const asTyped = rows.map((r) => ({ day: r.day, activityTypeId: LEADS_CREATED_TYPE, count: r.count }));
  return [toSeries('leads', 'Leads', asTyped, () => 'Created', 'by the day of their createdAt; active leads only, as a lead export finds them')];
}

export function registerConsoleData(app: FastifyInstance, deps: AppDeps): void {
  const { store } = deps;
  let cached: { at: number; series: DataSeries[] } | undefined;

  async function typeNames(): Promise<Map<number, string>> {
    const custom = await store.listCustomTypes();
    return new Map([...STANDARD_ACTIVITY_TYPES.map((t) => [t.id, t.name] as const), ...custom.map((t) => [t.id, t.name] as const)]);
  }

  app.get(`${CONSOLE_BASE}/data/series`, consoleRoute('Console: records per day and type over the stored range (fresh=1 skips the 30 s cache)'), json(async (req) => {
    const fresh = (req.query as Record<string, unknown> | undefined)?.fresh === '1';
    if (!cached || fresh || Date.now() - cached.at > DATA_TTL_MS) {
      const [rows, leadRows, names] = await Promise.all([store.activityCountsByDay(), store.leadCountsByDay(), typeNames()]);
      cached = {
        at: Date.now(),
        series: [toSeries('activities', 'Activities', rows, (id) => names.get(id) ?? `type ${id}`), ...leadSeries(leadRows)],
      };
    }
    return { result: [{ series: cached.series, countedAt: new Date(cached.at).toISOString() }] };
  }));

  app.get(`${CONSOLE_BASE}/data/catalog`, consoleRoute('Console: the asset catalog and the custom activity types'), json(async () => {
    const [programs, staticLists, forms, leadFields, custom] = await Promise.all([
      store.listAssets('program'), store.listAssets('staticList'), store.listAssets('form'), store.listAssets('leadField'), store.listCustomTypes(),
    ]);
    const named = (assets: typeof programs) => assets.map((a) => ({ id: a.id, name: a.name, qualifiedName: a.qualifiedName }));
    return {
      result: [{
        programs: named(programs), staticLists: named(staticLists), forms: named(forms), leadFields: named(leadFields),
        customActivityTypes: custom.map((t) => ({ id: t.id, name: t.name, apiName: t.apiName, attributes: t.attributes.length })),
        standardActivityTypes: STANDARD_ACTIVITY_TYPES.length,
      }],
    };
  }));
}
