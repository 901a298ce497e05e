/**
 * Leads as imported and stored, and the rules for reading one import record (docs/leads.md).
 * Field values are turned into their file text here (field-values.ts), once. Pure.
 */
import { parseMarketoDate } from './dates.js';
import { fieldText, type NulCounter } from './field-values.js';
import { LEAD_KEY_FIELDS, type LeadSchema } from './lead-schema.js';

export const LEAD_STATES = ['active', 'deleted', 'merged'] as const;
export type LeadState = (typeof LEAD_STATES)[number];

export interface LeadRecord {
  id: number;
  /** Epoch ms, whole seconds. */
  createdAt: number;
  /** The visible updatedAt. */
  updatedAt: number;
  /** When anything about the lead last changed: what the `updatedAt` export filter compares (notes Q5). */
  lastChangeAt: number;
  /** Deleted and merged leads are kept but never exported. */
  state: LeadState;
  /** The lead a merged lead went into. */
  mergedInto?: number;
  /** File text per field the record gives (null: no value); fields it leaves out keep their stored value. */
  values: Record<string, string | null>;
  /** Present: the lead's static list memberships become exactly these. */
  staticListIds?: number[];
  /** Present: the lead's smart list memberships become exactly these. */
  smartListIds?: number[];
}

/** What reading a record needs to know about the store: the schema and the catalog's lists. */
export interface LeadImportContext {
  schema: LeadSchema;
  staticLists: ReadonlySet<number>;
  smartLists: ReadonlySet<number>;
}

export type LeadParse = { ok: true; lead: LeadRecord } | { ok: false; reason: string };

const positiveInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** Epoch ms of a datetime value (whole seconds), or undefined. */
export function readDatetime(v: unknown): number | undefined {
  const ms = typeof v === 'string' ? parseMarketoDate(v.trim())?.ms : undefined;
  return ms === undefined ? undefined : Math.floor(ms / 1000) * 1000;
}

/**
 * One lead import record: `id` and `createdAt` are required, `updatedAt` defaults to `createdAt`
 * and `lastChangeAt` to `updatedAt`; every other key is a field of the lead schema, or one of
 * `staticListIds`, `smartListIds`, `deleted`, `mergedInto`.
 * @example parseLeadRecord({ id: 1001, createdAt: '2026-01-02T03:04:05Z', email: 'a@example.com' }, ctx, nul)
 */
export function parseLeadRecord(raw: unknown, ctx: LeadImportContext, nul: NulCounter): LeadParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const r = raw as Record<string, unknown>;
  const id = positiveInt(r.id);
  if (id === undefined) return { ok: false, reason: 'id must be a positive integer' };
  const createdAt = readDatetime(r.createdAt);
  if (createdAt === undefined) return { ok: false, reason: 'createdAt must be an ISO-8601 datetime' };
  const updatedAt = r.updatedAt === undefined || r.updatedAt === null ? createdAt : readDatetime(r.updatedAt);
  if (updatedAt === undefined) return { ok: false, reason: 'updatedAt must be an ISO-8601 datetime' };
  const lastChangeAt = r.lastChangeAt === undefined || r.lastChangeAt === null ? updatedAt : readDatetime(r.lastChangeAt);
  if (lastChangeAt === undefined) return { ok: false, reason: 'lastChangeAt must be an ISO-8601 datetime' };

  const lead: LeadRecord = { id, createdAt, updatedAt, lastChangeAt, state: 'active', values: {} };
  const state = readState(r);
  if (typeof state === 'string') return { ok: false, reason: state };
  Object.assign(lead, state);

  for (const [key, lists, known] of [['staticListIds', 'staticListIds', ctx.staticLists], ['smartListIds', 'smartListIds', ctx.smartLists]] as const) {
    if (r[key] === undefined) continue;
    const ids = readListIds(r[key], key, known);
    if (typeof ids === 'string') return { ok: false, reason: ids };
    lead[lists] = ids;
  }

  for (const [key, value] of Object.entries(r)) {
    if (LEAD_KEY_FIELDS.includes(key) || RECORD_KEYS.has(key)) continue;
    const field = ctx.schema.byName.get(key);
    if (!field) return { ok: false, reason: `unknown lead field '${key}'` };
    const text = fieldText(field.dataType, value, nul);
    if (!text.ok) return { ok: false, reason: `${key} ${text.reason}` };
    lead.values[key] = text.text;
  }
  return { ok: true, lead };
}

const RECORD_KEYS = new Set(['staticListIds', 'smartListIds', 'lastChangeAt', 'deleted', 'mergedInto']);

function readState(r: Record<string, unknown>): Pick<LeadRecord, 'state' | 'mergedInto'> | string {
  const deleted = r.deleted ?? false;
  if (typeof deleted !== 'boolean' && deleted !== 'true' && deleted !== 'false') return 'deleted must be true or false';
  const merged = r.mergedInto === undefined || r.mergedInto === null ? undefined : positiveInt(r.mergedInto);
  if (r.mergedInto !== undefined && r.mergedInto !== null && merged === undefined) return 'mergedInto must be a positive integer';
  if ((deleted === true || deleted === 'true') && merged !== undefined) return 'a lead is either deleted or merged, not both';
  if (merged !== undefined) return { state: 'merged', mergedInto: merged };
  return { state: deleted === true || deleted === 'true' ? 'deleted' : 'active' };
}

function readListIds(v: unknown, key: string, known: ReadonlySet<number>): number[] | string {
  if (!Array.isArray(v)) return `${key} must be an array of list ids`;
  const ids: number[] = [];
  for (const item of v) {
    const id = positiveInt(item);
    if (id === undefined) return `${key} must be an array of list ids`;
    if (!known.has(id)) return `${key}: list ${id} is not in the catalog`;
    ids.push(id);
  }
  return [...new Set(ids)];
}
