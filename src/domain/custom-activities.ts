/**
 * Custom activity types and the records posted to `activities/external.json`. Pure: validation
 * and the mapping of posted attributes onto the type's display names.
 */
import { FIRST_ACTIVITY_MS, LAST_ACTIVITY_MS, wellFormed, type Activity } from './activity.js';
import type { ActivityType, AttributeDef } from './activity-types.js';
import { formatMarketoDate, parseMarketoDate } from './dates.js';
import { InvalidRequest, shownValue } from './errors.js';
import type { BodyRule } from './export-body.js';
import { z } from 'zod';

export const MAX_CUSTOM_RECORDS = 300;
export const MAX_CUSTOM_ATTRIBUTES = 20;
export { FIRST_CUSTOM_TYPE_ID } from './activity-types.js';

export interface CustomAttribute extends AttributeDef {
  apiName: string;
  description?: string;
}

export interface CustomActivityType {
  id: number;
  apiName: string;
  name: string;
  description: string;
  /** Marketo's Smart List trigger and filter names; kept and shown when given. */
  triggerName?: string;
  filterName?: string;
  primaryAttribute: CustomAttribute;
  attributes: CustomAttribute[];
  createdAt: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,49}$/;
const DATA_TYPES = ['string', 'text', 'integer', 'float', 'boolean', 'date', 'datetime', 'email', 'url', 'phone', 'currency', 'percent', 'score'];

/** Validates `POST /rest/v1/activities/external/type.json` (plus an optional `attributes` array). */
export function validateCustomType(body: unknown, id: number, now: number): CustomActivityType {
  if (!isObj(body)) throw InvalidRequest.rule('body', 'the request body must be a JSON object');
  // Marketo's documented body nests the primary attribute: `primaryAttribute: {apiName, name, description}`;
  // the flat `primaryAttributeApiName` / `primaryAttributeName` keys are accepted too.
  const nested = isObj(body.primaryAttribute) ? body.primaryAttribute : undefined;
  const given: [string, unknown][] = [
    ['apiName', body.apiName], ['name', body.name],
    [nested ? 'primaryAttribute.apiName' : 'primaryAttributeApiName', nested ? nested.apiName : body.primaryAttributeApiName],
    [nested ? 'primaryAttribute.name' : 'primaryAttributeName', nested ? nested.name : body.primaryAttributeName],
  ];
  for (const [key, value] of given) {
    if (value === undefined || value === null || value === '') throw InvalidRequest.missing(key);
    if (!text(value)) throw InvalidRequest.rule(key, 'must be a non-empty string');
  }
  if (!API_NAME.test(body.apiName as string)) throw InvalidRequest.rule('apiName', 'must start with a letter and hold only letters, digits and _');
  const attributes = readAttributes(body.attributes);
  const primaryDescription = nested ? nested.description : body.primaryAttributeDescription;
  return {
    id,
    apiName: body.apiName as string,
    name: body.name as string,
    description: typeof body.description === 'string' ? body.description : '',
    ...(typeof body.triggerName === 'string' ? { triggerName: body.triggerName } : {}),
    ...(typeof body.filterName === 'string' ? { filterName: body.filterName } : {}),
    primaryAttribute: {
      apiName: given[2]![1] as string,
      name: given[3]![1] as string,
      dataType: 'string',
      ...(typeof primaryDescription === 'string' ? { description: primaryDescription } : {}),
    },
    attributes,
    createdAt: now,
  };
}

function readAttributes(raw: unknown): CustomAttribute[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw InvalidRequest.rule('attributes', 'must be an array of {apiName, name, dataType}');
  if (raw.length > MAX_CUSTOM_ATTRIBUTES) throw InvalidRequest.rule('attributes', `at most ${MAX_CUSTOM_ATTRIBUTES} attributes are allowed`);
  const seen = new Set<string>();
  return raw.map((a, i) => {
    if (!isObj(a) || !text(a.apiName) || !text(a.name)) throw InvalidRequest.rule(`attributes[${i}]`, 'needs apiName and name');
    // Both name an attribute in posted records, and the display name keys it in the export.
    for (const key of [`apiName ${a.apiName}`, `name ${a.name}`]) {
      if (seen.has(key)) throw InvalidRequest.rule(`attributes[${i}]`, `${key.replace(' ', " '")}' is used twice`);
      seen.add(key);
    }
    const dataType = a.dataType ?? 'string';
    if (typeof dataType !== 'string' || !DATA_TYPES.includes(dataType)) throw InvalidRequest.rule(`attributes[${i}].dataType`, `must be one of ${DATA_TYPES.join(', ')}`);
    return { apiName: a.apiName, name: a.name, dataType, ...(typeof a.description === 'string' ? { description: a.description } : {}) };
  });
}

/** The type as `types.json` and `external/types.json` show it. */
export function customTypeView(t: CustomActivityType): ActivityType & { apiName: string; status: string; createdAt: string; updatedAt: string } {
  const at = formatMarketoDate(t.createdAt);
  return {
    id: t.id, apiName: t.apiName, name: t.name, description: t.description,
    ...(t.triggerName !== undefined ? { triggerName: t.triggerName } : {}),
    ...(t.filterName !== undefined ? { filterName: t.filterName } : {}),
    primaryAttribute: t.primaryAttribute,
    attributes: t.attributes, status: 'approved', createdAt: at, updatedAt: at,
  };
}

export type RecordOutcome = { ok: true; activity: Omit<Activity, 'marketoGUID'> } | { ok: false; code: string; message: string };

