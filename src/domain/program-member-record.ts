/**
 * Program memberships as imported and stored, and the rules for reading one import record
 * (docs/leads.md). One membership per (program, lead); field values become file text here. Pure.
 */
import { fieldText, type NulCounter } from './field-values.js';
import type { LeadSchema } from './lead-schema.js';
import { readDatetime } from './lead-record.js';
import type { MemberSchema } from './program-member-schema.js';

export const NURTURE_CADENCES = ['paus', 'norm'] as const;
export type NurtureCadence = (typeof NURTURE_CADENCES)[number];

export interface MemberRecord {
  programId: number;
  leadId: number;
  statusName: string;
  isExhausted: boolean | null;
  nurtureCadence: NurtureCadence | null;
  /** Epoch ms, whole seconds; what the program member `updatedAt` filter compares. */
  createdAt: number;
  updatedAt: number;
  /** File text of the other program member fields the record gives; those it leaves out keep their stored value. */
  values: Record<string, string | null>;
}

export interface MemberImportContext {
  schema: MemberSchema;
  /** Lead fields in a record are ignored (a program member export file carries some). */
  leadSchema: LeadSchema;
  /** The catalog's programs, by id and by name. */
  programs: ReadonlyMap<number, string>;
}

export type MemberParse = { ok: true; member: MemberRecord } | { ok: false; reason: string };

/** Keys read into their own columns; `program` is the catalog's name, derived from programId. */
const OWN_KEYS = new Set(['programId', 'leadId', 'program', 'statusName', 'isExhausted', 'nurtureCadence', 'createdAt', 'updatedAt']);

const positiveInt = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** `pause` (the docs) and `paus` (the swagger) are one cadence (notes §3.2). */
export function readCadence(v: unknown): NurtureCadence | undefined {
  const lower = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  return lower === 'pause' || lower === 'paus' ? 'paus' : lower === 'norm' ? 'norm' : undefined;
}

/**
 * One membership: `programId` (or `program`, a catalog program's name), `leadId`, `statusName`
 * and `createdAt` (or `membershipDate`) are required.
 * @example parseMemberRecord({ programId: 1001, leadId: 5, statusName: 'Registered', membershipDate: '2026-01-02T00:00:00Z' }, ctx, nul)
 */
export function parseMemberRecord(raw: unknown, ctx: MemberImportContext, nul: NulCounter): MemberParse {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, reason: 'not a JSON object' };
  const r = raw as Record<string, unknown>;
  const programId = readProgram(r, ctx.programs);
  if (typeof programId === 'string') return { ok: false, reason: programId };
  const leadId = positiveInt(r.leadId);
  if (leadId === undefined) return { ok: false, reason: 'leadId must be a positive integer' };
  if (typeof r.statusName !== 'string' || r.statusName.trim() === '') return { ok: false, reason: 'statusName must be a non-empty string' };
  const createdAt = readDatetime(r.createdAt ?? r.membershipDate);
  if (createdAt === undefined) return { ok: false, reason: 'createdAt (or membershipDate) must be an ISO-8601 datetime' };
  const updatedAt = r.updatedAt === undefined || r.updatedAt === null ? createdAt : readDatetime(r.updatedAt);
  if (updatedAt === undefined) return { ok: false, reason: 'updatedAt must be an ISO-8601 datetime' };
  const exhausted = fieldText('boolean', r.isExhausted, nul);
  if (!exhausted.ok) return { ok: false, reason: `isExhausted ${exhausted.reason}` };
  const cadence = r.nurtureCadence === undefined || r.nurtureCadence === null ? null : readCadence(r.nurtureCadence);
  if (cadence === undefined) return { ok: false, reason: "nurtureCadence must be 'paus' (or 'pause') or 'norm'" };

  const status = fieldText('string', r.statusName, nul) as { ok: true; text: string };
  const member: MemberRecord = {
    programId, leadId, statusName: status.text,
    isExhausted: exhausted.text === null ? null : exhausted.text === 'true', nurtureCadence: cadence, createdAt, updatedAt, values: {},
  };
  for (const [key, value] of Object.entries(r)) {
    if (OWN_KEYS.has(key)) continue;
    const field = ctx.schema.byName.get(key);
    if (!field) {
      if (ctx.leadSchema.byName.has(key)) continue;
      return { ok: false, reason: `unknown program member field '${key}'` };
    }
    const text = fieldText(field.dataType, value, nul);
    if (!text.ok) return { ok: false, reason: `${key} ${text.reason}` };
    member.values[key] = text.text;
  }
  return { ok: true, member };
}

function readProgram(r: Record<string, unknown>, programs: ReadonlyMap<number, string>): number | string {
  if (r.programId !== undefined && r.programId !== null) {
    const id = positiveInt(r.programId);
    if (id === undefined) return 'programId must be a positive integer';
    return programs.has(id) ? id : `program ${id} is not in the catalog`;
  }
  if (typeof r.program !== 'string') return 'programId (or program, a program name) is required';
  const found = [...programs].filter(([, name]) => name === r.program).map(([id]) => id);
  if (found.length !== 1) return found.length ? `program name '${r.program}' names ${found.length} programs; give programId` : `program '${r.program}' is not in the catalog`;
  return found[0]!;
}
