/**
 * The shapes of what the Marketo endpoints answer inside their envelopes: one beside each view
 * function's module would import zod into modules other work changes often, so they sit here,
 * named after the view they describe. The OpenAPI document publishes them as JSON Schema, and
 * test/openapi/live.test.ts checks every answer of a live server against them with the objects
 * closed (`z.object` here: no key the shape does not name), so a view that gains a key fails
 * there until its shape says it. `z.looseObject` marks records that carry the catalog's own keys.
 * Pure.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from './export-body.js';
import { JOB_STATUSES } from './job.js';

/** Marketo's output datetime: UTC, whole seconds, `Z` (formatMarketoDate). */
const marketoDate = z.string().meta({ examples: ['2026-01-15T12:00:00Z'] });

/** `toJobView`: keys appear as the status reaches them. */
export const jobViewShape = z.object({
  exportId: z.string().meta({ examples: ['ce45a7a1-f19d-4ce2-882c-a3c795ad7c7d'] }),
  format: z.enum(EXPORT_FORMATS),
  status: z.enum(JOB_STATUSES),
  createdAt: marketoDate,
  queuedAt: marketoDate.optional(),
  startedAt: marketoDate.optional(),
  finishedAt: marketoDate.optional().meta({ description: 'Completed and Failed jobs' }),
  numberOfRecords: z.int().optional().meta({ description: 'Completed jobs' }),
  fileSize: z.int().optional().meta({ description: 'Completed jobs: the size in bytes' }),
  fileChecksum: z.string().optional().meta({ description: 'Completed jobs: `sha256:<hex>`' }),
  errorMsg: z.string().optional().meta({ description: 'Failed jobs' }),
}).meta({ examples: [{ exportId: 'ce45a7a1-f19d-4ce2-882c-a3c795ad7c7d', format: 'CSV', status: 'Completed', createdAt: '2026-01-15T12:00:00Z', queuedAt: '2026-01-15T12:00:01Z', startedAt: '2026-01-15T12:00:02Z', finishedAt: '2026-01-15T12:00:09Z', numberOfRecords: 122, fileSize: 20480, fileChecksum: 'sha256:6b9a1a6ad3e8c6e9b1c8d1e7f0f3b3f5d0c4a1e2b3c4d5e6f708192a3b4c5d6e' }] });

const attribute = z.object({ name: z.string(), dataType: z.string(), apiName: z.string().optional(), description: z.string().optional() });

/** `activities/types.json`: standard types, then custom ones (which carry apiName, triggerName, filterName). */
export const activityTypeShape = z.object({
  id: z.int(), apiName: z.string().optional(), name: z.string(), description: z.string(),
  triggerName: z.string().optional(), filterName: z.string().optional(),
  primaryAttribute: attribute, attributes: z.array(attribute),
}).meta({ examples: [{ id: 1, name: 'Visit Webpage', description: 'User visits a web page', primaryAttribute: { name: 'Webpage ID', dataType: 'integer' }, attributes: [{ name: 'Client IP Address', dataType: 'string' }] }] });

/** `customTypeView`. */
export const customTypeShape = activityTypeShape.extend({
  apiName: z.string(), status: z.string().meta({ examples: ['approved'] }), createdAt: marketoDate, updatedAt: marketoDate,
});

/** One outcome of `activities/external.json`, in the order of the input. */
export const customActivityOutcomeShape = z.object({
  id: z.int().optional(), marketoGUID: z.string().optional(),
  status: z.enum(['added', 'skipped']),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })).optional()
    .meta({ description: 'Skipped: 1002, 1001, 1003, 1004 (lead not found), 1006 (attribute not found), 1049 (attributes too long)' }),
}).meta({ examples: [{ id: 1000001, marketoGUID: '1000001', status: 'added' }] });

/** `staticListView`. */
export const staticListShape = z.object({
  id: z.int(), name: z.string(), description: z.string().optional(), programName: z.string().optional(),
  workspaceId: z.int(), workspaceName: z.string(), createdAt: z.string(), updatedAt: z.string(),
}).meta({ examples: [{ id: 3001, name: 'Newsletter', programName: 'GL_OP_ALL_2026', workspaceId: 1, workspaceName: 'Default', createdAt: '2025-06-01T10:00:00Z', updatedAt: '2025-06-01T10:00:00Z' }] });

