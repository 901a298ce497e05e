/**
 * Writing the demo into a store: the catalog, the base leads, and the demo days it lacks; the
 * calendar top-up that `serve --demo` runs on every start; and the demo API user.
 */
import { parseCatalog } from '../domain/assets.js';
import { DAY_MS } from '../domain/dates.js';
import { hashSecret } from '../lib/secrets.js';
import type { Store } from '../store/store.js';
import { DEMO_CATALOG, DEMO_CATALOG_DATE } from './catalog.js';
import { DEMO_GUID_BASE, GUID_STRIDE, type DemoDay } from './day.js';
import { DEMO_USER, demoDayNumbers, demoDays, type DemoOptions } from './generate.js';
import { baseLeads } from './people.js';
import { DEMO_DEFAULTS } from './defaults.js';

export { DEMO_DEFAULTS };

/** How far back a later `serve --demo` start looks for the last demo day it wrote. */
const TOP_UP_LOOKBACK_DAYS = 400;
/** Days generated and written together: bounds memory for long runs. */
const DAYS_PER_BATCH = 7;

/** Start of the current UTC day: the demo's default end, so a day's runs give the same data. */
export const todayUtc = (now: number): number => Math.floor(now / DAY_MS) * DAY_MS;

export interface DemoWritten {
  days: number;
  activities: number;
  leads: number;
  members: number;
}

/** The demo days among `days` that the store holds (any activity in the day's marketoGUID range). */
export async function writtenDemoDays(store: Store, days: readonly number[]): Promise<Set<number>> {
  const ranges = days.map((d) => ({ from: String(DEMO_GUID_BASE + d * GUID_STRIDE + 1), to: String(DEMO_GUID_BASE + (d + 1) * GUID_STRIDE - 1) }));
  const counts = await store.countActivitiesByGuid(ranges);
  return new Set(days.filter((_, i) => counts[i]! > 0));
}

/**
 * Writes the demo catalog, the base leads and every day of `o` the store lacks; a day already
 * there is left as it is (whatever seed wrote it), so a day never mixes two runs. Per batch of
 * days, leads and members go in before the activities that mark the day as written.
 */
export async function writeDemo(store: Store, o: DemoOptions, onProgress?: (activities: number) => void): Promise<DemoWritten> {
  await writeDemoCatalog(store);
  await store.importLeads(baseLeads());
  const wanted = demoDayNumbers(o);
  const have = await writtenDemoDays(store, wanted);
  const missing = wanted.filter((d) => !have.has(d));
  const out: DemoWritten = { days: missing.length, activities: 0, leads: 0, members: 0 };
  for (let i = 0; i < missing.length; i += DAYS_PER_BATCH) {
    const batch: DemoDay[] = [...demoDays(o, missing.slice(i, i + DAYS_PER_BATCH))];
    out.leads += (await store.importLeads(batch.flatMap((d) => d.leads))).inserted;
    out.members += (await store.importProgramMembers(batch.flatMap((d) => d.members))).inserted;
    out.activities += (await store.importActivities(batch.flatMap((d) => d.activities))).inserted;
    onProgress?.(out.activities);
  }
  return out;
}

/**
 * `serve --demo`: a store without activities gets the default 30 days ending today; a demo store
 * gets the days after its last demo day, up to yesterday, so the demo follows the calendar; a
 * store of other data is left alone (the catalog is refreshed either way).
 */
export async function ensureDemoData(store: Store, now: number, say: (line: string) => void = () => undefined): Promise<DemoWritten | undefined> {
  const endMs = todayUtc(now);
  if ((await store.countActivities()) === 0) {
    say(`Generating demo data (${DEMO_DEFAULTS.days} days, about ${DEMO_DEFAULTS.activitiesPerDay} activities a day)...`);
    return writeDemo(store, { ...DEMO_DEFAULTS, endMs });
  }
  const recent = demoDayNumbers({ days: TOP_UP_LOOKBACK_DAYS, endMs });
  const have = await writtenDemoDays(store, recent);
  const last = Math.max(...have);
  if (have.size === 0 || last >= recent.at(-1)!) {
    await writeDemoCatalog(store);
    return undefined;
  }
  const days = recent.at(-1)! - last;
  say(`Adding ${days} demo day${days === 1 ? '' : 's'} up to today...`);
  return writeDemo(store, { ...DEMO_DEFAULTS, days, endMs });
}

/** The demo asset catalog (idempotent: assets are replaced by kind and id). */
export async function writeDemoCatalog(store: Store): Promise<void> {
  const catalog = parseCatalog(DEMO_CATALOG, DEMO_CATALOG_DATE);
  if ('error' in catalog) throw new Error(`demo catalog: ${catalog.error}`);
  await store.putAssets(catalog.assets);
}

/**
 * What the demo user may do: everything tap-marketo and Airbyte read (activities, leads, lists,
 * campaigns, programs), plus posting custom activities.
 */
export const DEMO_ROLE = 'read-write-activity,read-only-assets,read-only-lead,read-only-campaigns';

/** The demo API user, created once with fixed, documented credentials (demo use only). */
export async function ensureDemoUser(store: Store, now: number): Promise<typeof DEMO_USER> {
  const existing = await store.findUser(DEMO_USER.clientId);
  if (!existing) {
    await store.createUser({
      clientId: DEMO_USER.clientId, name: DEMO_USER.name, role: DEMO_ROLE,
      secretHash: hashSecret(DEMO_USER.clientSecret), disabled: false, createdAt: now,
    });
  } else if (!grantsAll(existing.role, DEMO_ROLE)) {
    // A store made by an earlier version: its demo user gains what the demo's flows need now
    // (campaigns for tap-marketo and Airbyte), keeping whatever else it was given.
    const kept = existing.role.split(',').map((p) => p.trim()).filter((p) => p !== '' && p !== 'none');
    await store.setUserRole(DEMO_USER.clientId, [...new Set([...kept, ...DEMO_ROLE.split(',')])].join(','));
  }
  return DEMO_USER;
}

function grantsAll(role: string, needed: string): boolean {
  const have = new Set(role.split(',').map((p) => p.trim()));
  return needed.split(',').every((p) => have.has(p));
}
