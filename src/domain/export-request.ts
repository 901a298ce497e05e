/**
 * The rules of the activity export create body (decisions.md, "Error codes for the create body").
 * Pure: takes the parsed JSON, returns a normalised request or the first rule it breaks.
 */
import { assetGroupOf, DELETE_LEAD_TYPE_ID } from './activity-types.js';
import { z } from 'zod';
import {
  columnHeaderNamesShape, formatShape, readBody, readColumnHeaderNames, readFormat, readIntList, readStringList, readWindow,
  SHARED_BODY_RULES, windowShape, type BodyRule, type ExportFormat, type ValidateOptions,
} from './export-body.js';
import { InvalidRequest } from './errors.js';

export { EXPORT_FORMATS, MAX_SPAN_MS, describeSpan, type ExportFormat, type ValidateOptions } from './export-body.js';

export const DEFAULT_FIELDS = [
  'marketoGUID', 'leadId', 'activityDate', 'activityTypeId', 'campaignId',
  'primaryAttributeValueId', 'primaryAttributeValue', 'attributes',
] as const;
export const EXPORT_FIELDS = [...DEFAULT_FIELDS, 'actionResult'] as const;
export type ExportField = (typeof EXPORT_FIELDS)[number];

export const MAX_PRIMARY_VALUES = 50;

/** An activity export's filter. */
export interface ExportFilter {
  /** Inclusive bounds in epoch ms. */
  startMs: number;
  endMs: number;
  activityTypeIds?: number[];
  primaryAttributeValueIds?: number[];
  primaryAttributeValues?: string[];
  /** Ids the `primaryAttributeValues` names resolved to through the asset catalog, when the job was created. */
  resolvedPrimaryAttributeValueIds?: number[];
}

export interface ActivityExportRequest {
  kind: 'activities';
  format: ExportFormat;
  fields: ExportField[];
  /** Header text per field; only fields that are renamed appear. */
  columnHeaderNames: Partial<Record<ExportField, string>>;
  filter: ExportFilter;
}

const FILTER_KEYS = new Set(['createdAt', 'activityTypeIds', 'primaryAttributeValueIds', 'primaryAttributeValues']);

export function validateActivityExportRequest(raw: unknown, options: ValidateOptions = {}): ActivityExportRequest {
  const body = readBody(raw);
  const filter = readFilter(body.filter, options);
  const fields = readFields(body.fields);
  return {
    kind: 'activities',
    format: readFormat(body.format),
    fields,
    columnHeaderNames: readColumnHeaderNames(body.columnHeaderNames, fields),
    filter,
  };
}

function readFilter(raw: unknown, options: ValidateOptions): ExportFilter {
  if (raw === undefined || raw === null) throw InvalidRequest.missing('filter');
  if (typeof raw !== 'object' || Array.isArray(raw)) throw InvalidRequest.rule('filter', 'must be a JSON object');
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!FILTER_KEYS.has(key)) throw InvalidRequest.rule(`filter.${key}`, 'is not a filter of activity exports');
  }
  const filter: ExportFilter = { ...readWindow(given.createdAt, 'filter.createdAt', options) };

  const typeIds = readIntList(given.activityTypeIds, 'filter.activityTypeIds');
  if (typeIds?.includes(DELETE_LEAD_TYPE_ID)) {
    throw InvalidRequest.rule('filter.activityTypeIds', 'type 37 (Delete Lead) cannot be exported; use Get Deleted Leads');
  }
  if (typeIds && typeIds.length > 0) filter.activityTypeIds = typeIds;

  const ids = readIntList(given.primaryAttributeValueIds, 'filter.primaryAttributeValueIds');
  const names = readStringList(given.primaryAttributeValues, 'filter.primaryAttributeValues');
  if (ids && names) {
    throw InvalidRequest.rule('filter', 'primaryAttributeValueIds and primaryAttributeValues cannot be used together');
  }
  const primary = ids ? 'primaryAttributeValueIds' : names ? 'primaryAttributeValues' : undefined;
  const values = ids ?? names;
  if (primary && values) {
    if (values.length === 0) throw InvalidRequest.rule(`filter.${primary}`, 'must hold at least one value');
    if (values.length > MAX_PRIMARY_VALUES) {
      throw InvalidRequest.rule(`filter.${primary}`, `at most ${MAX_PRIMARY_VALUES} values are allowed, got ${values.length}`);
    }
    checkAssetGroup(filter.activityTypeIds, primary);
    if (ids) filter.primaryAttributeValueIds = ids;
    if (names) filter.primaryAttributeValues = names;
  }
  return filter;
}