/** `campaignView`. */
export const campaignShape = z.object({
  id: z.int(), name: z.string(), description: z.string().optional(), type: z.string(),
  programName: z.string().optional(), programId: z.int().optional(), workspaceName: z.string(),
  createdAt: z.string(), updatedAt: z.string(), active: z.boolean(),
}).meta({ examples: [{ id: 8497, name: 'Sync to CRM', type: 'trigger', programName: 'GL_OP_ALL_2026', programId: 1001, workspaceName: 'Default', createdAt: '2025-06-01T10:00:00Z', updatedAt: '2025-06-01T10:00:00Z', active: true }] });

/** `programView`: the by-id and by-name answers add tags, costs and the catalog's own keys. */
export const programShape = z.looseObject({
  id: z.int(), name: z.string(), description: z.string(), createdAt: z.string(), updatedAt: z.string(),
  url: z.unknown(), type: z.unknown(), channel: z.unknown(),
  folder: z.object({ type: z.string(), value: z.int(), folderName: z.string() }),
  status: z.string(), workspace: z.string(), sfdcId: z.string().optional(), sfdcName: z.unknown().optional(),
  tags: z.array(z.unknown()).nullable().optional(), costs: z.array(z.unknown()).nullable().optional(),
  headStart: z.boolean().optional().meta({ description: 'Email programs only' }),
}).meta({ examples: [{ id: 1001, name: 'GL_OP_ALL_2026', description: '', createdAt: '2025-06-01T10:00:00Z+0000', updatedAt: '2025-06-01T10:00:00Z+0000', url: null, type: 'Default', channel: 'Operational', folder: { type: 'Folder', value: 1, folderName: 'Marketing Activities' }, status: '', workspace: 'Default' }] });

/** A static list or form of the Asset API: the catalog's record as imported. */
export const assetShape = z.looseObject({ id: z.int(), name: z.string() }).meta({ examples: [{ id: 2001, name: 'MPS Outbound' }] });

/** `describeEntry`: one lead field per result. */
export const leadFieldShape = z.object({
  id: z.int(), displayName: z.string(), dataType: z.string(), length: z.int().optional(),
  rest: z.object({ name: z.string(), readOnly: z.boolean() }),
  soap: z.object({ name: z.string(), readOnly: z.boolean() }).optional(),
}).meta({ examples: [{ id: 2, displayName: 'Company Name', dataType: 'string', length: 255, rest: { name: 'company', readOnly: false }, soap: { name: 'Company', readOnly: false } }] });

const describedField = z.object({
  name: z.string(), displayName: z.string(), dataType: z.string(), length: z.int().optional(), updateable: z.boolean(), crmManaged: z.boolean(),
});

/** `describe2Result`. */
export const leadDescribe2Shape = z.object({
  name: z.string(), searchableFields: z.array(z.array(z.string())), fields: z.array(describedField),
}).meta({ examples: [{ name: 'API Lead', searchableFields: [['email'], ['id']], fields: [{ name: 'email', displayName: 'Email Address', dataType: 'email', length: 255, updateable: true, crmManaged: false }] }] });

/** `describeMembers`. */
export const memberDescribeShape = z.object({
  name: z.string(), description: z.string(), createdAt: z.string(), updatedAt: z.string(),
  dedupeFields: z.array(z.string()), searchableFields: z.array(z.array(z.string())), fields: z.array(describedField),
}).meta({ examples: [{ name: 'API Program Membership', description: 'Map for API program membership fields', createdAt: '2021-03-20T01:30:05Z', updatedAt: '2021-03-20T01:30:05Z', dedupeFields: ['leadId', 'programId'], searchableFields: [['leadId']], fields: [{ name: 'statusName', displayName: 'Status', dataType: 'string', length: 255, updateable: true, crmManaged: false }] }] });

/** `describeMembersSuperseded`. */
export const memberDescribeSupersededShape = z.object({ name: z.string(), fields: z.array(describedField) })
  .meta({ examples: [{ name: 'API Program Member', fields: [{ name: 'statusName', displayName: 'Status', dataType: 'string', updateable: true, crmManaged: false }] }] });
