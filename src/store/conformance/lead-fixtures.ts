/** Builders and data sets for the lead and program member conformance cases. */
import assert from 'node:assert/strict';
import { parseCatalog } from '../../domain/assets.js';
import type { ExportFormat } from '../../domain/export-body.js';
import type { RecordExportRequest } from '../../domain/export-kind.js';
import { formatRecord } from '../../domain/file-format.js';
import type { LeadExportRequest, LeadFilter } from '../../domain/lead-export-request.js';
import { parseLeadRecord, type LeadRecord } from '../../domain/lead-record.js';
import { buildLeadSchema, type LeadSchema } from '../../domain/lead-schema.js';
import { parseMemberRecord, type MemberRecord } from '../../domain/program-member-record.js';
import type { MemberFilter, ProgramMemberExportRequest } from '../../domain/program-member-export-request.js';
import { buildMemberSchema } from '../../domain/program-member-schema.js';
import type { Store } from '../store.js';
import { collect, prng, T0, TRICKY_STRINGS } from './fixtures.js';

export const DAY = 86_400_000;
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A catalog with custom fields of every data type, two static lists, a smart list and three programs. */
export const LEAD_CATALOG = {
  programs: [{ id: 1001, name: 'Webinar, "Q1"' }, { id: 1002, name: 'Nurture' }, { id: 1003, name: 'null' }],
  staticLists: [{ id: 3001, name: 'Newsletter' }, { id: 3002, name: 'VIP' }],
  smartLists: [{ id: 4001, name: 'Engaged' }, { id: 4002, name: 'No rules', hasRules: false }],
  leadFields: [
    { id: 900, displayName: 'Text Field', dataType: 'text', rest: { name: 'textField', readOnly: false } },
    { id: 901, displayName: 'Float Field', dataType: 'float', rest: { name: 'floatField', readOnly: false } },
    { id: 902, displayName: 'Date Field', dataType: 'date', rest: { name: 'dateField', readOnly: false } },
    { id: 903, displayName: 'Secret', dataType: 'string', rest: { name: 'secretField', readOnly: false }, exportable: false },
  ],
  programMemberFields: [{ id: 1, name: 'webinarUrl', dataType: 'url', length: 2000 }, { id: 2, name: 'pmScore', dataType: 'integer' }],
};

export async function loadLeadCatalog(store: Store): Promise<{ schema: LeadSchema }> {
  const parsed = parseCatalog(LEAD_CATALOG, '2026-01-05T15:04:11Z');
  if ('error' in parsed) assert.fail(parsed.error);
  await store.putAssets(parsed.assets);
  return { schema: buildLeadSchema(parsed.assets.filter((a) => a.kind === 'leadField').map((a) => a.data)) };
}

const SCHEMA = buildLeadSchema(LEAD_CATALOG.leadFields.map((f) => ({ ...f, length: 255 })));
const MEMBER_SCHEMA = buildMemberSchema(LEAD_CATALOG.programMemberFields);
const PROGRAMS = new Map(LEAD_CATALOG.programs.map((p) => [p.id, p.name]));

/** A lead import record read through the import rules (so values are formatted as at import). */
export function lead(raw: Record<string, unknown>): LeadRecord {
  const parsed = parseLeadRecord({ createdAt: iso(T0), ...raw }, { schema: SCHEMA, staticLists: new Set([3001, 3002]), smartLists: new Set([4001, 4002]) }, { nulBytes: 0 });
  if (!parsed.ok) assert.fail(`${parsed.reason} in ${JSON.stringify(raw)}`);
  return parsed.lead;
}

export function member(raw: Record<string, unknown>): MemberRecord {
  const parsed = parseMemberRecord({ membershipDate: iso(T0), statusName: 'Member', ...raw }, { schema: MEMBER_SCHEMA, leadSchema: SCHEMA, programs: PROGRAMS }, { nulBytes: 0 });
  if (!parsed.ok) assert.fail(`${parsed.reason} in ${JSON.stringify(raw)}`);
  return parsed.member;
}

export function leadRequest(filter: LeadFilter, fields: string[], format: ExportFormat = 'CSV'): LeadExportRequest {
  return { kind: 'leads', format, fields, columnHeaderNames: {}, filter };
}

