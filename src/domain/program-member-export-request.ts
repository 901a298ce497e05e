/**
 * The create body of a Bulk Program Member Extract (notes §3.2), checked in the order of notes
 * Q1. Exactly one of `programId`/`programIds`; the other filters combine with AND. `fields` mixes
 * program member fields and lead fields; with `programIds` the file's first column is `programId`
 * (notes Q7). Programs and status names are looked up by the API afterwards. Pure.
 */
import { z } from 'zod';
import {
  columnHeaderNamesShape, formatShape, isInt, readBody, readColumnHeaderNames, readFormat, readIntList, readRequiredFields, readStringList, readWindow,
  SHARED_BODY_RULES, windowShape, type BodyRule, type DateWindow, type ExportFormat, type ValidateOptions,
} from './export-body.js';
import { InvalidRequest, UnsupportedFilter } from './errors.js';
import { filterKeys, requiredFieldsShape } from './lead-export-request.js';
import type { LeadSchema } from './lead-schema.js';
import { readCadence, type NurtureCadence } from './program-member-record.js';
import type { MemberSchema } from './program-member-schema.js';

export const MAX_PROGRAM_IDS = 10;

export interface MemberFilter {
  /** The programs, in file order. */
  programIds: number[];
  /** Given as `programIds`: the file gets a first `programId` column. */
  several: boolean;
  isExhausted?: boolean;
  nurtureCadence?: NurtureCadence;
  statusNames?: string[];
  updatedAt?: DateWindow;
}

/** Where a column comes from: the membership, or its lead. */
export type FieldSource = 'member' | 'lead';

export interface ProgramMemberExportRequest {
  kind: 'programMembers';
  format: ExportFormat;
  fields: string[];
  /** Parallel to `fields`. */
  sources: FieldSource[];
  columnHeaderNames: Record<string, string>;
  filter: MemberFilter;
}

export interface MemberValidateOptions extends ValidateOptions {
  schema: MemberSchema;
  leadSchema: LeadSchema;
  advancedFilters: boolean;
}

const FILTER_KEYS = ['programId', 'programIds', 'isExhausted', 'nurtureCadence', 'statusNames', 'updatedAt'];

/** @example validateMemberExportRequest({ fields: ['leadId', 'statusName'], filter: { programId: 1044 } }, options) */
export function validateMemberExportRequest(raw: unknown, options: MemberValidateOptions): ProgramMemberExportRequest {
  const body = readBody(raw);
  const filter = readMemberFilter(body.filter, options);
  const { fields, sources } = readMemberFields(body.fields, filter.several, options);
  return {
    kind: 'programMembers', format: readFormat(body.format), fields, sources,
    columnHeaderNames: readColumnHeaderNames(body.columnHeaderNames, fields), filter,
  };
}

function readMemberFilter(raw: unknown, options: MemberValidateOptions): MemberFilter {
  const { given, keys } = filterKeys(raw);
  for (const key of keys) {
    if (!FILTER_KEYS.includes(key)) throw InvalidRequest.rule(`filter.${key}`, 'is not a filter of program member exports');
  }
  const has = (k: string) => given[k] !== undefined && given[k] !== null;
  if (has('programId') === has('programIds')) throw InvalidRequest.rule('filter', 'exactly one of programId and programIds is required');
  if (has('updatedAt') && !options.advancedFilters) throw new UnsupportedFilter('updatedAt');

  let programIds: number[];
  if (has('programId')) {
    if (!isInt(given.programId) || given.programId < 1) throw InvalidRequest.rule('filter.programId', 'must be a positive integer');
    programIds = [given.programId];
  } else {
    programIds = readIntList(given.programIds, 'filter.programIds')!;
    if (programIds.length === 0) throw InvalidRequest.rule('filter.programIds', 'must hold at least one program id');
    if (programIds.length > MAX_PROGRAM_IDS) throw InvalidRequest.rule('filter.programIds', `at most ${MAX_PROGRAM_IDS} programs are allowed, got ${programIds.length}`);
  }
  const filter: MemberFilter = { programIds, several: has('programIds') };
  if (has('isExhausted')) {
    if (typeof given.isExhausted !== 'boolean') throw InvalidRequest.rule('filter.isExhausted', 'must be true or false');
    filter.isExhausted = given.isExhausted;
  }
  if (has('nurtureCadence')) {
    const cadence = readCadence(given.nurtureCadence);
    if (!cadence || typeof given.nurtureCadence !== 'string') throw InvalidRequest.rule('filter.nurtureCadence', "must be 'paus' (or 'pause') or 'norm'");
    filter.nurtureCadence = cadence;
  }
  if (has('statusNames')) {
    const names = readStringList(given.statusNames, 'filter.statusNames')!;
    if (names.length === 0) throw InvalidRequest.rule('filter.statusNames', 'must hold at least one status name');
    filter.statusNames = names;
  }
  if (has('updatedAt')) filter.updatedAt = readWindow(given.updatedAt, 'filter.updatedAt', options);
  return filter;
}

