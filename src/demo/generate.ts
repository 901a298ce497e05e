/**
 * A first demo data set: reproducible from a seed, standard activity types with plausible primary
 * attributes and attributes, a weekday/business-hours rhythm. (The full realistic generator with an
 * asset catalog is its own issue.)
 */
import type { Activity } from '../domain/activity.js';
import { parseCatalog } from '../domain/assets.js';
import { DAY_MS } from '../domain/dates.js';
import { STANDARD_LEAD_FIELDS } from '../domain/lead-schema.js';
import { DEMO_CATALOG, DEMO_CATALOG_DATE } from './catalog.js';

export interface DemoOptions {
  days: number;
  activitiesPerDay: number;
  seed: number;
  /** Activities fall in [end - days, end). */
  endMs: number;
}

/** mulberry32: small, fast, and the same sequence on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Activities name their primary attribute as the catalog does (`<program>.<asset>`), so filtering
// by name and by the id a look-up returns select the same rows.
const CATALOG = parseCatalog(DEMO_CATALOG, DEMO_CATALOG_DATE);
if ('error' in CATALOG) throw new Error(`demo catalog: ${CATALOG.error}`);
const ofKind = (kind: string) => CATALOG.assets.filter((a) => a.kind === kind).map((a) => ({ id: a.id, name: a.qualifiedName }));
const PROGRAMS = ofKind('program');
const FORMS = ofKind('form');
const LISTS = ofKind('staticList');
// Change Data Value (13) names standard lead fields; Change Score (22) the Lead Score field.
const standardField = (name: string) => {
  const f = STANDARD_LEAD_FIELDS.find((x) => x.name === name)!;
  return { id: f.id, name: f.displayName };
};
const FIELDS = ['leadStatus', 'title', 'email'].map(standardField);
const SCORE = standardField('leadScore');
const PAGES = ['/pricing', '/docs/bulk-extract', '/blog/etl-tips', '/', '/contact', '/webinars/data-pipelines'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];
const STATUSES = ['Not in Program', 'Registered', 'Attended', 'No Show', 'Member'];

/** Activity type mix, as weights. */
const MIX: [number, number][] = [
  [1, 30], [6, 14], [7, 14], [10, 12], [11, 5], [2, 4], [13, 4], [22, 5], [24, 3], [25, 1], [104, 3], [12, 2], [46, 3],
];
const TOTAL_WEIGHT = MIX.reduce((s, [, w]) => s + w, 0);

type Pick = <T>(xs: readonly T[]) => T;

