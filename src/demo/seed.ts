import { hashSecret } from '../lib/secrets.js';
import type { Store } from '../store/store.js';
import { DAY_MS } from '../domain/dates.js';
import { parseCatalog } from '../domain/assets.js';
import { DEMO_CATALOG, DEMO_CATALOG_DATE } from './catalog.js';
import { DEMO_USER, demoActivities, type DemoOptions } from './generate.js';

export const DEMO_DEFAULTS = { days: 30, activitiesPerDay: 2000, seed: 1 } as const;

/** Start of the current UTC day: the demo's default end, so a day's runs give the same data. */
export const todayUtc = (now: number): number => Math.floor(now / DAY_MS) * DAY_MS;

/** Writes the demo asset catalog and activities; returns how many activities were new. */
export async function writeDemoActivities(store: Store, options: DemoOptions, onProgress?: (written: number) => void): Promise<number> {
  await writeDemoCatalog(store);
  const counted = function* () {
    let n = 0;
    for (const a of demoActivities(options)) {
      yield a;
      if (++n % 20_000 === 0) onProgress?.(n);
    }
  };
  const { inserted } = await store.importActivities(counted());
  return inserted;
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
  if (!(await store.findUser(DEMO_USER.clientId))) {
    await store.createUser({
      clientId: DEMO_USER.clientId, name: DEMO_USER.name, role: DEMO_ROLE,
      secretHash: hashSecret(DEMO_USER.clientSecret), disabled: false, createdAt: now,
    });
  }
  return DEMO_USER;
}