/** Program member fields first, then lead fields, by name; with `programIds`, `programId` leads and is not repeated. */
function readMemberFields(raw: unknown, several: boolean, options: MemberValidateOptions): { fields: string[]; sources: FieldSource[] } {
  let names = readRequiredFields(raw);
  if (several) names = ['programId', ...names.filter((n) => n !== 'programId')];
  const sources: FieldSource[] = [];
  const invalid: string[] = [];
  for (const name of names) {
    if (options.schema.byName.has(name)) sources.push('member');
    else if (options.leadSchema.byName.get(name)?.exportable) sources.push('lead');
    else invalid.push(name);
  }
  if (invalid.length) throw InvalidRequest.fields(invalid);
  return { fields: names, sources };
}

// --- shape (export-body.ts says how shapes and readers agree) ---------------------------------

/** What `readCadence` takes: the trimmed text in any case. */
const CADENCE = /^\s*(?:[Pp][Aa][Uu][Ss][Ee]?|[Nn][Oo][Rr][Mm])\s*$/;

const memberFilters = {
  isExhausted: z.boolean().nullable().optional(),
  nurtureCadence: z.string().regex(CADENCE).nullable().optional().meta({ description: "'paus' (or 'pause') or 'norm'" }),
  statusNames: z.array(z.string()).min(1).nullable().optional()
    .meta({ description: "Program status names (a name no membership of these programs has is 1003 'Invalid Data')" }),
  updatedAt: windowShape.nullable().optional().meta({ description: 'Needs serve --advanced-extract-filters on (else 1035)' }),
};
const absent = z.null().optional();

/** The create body of `POST /bulk/v1/program/members/export/create.json`. */
export const memberExportBodyShape = z.looseObject({
  format: formatShape,
  fields: requiredFieldsShape('programs/members/describe.json, or lead fields'),
  columnHeaderNames: columnHeaderNamesShape(),
  filter: z.union([
    z.strictObject({ programId: z.int().min(1), programIds: absent, ...memberFilters }),
    z.strictObject({
      programIds: z.array(z.int()).min(1).meta({ description: `At most ${MAX_PROGRAM_IDS} programs; the file then starts with a programId column` }),
      programId: absent, ...memberFilters,
    }),
  ]).meta({ description: 'Exactly one of programId and programIds (programs that exist); the other filters narrow it down' }),
}).meta({
  examples: [{ format: 'CSV', fields: ['leadId', 'statusName', 'reachedSuccess', 'email'], filter: { programId: 1001 } }],
});

/** What the program member shape takes but the validator refuses. */
export const MEMBER_BODY_RULES: BodyRule[] = [
  ...SHARED_BODY_RULES,
  { says: `at most ${MAX_PROGRAM_IDS} distinct program ids`, refusal: /at most \d+ programs are allowed/ },
  { says: 'every name in fields is a program member field or an exportable lead field', refusal: /^Invalid fields \[/ },
];