function attributesFor(type: number, rnd: () => number, pick: Pick, leadId: number): Pick2 {
  const ip = `203.0.113.${1 + Math.floor(rnd() * 250)}`;
  switch (type) {
    case 1: {
      const page = pick(PAGES);
      return [1000 + PAGES.indexOf(page), `www.example.com${page}`, { 'Webpage URL': page, 'Query Parameters': rnd() < 0.3 ? 'utm_source=newsletter&utm_medium=email' : null, 'Client IP Address': ip, 'Referrer URL': rnd() < 0.5 ? 'https://www.google.com/' : null, 'User Agent': pick(AGENTS) }, null];
    }
    case 2: {
      const form = pick(FORMS);
      return [form.id, form.name, { 'Form Fields': JSON.stringify({ Email: `lead${leadId}@example.com`, Company: 'Example, Inc.' }), 'Client IP Address': ip, 'Webpage ID': 1001, 'User Agent': pick(AGENTS) }, null];
    }
    case 6: case 7: case 10: case 11: {
      const mailing = 5000 + Math.floor(rnd() * 8);
      const attrs: Record<string, unknown> = { 'Campaign Run ID': 700 + (mailing % 5), 'Step ID': 1, 'Choice Number': 0 };
      if (type === 10 || type === 11) Object.assign(attrs, { Device: rnd() < 0.4 ? 'iPhone' : 'Desktop', 'Is Mobile Device': rnd() < 0.4, 'User Agent': pick(AGENTS) });
      if (type === 11) attrs.Link = `https://www.example.com${pick(PAGES)}?utm_source=email`;
      return [mailing, `Newsletter ${mailing - 4999}.Email`, attrs, null];
    }
    case 13: {
      const f = pick(FIELDS);
      return [f.id, f.name, { 'New Value': pick(STATUSES), 'Old Value': pick(STATUSES), Reason: 'Form fill', Source: 'Web form fillout' }, null];
    }
    case 22: {
      const old = Math.floor(rnd() * 80);
      const change = 5 + Math.floor(rnd() * 20);
      return [SCORE.id, SCORE.name, { 'Change Value': `+${change}`, 'Old Value': old, 'New Value': old + change, Reason: 'Visited pricing page' }, null];
    }
    case 24: case 25: {
      const l = pick(LISTS);
      return [l.id, l.name, { Source: 'Smart Campaign' }, null];
    }
    case 104: {
      const p = pick(PROGRAMS);
      const success = rnd() < 0.3;
      return [p.id, p.name, { Reason: 'Changed by Smart Campaign, action Change Program Status', 'Program Member ID': 3_240_000 + leadId, 'Acquired By': rnd() < 0.2, 'Old Status': 'Not in Program', 'New Status ID': 21, Success: success, 'New Status': pick(STATUSES), 'Old Status ID': 20 }, rnd() < 0.05 ? 'skipped' : 'succeeded'];
    }
    case 12:
      return [leadId, `Lead ${leadId}`, { 'Source Type': 'Web form fillout', 'Form Name': pick(FORMS).name }, null];
    default:
      return [null, 'Visited pricing twice in a day', { Description: 'Web: Visited pricing page', Source: 'Web' }, null];
  }
}
type Pick2 = [number | null, string | null, Record<string, unknown>, Activity['actionResult']];

/** Generates the data set in file order (activityDate, then marketoGUID). */
export function* demoActivities(o: DemoOptions): Generator<Activity> {
  const rnd = prng(o.seed);
  const pick: Pick = (xs) => xs[Math.floor(rnd() * xs.length)]!;
  let guid = 100_000_000;
  const start = Math.floor((o.endMs - o.days * DAY_MS) / 1000) * 1000;
  for (let day = 0; day < o.days; day++) {
    const dayStart = start + day * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const volume = Math.round(o.activitiesPerDay * (weekday === 0 || weekday === 6 ? 0.4 : 1.15));
    const seconds: number[] = [];
    for (let n = 0; n < volume; n++) {
      // Business hours (13:00-22:00 UTC) get most of the traffic.
      const busy = rnd() < 0.7;
      seconds.push(busy ? 13 * 3600 + Math.floor(rnd() * 9 * 3600) : Math.floor(rnd() * 86_400));
    }
    seconds.sort((a, b) => a - b);
    for (const sec of seconds) {
      let w = rnd() * TOTAL_WEIGHT;
      let type = MIX[0]![0];
      for (const [t, weight] of MIX) {
        if ((w -= weight) < 0) {
          type = t;
          break;
        }
      }
      const leadId = 1000 + Math.floor(rnd() * 5000);
      const [pavId, pav, attrs, actionResult] = attributesFor(type, rnd, pick, leadId);
      const clean: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) clean[k] = v;
      yield {
        marketoGUID: String(++guid),
        leadId,
        activityDate: dayStart + sec * 1000,
        activityTypeId: type,
        campaignId: rnd() < 0.8 ? 8000 + Math.floor(rnd() * 40) : null,
        primaryAttributeValueId: pavId,
        primaryAttributeValue: pav,
        attributes: JSON.stringify(clean),
        actionResult,
      };
    }
  }
}

/** Demo API user credentials: fixed, so the README's walk-through can be pasted as is. Demo only. */
export const DEMO_USER = { name: 'demo@tidemark.local', clientId: 'tidemark-demo', clientSecret: 'tidemark-demo-secret' } as const;
