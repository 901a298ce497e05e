/**
 * The program member schema: the standard program member fields (notes §3.4, from Marketo's
 * describe example) plus the catalog's `programMemberFields` (custom fields). It serves both
 * describe paths and the program member part of an export's `fields`; lead fields come from the
 * lead schema. Pure.
 */
import { FIELD_NAME } from './lead-schema.js';

export interface MemberField {
  name: string;
  displayName: string;
  dataType: string;
  length?: number;
  updateable: boolean;
  custom: boolean;
}

export interface MemberSchema {
  fields: MemberField[];
  byName: ReadonlyMap<string, MemberField>;
}

const std = (name: string, dataType: string, length?: number, updateable = false): MemberField => ({
  name, displayName: name, dataType, ...(length ? { length } : {}), updateable, custom: false,
});

/** In Marketo's describe order. `acquiredBy` and `statusReason` became updateable in 2022 (notes §3.4). */
export const STANDARD_MEMBER_FIELDS: readonly MemberField[] = [
  std('acquiredBy', 'boolean', undefined, true), std('attendanceLikelihood', 'integer'), std('createdAt', 'datetime'),
  std('isExhausted', 'boolean'), std('leadId', 'integer'), std('membershipDate', 'datetime'), std('nurtureCadence', 'string', 4),
  std('program', 'string', 255), std('programId', 'integer'), std('reachedSuccess', 'boolean'), std('reachedSuccessDate', 'datetime'),
  std('registrationLikelihood', 'integer'), std('statusName', 'string', 255), std('statusReason', 'string', 255, true),
  std('trackName', 'string', 255), std('updatedAt', 'datetime'), std('waitlistPriority', 'integer'),
];

/** Members kept in typed columns of their own (keys, filters, the program name from the catalog). */
export const MEMBER_KEY_FIELDS: readonly string[] = ['programId', 'leadId', 'program', 'statusName', 'isExhausted', 'nurtureCadence', 'createdAt', 'updatedAt'];

const STANDARD_NAMES = new Set(STANDARD_MEMBER_FIELDS.map((f) => f.name.toLowerCase()));

/** Why a catalog program member field cannot be one; undefined when it can. */
export function memberFieldProblem(item: Record<string, unknown>): string | undefined {
  const name = item.name;
  if (typeof name !== 'string' || name === '') return 'name is required';
  if (!FIELD_NAME.test(name)) return `name '${name}' must start with a letter and hold only letters, digits and _ (at most 60)`;
  if (STANDARD_NAMES.has(name.toLowerCase())) return `name '${name}' is a standard program member field`;
  if (item.dataType !== undefined && typeof item.dataType !== 'string') return 'dataType must be a string';
  return undefined;
}

/** The schema from the catalog's program member field assets (their `data`). */
export function buildMemberSchema(catalog: readonly Record<string, unknown>[]): MemberSchema {
  const custom = catalog.map((d): MemberField => ({
    name: d.name as string, displayName: d.displayName as string, dataType: d.dataType as string,
    ...(typeof d.length === 'number' ? { length: d.length } : {}), updateable: d.updateable !== false, custom: true,
  })).sort((a, b) => a.name.localeCompare(b.name));
  const fields = [...STANDARD_MEMBER_FIELDS, ...custom];
  return { fields, byName: new Map(fields.map((f) => [f.name, f])) };
}

/** When the describe says the program membership map was made: a fixed date, so answers are reproducible. */
const DESCRIBED_AT = '2021-03-20T01:30:05Z';

function describedField(f: MemberField): Record<string, unknown> {
  return {
    name: f.name, displayName: f.displayName, dataType: f.dataType, ...(f.length !== undefined ? { length: f.length } : {}),
    updateable: f.updateable, crmManaged: false,
  };
}

/** The result object of `GET /rest/v1/programs/members/describe.json` (notes §3.4). */
export function describeMembers(schema: MemberSchema): Record<string, unknown> {
  const searchable = ['leadId', 'reachedSuccess', 'statusName', ...schema.fields.filter((f) => f.custom && f.dataType === 'string').map((f) => f.name)];
  return {
    name: 'API Program Membership', description: 'Map for API program membership fields', createdAt: DESCRIBED_AT, updatedAt: DESCRIBED_AT,
    dedupeFields: ['leadId', 'programId'], searchableFields: searchable.sort().map((n) => [n]), fields: schema.fields.map(describedField),
  };
}

/** The result object of the superseded `GET /rest/v1/program/members/describe.json` (swagger `ProgramMemberAttribute`). */
export function describeMembersSuperseded(schema: MemberSchema): Record<string, unknown> {
  return { name: 'API Program Member', fields: schema.fields.map(describedField) };
}
