/**
 * The demo activities' primary attributes and attributes, type by type. Names match the demo
 * catalog (`<program>.<asset>` qualified names, lead field display names), so filtering by a name
 * and by the id a look-up returns select the same rows.
 */
import { parseCatalog } from '../domain/assets.js';
import { STANDARD_LEAD_FIELDS } from '../domain/lead-schema.js';
import { DEMO_CATALOG, DEMO_CATALOG_DATE } from './catalog.js';
import type { Random } from './people.js';

const CATALOG = parseCatalog(DEMO_CATALOG, DEMO_CATALOG_DATE);
if ('error' in CATALOG) throw new Error(`demo catalog: ${CATALOG.error}`);
const ofKind = (kind: string) => CATALOG.assets.filter((a) => a.kind === kind).map((a) => ({ id: a.id, name: a.qualifiedName }));
export const PROGRAMS = ofKind('program');
export const FORMS = ofKind('form');
export const LISTS = ofKind('staticList');

const standardField = (name: string) => {
  const f = STANDARD_LEAD_FIELDS.find((x) => x.name === name)!;
  return { id: f.id, name: f.displayName };
};
/** Change Data Value (13) changes the Lead Status field; Change Score (22) the Lead Score field. */
export const STATUS_FIELD = standardField('leadStatus');
export const SCORE_FIELD = standardField('leadScore');

const PAGES = ['/pricing', '/docs/bulk-extract', '/blog/etl-tips', '/', '/contact', '/webinars/data-pipelines'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

/** Primary attribute id and value, and the attributes (null values are left out by the caller). */
export type Primary = [id: number | null, value: string | null, attributes: Record<string, unknown>];

/** Activities of a lead that change no stored data: web visits, emails, interesting moments, list removals. */
export function passiveActivity(type: number, rnd: Random, leadId: number): Primary {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const ip = `203.0.113.${1 + Math.floor(rnd() * 250)}`;
  switch (type) {
    case 1: {
      const page = pick(PAGES);
      return [1000 + PAGES.indexOf(page), `www.example.com${page}`, { 'Webpage URL': page, 'Query Parameters': rnd() < 0.3 ? 'utm_source=newsletter&utm_medium=email' : null, 'Client IP Address': ip, 'Referrer URL': rnd() < 0.5 ? 'https://www.google.com/' : null, 'User Agent': pick(AGENTS) }];
    }
    case 6: case 7: case 10: case 11: {
      const mailing = 5000 + Math.floor(rnd() * 8);
      const attrs: Record<string, unknown> = { 'Campaign Run ID': 700 + (mailing % 5), 'Step ID': 1, 'Choice Number': 0 };
      if (type === 10 || type === 11) Object.assign(attrs, { Device: rnd() < 0.4 ? 'iPhone' : 'Desktop', 'Is Mobile Device': rnd() < 0.4, 'User Agent': pick(AGENTS) });
      if (type === 11) attrs.Link = `https://www.example.com${pick(PAGES)}?utm_source=email`;
      return [mailing, `Newsletter ${mailing - 4999}.Email`, attrs];
    }
    case 25: {
      // A list the lead is no longer in (only base leads, which no demo day adds to a list).
      const list = pick(LISTS);
      return [list.id, list.name, { Source: 'Smart Campaign' }];
    }
    default:
      return [null, 'Visited pricing twice in a day', { Description: 'Web: Visited pricing page', Source: 'Web', Lead: leadId }];
  }
}

export function formFill(form: { id: number; name: string }, rnd: Random, leadId: number, company: string): Primary {
  return [form.id, form.name, {
    'Form Fields': JSON.stringify({ Email: `lead${leadId}@example.com`, Company: company }),
    'Client IP Address': `203.0.113.${1 + Math.floor(rnd() * 250)}`, 'Webpage ID': 1001, 'User Agent': AGENTS[Math.floor(rnd() * AGENTS.length)],
  }];
}

export function statusChange(oldValue: string, newValue: string): Primary {
  return [STATUS_FIELD.id, STATUS_FIELD.name, { 'New Value': newValue, 'Old Value': oldValue, Reason: 'Form fill', Source: 'Web form fillout' }];
}

export function scoreChange(oldScore: number, change: number): Primary {
  return [SCORE_FIELD.id, SCORE_FIELD.name, { 'Change Value': `+${change}`, 'Old Value': oldScore, 'New Value': oldScore + change, Reason: 'Visited pricing page' }];
}

export function listAdd(list: { id: number; name: string }): Primary {
  return [list.id, list.name, { Source: 'Smart Campaign' }];
}

export function newLead(leadId: number, formName: string): Primary {
  return [leadId, `Lead ${leadId}`, { 'Source Type': 'Web form fillout', 'Form Name': formName }];
}

/** A status id per status name, stable across runs (the demo has no status table). */
export function statusId(name: string): number {
  let h = 17;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 997;
  return name === 'Not in Program' ? 20 : 21 + h;
}

export function programStatus(program: { id: number; name: string }, memberId: number, change: { old: string; new: string; success: boolean; acquiredBy: boolean }): Primary {
  return [program.id, program.name, {
    Reason: 'Changed by Smart Campaign, action Change Program Status', 'Program Member ID': memberId, 'Acquired By': change.acquiredBy,
    'Old Status': change.old, 'Old Status ID': statusId(change.old), 'New Status': change.new, 'New Status ID': statusId(change.new), Success: change.success,
  }];
}