/** `fields` as `name` (a program member field) or `lead:name` (a lead field). */
export function memberRequest(filter: Partial<MemberFilter> & { programIds: number[] }, fields: string[], format: ExportFormat = 'CSV'): ProgramMemberExportRequest {
  return {
    kind: 'programMembers', format, fields: fields.map((f) => f.replace(/^lead:/, '')),
    sources: fields.map((f) => (f.startsWith('lead:') ? 'lead' : 'member')), columnHeaderNames: {}, filter: { several: false, ...filter },
  };
}

export const EVERY_LEAD: LeadFilter = { type: 'createdAt', startMs: Date.parse('1970-01-01T00:00:00Z'), endMs: Date.parse('9999-12-31T23:59:59Z') };

/** Engine lines against the oracle (formatRecord over exportRecords), byte for byte; returns the row count. */
export async function compareRecords(store: Store, request: RecordExportRequest, label: string): Promise<number> {
  const rows = await collect(store.exportRecords(request));
  const expected = rows.map((r) => formatRecord(r, request.format)).join('');
  const chunks = await collect(store.exportLines(request));
  const actual = Buffer.concat(chunks.map((c) => c.bytes)).toString('utf8');
  if (actual !== expected) {
    let i = 0;
    while (i < actual.length && actual[i] === expected[i]) i++;
    assert.fail(`${label}: engine and oracle differ at ${i}\n  engine: ${JSON.stringify(actual.slice(Math.max(0, i - 80), i + 80))}\n  oracle: ${JSON.stringify(expected.slice(Math.max(0, i - 80), i + 80))}`);
  }
  assert.equal(chunks.reduce((n, c) => n + c.rows, 0), rows.length, `${label}: row counts`);
  return rows.length;
}

/** The export's text through the engine. */
export async function engineText(store: Store, request: RecordExportRequest): Promise<string> {
  return Buffer.concat((await collect(store.exportLines(request))).map((c) => c.bytes)).toString('utf8');
}

/**
 * `count` leads with awkward values in every kind of field: text that breaks quoting and
 * encoding, nulls, booleans, numbers at their edges, dates; some in lists, some deleted or merged.
 */
export function trickyLeads(count: number, seed: number): LeadRecord[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const maybe = <T>(v: T): T | null => (rnd() < 0.2 ? null : v);
  const out: LeadRecord[] = [];
  for (let i = 0; i < count; i++) {
    const created = T0 + int(40) * DAY + int(86_400) * 1000;
    out.push(lead({
      id: 1 + i * 3 + int(3), createdAt: iso(created), updatedAt: iso(created + int(5) * DAY), lastChangeAt: iso(created + int(9) * DAY),
      email: maybe(`lead${i}@example.com`), firstName: maybe(pick(TRICKY_STRINGS)), lastName: maybe(pick(TRICKY_STRINGS)),
      company: maybe(pick(TRICKY_STRINGS)), textField: maybe(pick(TRICKY_STRINGS) + (rnd() < 0.3 ? '\0' : '')),
      leadScore: maybe(int(200) - 50), numberOfEmployees: maybe(pick([0, 1, 9007199254740991, -5])),
      annualRevenue: maybe(pick([0, 1000, 12.5, 1e21, 1e-7, -0.5, 0.1 + 0.2])), floatField: maybe(pick([1.5, -2, 3e-9])),
      isLead: maybe(rnd() < 0.5), unsubscribed: maybe(rnd() < 0.5), dateOfBirth: maybe(pick(['1980-02-29', '2000-01-01'])),
      dateField: maybe('1999-12-31'), emailSuspendedAt: maybe(iso(T0 - int(1000) * 1000)), acquisitionProgramId: maybe(pick([1001, 1002])),
      staticListIds: rnd() < 0.5 ? [pick([3001, 3002])] : [], smartListIds: rnd() < 0.3 ? [4001] : [],
      ...(rnd() < 0.05 ? { deleted: true } : rnd() < 0.05 ? { mergedInto: 1 } : {}),
    }));
  }
  return out;
}
