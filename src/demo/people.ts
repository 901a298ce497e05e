/**
 * The demo's people: plausible lead field values, and the base population of leads that existed
 * before any demo day (ids 1000-5999, created through 2025, the same for every seed).
 */
import { fieldText } from '../domain/field-values.js';
import type { LeadRecord } from '../domain/lead-record.js';
import { buildLeadSchema } from '../domain/lead-schema.js';

export type Random = () => number;

/** mulberry32: small, fast, and the same sequence on every machine. */
export function prng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pickFrom = (rnd: Random) => <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const FIRST = ['Ann', 'Bruno', 'Chloé', 'Dmitri', 'Ema', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemi', 'Lars', 'Maya', 'Nikolai', 'Olga', 'Priya', 'Quinn', 'Rafael', 'Sofia', 'Tomás', 'Uma', 'Viktor', 'Wen', 'Yara', 'Zoë'];
const LAST = ['Andersen', 'Barros', 'Chen', 'Dubois', 'Eze', 'Fischer', 'García', 'Haddad', 'Ivanova', 'Jones', 'Kowalski', 'López', 'Müller', 'Nakamura', "O'Brien", 'Patel', 'Rossi', 'Silva', 'Tanaka', 'Weber'];
const COMPANIES = ['Acme, Inc.', 'Globex', 'Initech', 'Umbrella Corp', 'Stark Industries', 'Wayne Enterprises', 'Hooli', 'Pied Piper', 'Soylent "Green" Co', 'Vandelay Industries', 'Tyrell', 'Cyberdyne Systems'];
const TITLES = ['Data Engineer', 'Marketing Ops Manager', 'VP Marketing', 'Analytics Lead', 'CTO', 'Growth Marketer', 'Solutions Architect'];
const PLACES: [string, string, string][] = [['Berlin', 'BE', 'Germany'], ['Austin', 'TX', 'United States'], ['São Paulo', 'SP', 'Brazil'], ['Tokyo', '13', 'Japan'], ['Lyon', 'ARA', 'France'], ['Toronto', 'ON', 'Canada'], ['Lagos', 'LA', 'Nigeria']];
const SOURCES = ['Website', 'Webinar', 'Trade Show', 'List Import', 'Paid Search'];
export const LEAD_STATUSES = ['New', 'Working', 'Nurturing', 'Qualified', 'Disqualified'];
const INDUSTRIES = ['Software', 'Retail', 'Manufacturing', 'Finance', 'Healthcare'];

/** The field values of a lead (its REST names); the score and status are the lead's state at its last change. */
export function leadValues(id: number, rnd: Random, score: number, status: string): Record<string, unknown> {
  const pick = pickFrom(rnd);
  const first = pick(FIRST);
  const last = pick(LAST);
  const [city, state, country] = pick(PLACES);
  const employees = pick([12, 45, 250, 1200, 8000]);
  return {
    firstName: first, lastName: last, email: `${first}.${last}.${id}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
    company: pick(COMPANIES), title: pick(TITLES), city, state, country, industry: pick(INDUSTRIES), leadSource: pick(SOURCES),
    leadStatus: status, leadScore: score, isLead: true, unsubscribed: rnd() < 0.08, numberOfEmployees: employees,
    annualRevenue: rnd() < 0.6 ? employees * 125_000.5 : null, phone: rnd() < 0.5 ? `+1 512 555 ${String(1000 + (id % 9000)).padStart(4, '0')}` : null,
    website: rnd() < 0.4 ? 'https://www.example.com/' : null,
  };
}

export const BASE_LEAD_IDS = { first: 1000, last: 5999 } as const;
/** Base leads that are deleted; no activity names them. */
export const DELETED_BASE_LEADS = { first: 5990, last: 5999 } as const;
const BASE_FROM = Date.UTC(2025, 0, 1);
const BASE_SPAN = Date.UTC(2025, 11, 31) - BASE_FROM;

/** The base leads, the same for every seed and every run (rewriting them changes nothing). */
export function* baseLeads(): Generator<LeadRecord> {
  const count = BASE_LEAD_IDS.last - BASE_LEAD_IDS.first + 1;
  for (let i = 0; i < count; i++) {
    const id = BASE_LEAD_IDS.first + i;
    const rnd = prng(0x5eed ^ id);
    const createdAt = Math.floor((BASE_FROM + (BASE_SPAN * i) / count) / 1000) * 1000;
    const updatedAt = createdAt + Math.floor(rnd() * 30) * 86_400_000;
    const values = leadValues(id, rnd, Math.floor(rnd() * 80), pickFrom(rnd)(LEAD_STATUSES));
    yield {
      id, createdAt, updatedAt, lastChangeAt: updatedAt, values: textValues(values),
      state: id >= DELETED_BASE_LEADS.first ? 'deleted' : 'active',
    };
  }
}

const SCHEMA = buildLeadSchema([]);

/** Values as their file text, formatted as an import formats them. */
export function textValues(values: Record<string, unknown>): Record<string, string | null> {
  const nul = { nulBytes: 0 };
  return Object.fromEntries(Object.entries(values).map(([k, v]) => {
    const text = fieldText(SCHEMA.byName.get(k)!.dataType, v, nul);
    if (!text.ok) throw new Error(`demo lead value ${k}: ${text.reason}`);
    return [k, text.text];
  }));
}