/**
 * One posted record. Lead existence is checked by the caller; this checks shape, type and
 * attributes, and maps attributes (by `apiName` or `name`) to the type's display names.
 */
export function readCustomRecord(raw: unknown, types: ReadonlyMap<number, CustomActivityType>): RecordOutcome {
  if (!isObj(raw)) return { ok: false, code: '1003', message: 'Record must be a JSON object' };
  for (const key of ['leadId', 'activityDate', 'activityTypeId', 'primaryAttributeValue']) {
    if (raw[key] === undefined || raw[key] === null || raw[key] === '') return { ok: false, code: '1002', message: `Missing value for required parameter '${key}'` };
  }
  if (typeof raw.leadId !== 'number' || !Number.isSafeInteger(raw.leadId) || raw.leadId <= 0) return { ok: false, code: '1003', message: "Invalid value for 'leadId'" };
  const date = typeof raw.activityDate === 'string' ? parseMarketoDate(raw.activityDate) : undefined;
  if (!date || date.ms < FIRST_ACTIVITY_MS || date.ms >= LAST_ACTIVITY_MS + 1000) {
    return { ok: false, code: '1001', message: `Invalid value '${shownValue(raw.activityDate)}'. Required of type 'datetime'` };
  }
  const pav = raw.primaryAttributeValue;
  if (typeof pav !== 'string' && typeof pav !== 'number' && typeof pav !== 'boolean') {
    return { ok: false, code: '1003', message: "Invalid value for 'primaryAttributeValue'" };
  }
  const type = typeof raw.activityTypeId === 'number' ? types.get(raw.activityTypeId) : undefined;
  if (!type) return { ok: false, code: '1003', message: `Activity type '${shownValue(raw.activityTypeId)}' not found` };
  const attrs: Record<string, unknown> = {};
  const list = raw.attributes ?? [];
  if (!Array.isArray(list)) return { ok: false, code: '1003', message: "Invalid value for 'attributes'" };
  for (const a of list) {
    const key = isObj(a) ? (a.apiName ?? a.name) : undefined;
    const def = type.attributes.find((d) => d.apiName === key || d.name === key);
    if (!def) return { ok: false, code: '1006', message: `Field '${shownValue(key)}' not found` };
    const value = (a as Record<string, unknown>).value;
    if (value !== undefined && value !== null) attrs[def.name] = value;
  }
  const attributes = JSON.stringify(attrs);
  if (Buffer.byteLength(attributes) > 65_536) return { ok: false, code: '1049', message: 'Attribute payload exceeds 65536 bytes' };
  return {
    ok: true,
    activity: {
      leadId: raw.leadId, activityDate: Math.floor(date.ms / 1000) * 1000, activityTypeId: type.id, campaignId: null,
      primaryAttributeValueId: null, primaryAttributeValue: wellFormed(String(pav).replaceAll('\0', '')),
      attributes, actionResult: 'succeeded',
    },
  };
}

// --- shapes (export-body.ts says how shapes and readers agree) --------------------------------

/** A string with something besides white space (`text` above). */
const named = z.string().regex(/\S/);
const notAnObject = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown())]);
const customTypeCommon = {
  apiName: z.string().regex(API_NAME).meta({ description: 'Unique; starts with a letter, then letters, digits and _ (at most 50)', examples: ['webinarAttended'] }),
  name: named.meta({ examples: ['Webinar Attended'] }),
  description: z.unknown().optional().meta({ description: 'Kept when a string' }),
  triggerName: z.unknown().optional().meta({ description: 'Kept when a string' }),
  filterName: z.unknown().optional().meta({ description: 'Kept when a string' }),
  attributes: z.array(z.looseObject({
    apiName: named, name: named, dataType: z.enum(DATA_TYPES as [string, ...string[]]).nullable().optional(), description: z.unknown().optional(),
  })).max(MAX_CUSTOM_ATTRIBUTES).nullable().optional().meta({ description: 'Each apiName and each name used once' }),
};

/** The body of `POST /rest/v1/activities/external/type.json`: the primary attribute nested (documented) or flat. */
export const customTypeBodyShape = z.union([
  z.looseObject({ ...customTypeCommon, primaryAttribute: z.looseObject({ apiName: named, name: named, description: z.unknown().optional() }) }),
  z.looseObject({ ...customTypeCommon, primaryAttribute: notAnObject.optional(), primaryAttributeApiName: named, primaryAttributeName: named }),
]).meta({
  examples: [{ apiName: 'webinarAttended', name: 'Webinar Attended', description: 'Attended a webinar', primaryAttribute: { apiName: 'webinarName', name: 'Webinar Name' }, attributes: [{ apiName: 'minutes', name: 'Minutes', dataType: 'integer' }] }],
});

/** What the custom type shape takes but the validator (or the store) refuses (1003). */
export const CUSTOM_TYPE_BODY_RULES: BodyRule[] = [
  { says: 'no two attributes share an apiName or a name', refusal: /is used twice/ },
];

/** The body of `POST /rest/v1/activities/external.json`. */
export const customActivitiesBodyShape = z.looseObject({
  input: z.array(z.unknown()).min(1).max(MAX_CUSTOM_RECORDS).meta({ description: `1 to ${MAX_CUSTOM_RECORDS} records (CustomActivity); a bad record is skipped with its reason, not the call refused` }),
}).meta({
  examples: [{ input: [{ leadId: 5414087, activityDate: '2026-01-15T10:00:00Z', activityTypeId: 100001, primaryAttributeValue: 'Pipelines 101', attributes: [{ apiName: 'minutes', value: 45 }] }] }],
});