function checkAssetGroup(typeIds: number[] | undefined, primary: string): void {
  if (!typeIds) throw InvalidRequest.rule(`filter.${primary}`, 'requires filter.activityTypeIds');
  const groups = new Set<string>();
  for (const id of typeIds) {
    const group = assetGroupOf(id);
    if (!group) {
      throw InvalidRequest.rule(
        'filter.activityTypeIds',
        `type ${id} cannot be filtered by primary attribute; allowed types are 2, 13, 22, 24, 25 and 104`,
      );
    }
    groups.add(group);
  }
  if (groups.size > 1) {
    throw InvalidRequest.rule('filter.activityTypeIds', `types must belong to one asset group, got ${[...groups].join(', ')}`);
  }
}

function readFields(raw: unknown): ExportField[] {
  // Absent, null and [] all mean the default columns (airbyte sends [], marketorestpython null).
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0)) return [...DEFAULT_FIELDS];
  if (!Array.isArray(raw) || !raw.every((v) => typeof v === 'string')) throw InvalidRequest.rule('fields', 'must be an array of field names');
  const seen = new Set<string>();
  for (const name of raw as string[]) {
    if (!(EXPORT_FIELDS as readonly string[]).includes(name)) {
      throw InvalidRequest.rule('fields', `unknown field '${name}'; allowed fields are ${EXPORT_FIELDS.join(', ')}`);
    }
    if (seen.has(name)) throw InvalidRequest.rule('fields', `field '${name}' is listed twice`);
    seen.add(name);
  }
  return raw as ExportField[];
}

// --- shape (export-body.ts says how shapes and readers agree) ---------------------------------

const primaryValues = <T extends z.ZodType>(item: T, what: string) => z.array(item).min(1).nullable().optional()
  .meta({ description: `At most ${MAX_PRIMARY_VALUES} ${what}; needs activityTypeIds of one asset group (2; 13, 22; 24, 25; 104); not with the other primary attribute filter` });

/** The create body of `POST /bulk/v1/activities/export/create.json`. */
export const activityExportBodyShape = z.looseObject({
  format: formatShape,
  fields: z.array(z.enum(EXPORT_FIELDS)).nullable().optional()
    .meta({ uniqueItems: true, description: `The columns, in order; absent, null or [] for ${DEFAULT_FIELDS.join(', ')}`, examples: [['marketoGUID', 'leadId', 'activityDate', 'activityTypeId']] }),
  columnHeaderNames: columnHeaderNamesShape(EXPORT_FIELDS),
  filter: z.strictObject({
    createdAt: windowShape,
    activityTypeIds: z.array(z.int()).nullable().optional()
      .meta({ description: 'Activity type ids (activities/types.json); 37 (Delete Lead) cannot be exported', examples: [[1, 6, 12]] }),
    primaryAttributeValueIds: primaryValues(z.int(), 'asset ids'),
    primaryAttributeValues: primaryValues(z.string(), 'asset names'),
  }),
}).meta({
  examples: [{ format: 'CSV', fields: ['marketoGUID', 'leadId', 'activityDate', 'activityTypeId'], filter: { createdAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' }, activityTypeIds: [1, 6] } }],
});

/** What the activity shape takes but the validator refuses (1003 each). */
export const ACTIVITY_BODY_RULES: BodyRule[] = [
  ...SHARED_BODY_RULES,
  { says: 'activityTypeIds does not hold 37 (Delete Lead)', refusal: /type 37 \(Delete Lead\) cannot be exported/ },
  { says: 'primaryAttributeValueIds and primaryAttributeValues are not both given', refusal: /cannot be used together/ },
  { says: `at most ${MAX_PRIMARY_VALUES} distinct primary attribute values`, refusal: /at most \d+ values are allowed/ },
  { says: 'a primary attribute filter needs activityTypeIds, all of one asset group', refusal: /requires filter\.activityTypeIds|cannot be filtered by primary attribute|must belong to one asset group/ },
];
