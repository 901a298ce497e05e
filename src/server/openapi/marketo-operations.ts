/**
 * The operations of Marketo's paths: the three bulk export kinds, the REST reads, describe, usage,
 * custom activities and identity. Keyed by `METHOD path` as the document lists the path.
 */
import { z } from 'zod';
import { customActivitiesBodyShape, customTypeBodyShape } from '../../domain/custom-activities.js';
import { activityExportBodyShape } from '../../domain/export-request.js';
import { leadExportBodyShape } from '../../domain/lead-export-request.js';
import { MAX_BATCH_SIZE, MAX_RETURN } from '../../domain/paging.js';
import { memberExportBodyShape } from '../../domain/program-member-export-request.js';
import { PROGRAM_FILTER_TYPES } from '../../domain/program-browse.js';
import {
  activityTypeShape, assetShape, campaignShape, customActivityOutcomeShape, customTypeShape, jobViewShape, leadDescribe2Shape,
  leadFieldShape, memberDescribeShape, memberDescribeSupersededShape, programShape, staticListShape,
} from '../../domain/view-shapes.js';
import { booleanParam, intParam, named, textParam, type NamedShape, type OperationSpec, type QueryParam } from './operation.js';

const ASSET = '/rest/asset/v1';
const job = named('ExportJob', jobViewShape);

interface ExportKindDoc {
  base: string;
  /** `Activities`, `Leads`, `ProgramMembers`: Marketo's own operation names use these. */
  noun: string;
  what: string;
  body: NamedShape;
  createErrors: OperationSpec['errors'];
}

const EXPORT_KINDS: ExportKindDoc[] = [
  { base: '/bulk/v1/activities/export', noun: 'Activities', what: 'an activity', body: named('ActivityExportRequest', activityExportBodyShape), createErrors: ['609', '1001', '1002', '1003', '1029'] },
  { base: '/bulk/v1/leads/export', noun: 'Leads', what: 'a lead', body: named('LeadExportRequest', leadExportBodyShape), createErrors: ['609', '1001', '1002', '1003', '1029', '1035'] },
  { base: '/bulk/v1/program/members/export', noun: 'ProgramMembers', what: 'a program member', body: named('ProgramMemberExportRequest', memberExportBodyShape), createErrors: ['609', '1001', '1002', '1003', '1029', '1035'] },
];

const JOB_LIST_QUERY: QueryParam[] = [
  textParam('status', 'Statuses to keep, comma-separated or repeated, any case (Created, Queued, Processing, Completed, Failed, Cancelled)', 'Completed,Failed'),
  intParam('batchSize', `Jobs a page, 1 to ${MAX_BATCH_SIZE} (the default)`, '50'),
  textParam('nextPageToken', 'From the previous page'),
];

function exportOperations(k: ExportKindDoc): Record<string, OperationSpec> {
  const id = `/${'{exportId}'}`;
  return {
    [`POST ${k.base}/create.json`]: {
      operationId: `createExport${k.noun}`, summary: `Create ${k.what} export job (status Created)`,
      body: { shape: k.body, required: true }, answer: { kind: 'marketo', result: job }, errors: k.createErrors,
      resultExample: { exportId: 'ce45a7a1-f19d-4ce2-882c-a3c795ad7c7d', format: 'CSV', status: 'Created', createdAt: '2026-01-15T12:00:00Z' },
    },
    [`POST ${k.base}${id}/enqueue.json`]: {
      operationId: `enqueueExport${k.noun}`, summary: 'Queue a Created job (one queue and one daily quota for every export kind)',
      answer: { kind: 'marketo', result: job }, errors: ['1003', '1029'],
    },
    [`GET ${k.base}${id}/status.json`]: {
      operationId: `getExport${k.noun}Status`, summary: "A job's status", answer: { kind: 'marketo', result: job }, errors: ['1003'],
    },
    [`POST ${k.base}${id}/cancel.json`]: {
      operationId: `cancelExport${k.noun}`, summary: 'Cancel a Created, Queued or Processing job', answer: { kind: 'marketo', result: job }, errors: ['1003'],
    },
    [`GET ${k.base}.json`]: {
      operationId: `getExport${k.noun}`, summary: "The caller's jobs of this kind of the last 7 days, newest first",
      query: JOB_LIST_QUERY, answer: { kind: 'marketo', result: job, paged: true }, errors: ['1003'],
    },
    [`GET ${k.base}${id}/file.json`]: {
      operationId: `getExport${k.noun}File`, summary: "A Completed job's file, whole or one Range (206/416); plain-text 404 otherwise",
      answer: { kind: 'file' },
    },
    [`HEAD ${k.base}${id}/file.json`]: {
      operationId: `headExport${k.noun}File`, summary: 'The headers of file.json without the body', answer: { kind: 'file', head: true },
    },
  };
}

const LEAD_DB_QUERY: QueryParam[] = [
  intParam('id', 'Ids, comma-separated or repeated'),
  textParam('name', 'Names, comma-separated or repeated (repeat a name that holds a comma)'),
  textParam('programName', 'Program names'),
  textParam('workspaceName', 'Workspace names'),
  intParam('batchSize', `Records a page, 1 to ${MAX_BATCH_SIZE} (0 or less, or absent: ${MAX_BATCH_SIZE})`, '100'),
  textParam('nextPageToken', 'From the previous page; bound to the same filters'),
];

const PROGRAM_QUERY: QueryParam[] = [
  intParam('maxReturn', `Programs a page, 1 to ${MAX_RETURN} (default 20)`, '200'),
  intParam('offset', 'Programs to skip (name order)', '0'),
  { name: 'filterType', description: 'Filter by', schema: { type: 'string', enum: [...PROGRAM_FILTER_TYPES] } },
  textParam('filterValues', 'Values for filterType, comma-separated'),
  textParam('status', 'Program status (on, off, locked, ...), any case'),
  textParam('earliestUpdatedAt', 'Updated at or after (datetime)'),
  textParam('latestUpdatedAt', 'Updated at or before (datetime)'),
];

const byNameQuery = (example: string): QueryParam[] => [textParam('name', 'The exact name', example, true)];

const ACTIVITY_TYPE = named('ActivityType', activityTypeShape);
const CUSTOM_TYPE = named('CustomActivityType', customTypeShape);
const USAGE = named('DailyUsage', z.object({
  date: z.string().meta({ examples: ['2026-01-15'] }), total: z.int(),
  users: z.array(z.object({ userId: z.string(), count: z.int() })),
}).meta({ examples: [{ date: '2026-01-15', total: 42, users: [{ userId: 'etl@example.com', count: 42 }] }] }));

const TOKEN = named('AccessToken', z.object({
  access_token: z.string(), token_type: z.literal('bearer'), expires_in: z.int(), scope: z.string(),
}).meta({ examples: [{ access_token: 'cdf01657-110d-4155-99a7-f986b2ff13a0:int', token_type: 'bearer', expires_in: 3599, scope: 'etl@example.com' }] }));

const CREDENTIALS: QueryParam[] = [
  { name: 'grant_type', description: 'client_credentials', schema: { type: 'string', enum: ['client_credentials'] }, required: true, example: 'client_credentials' },
  textParam('client_id', 'The API user\'s client id', undefined, true),
  textParam('client_secret', 'The API user\'s client secret', undefined, true),
];

export const MARKETO_OPERATIONS: Record<string, OperationSpec> = {
  'GET /identity/oauth/token': {
    operationId: 'getAccessToken', summary: 'Client credentials in, a bearer token out (OAuth2 answers, not the envelope)',
    query: CREDENTIALS, answer: { kind: 'json', schema: TOKEN, status: { 400: 'unsupported_grant_type', 401: 'invalid_client', 429: 'too_many_requests (Retry-After)' } },
  },
  'POST /identity/oauth/token': {
    operationId: 'postAccessToken', summary: 'Client credentials (query or form body) in, a bearer token out',
    query: CREDENTIALS.map((p) => ({ ...p, required: false })), form: { fields: CREDENTIALS },
    answer: { kind: 'json', schema: TOKEN, status: { 400: 'unsupported_grant_type', 401: 'invalid_client', 429: 'too_many_requests (Retry-After)' } },
  },
  ...Object.assign({}, ...EXPORT_KINDS.map(exportOperations)) as Record<string, OperationSpec>,
  'GET /rest/v1/activities/types.json': {
    operationId: 'getAllActivityTypes', summary: 'Activity types: the standard ones, then the custom ones', answer: { kind: 'marketo', result: ACTIVITY_TYPE },
  },
  'GET /rest/v1/activities/external/types.json': {
    operationId: 'getCustomActivityTypes', summary: 'Custom activity types', answer: { kind: 'marketo', result: CUSTOM_TYPE },
  },
  'POST /rest/v1/activities/external/type.json': {
    operationId: 'createCustomActivityType', summary: 'Create a custom activity type',
    body: { shape: named('CustomActivityTypeRequest', customTypeBodyShape), required: true }, answer: { kind: 'marketo', result: CUSTOM_TYPE },
    errors: ['609', '1002', '1003'],
  },
  'POST /rest/v1/activities/external.json': {
    operationId: 'addCustomActivities', summary: 'Add custom activities (at most 300 a call)',
    body: { shape: named('CustomActivitiesRequest', customActivitiesBodyShape), required: true },
    answer: { kind: 'marketo', result: named('CustomActivityOutcome', customActivityOutcomeShape) }, errors: ['609', '1002', '1003'],
  },
  [`GET ${ASSET}/programs.json`]: {
    operationId: 'browsePrograms', summary: 'Browse programs (offset paging, filters, updated-at window)', query: PROGRAM_QUERY,
    answer: { kind: 'asset', result: named('Program', programShape) }, errors: ['701', '1001', '1003'],
  },
  [`GET ${ASSET}/program/byName.json`]: {
    operationId: 'getProgramByName', summary: 'A program by name, with tags and costs on request',
    query: [...byNameQuery('GL_OP_ALL_2026'), booleanParam('includeTags', 'Add the tags', 'true'), booleanParam('includeCosts', 'Add the costs', 'true')],
    answer: { kind: 'asset', result: named('Program', programShape) }, errors: ['1001', '1002'],
  },
  [`GET ${ASSET}/program/{id}.json`]: {
    operationId: 'getProgramById', summary: 'A program by id, with tags and costs', answer: { kind: 'asset', result: named('Program', programShape) }, errors: ['1001'],
  },
  'GET /rest/v1/lists.json': {
    operationId: 'getLists', summary: 'Static lists (batchSize, nextPageToken)', query: LEAD_DB_QUERY,
    answer: { kind: 'marketo', result: named('StaticList', staticListShape), paged: true }, errors: ['1001', '1003'],
  },
  'GET /rest/v1/lists/{id}.json': {
    operationId: 'getListById', summary: 'A static list by id; 1013 when unknown', answer: { kind: 'marketo', result: named('StaticList', staticListShape) }, errors: ['1001', '1013'],
  },
  'GET /rest/v1/campaigns.json': {
    operationId: 'getCampaigns', summary: 'Smart campaigns (batchSize, nextPageToken)',
    query: [...LEAD_DB_QUERY, booleanParam('isTriggerable', 'true keeps active campaigns a Web Service API call may request', 'true')],
    answer: { kind: 'marketo', result: named('SmartCampaign', campaignShape), paged: true }, errors: ['1001', '1003'],
  },
  'GET /rest/v1/campaigns/{id}.json': {
    operationId: 'getCampaignById', summary: 'A smart campaign by id; 1013 when unknown', answer: { kind: 'marketo', result: named('SmartCampaign', campaignShape) }, errors: ['1001', '1013'],
  },
  [`GET ${ASSET}/staticList/byName.json`]: {
    operationId: 'getStaticListByName', summary: 'A static list by name', query: byNameQuery('Newsletter'),
    answer: { kind: 'asset', result: named('Asset', assetShape) }, errors: ['1002'],
  },
  [`GET ${ASSET}/staticList/{id}.json`]: {
    operationId: 'getStaticListById', summary: 'A static list by id', answer: { kind: 'asset', result: named('Asset', assetShape) }, errors: ['1001'],
  },
  [`GET ${ASSET}/form/byName.json`]: {
    operationId: 'getFormByName', summary: 'A form by name', query: byNameQuery('MPS Outbound'),
    answer: { kind: 'asset', result: named('Asset', assetShape) }, errors: ['1002'],
  },
  [`GET ${ASSET}/form/{id}.json`]: {
    operationId: 'getFormById', summary: 'A form by id', answer: { kind: 'asset', result: named('Asset', assetShape) }, errors: ['1001'],
  },
  'GET /rest/v1/leads/describe.json': {
    operationId: 'describeLeads', summary: "Describe Lead: the lead schema (standard fields and the catalog's), one page",
    answer: { kind: 'marketo', result: named('LeadField', leadFieldShape) },
  },
  'GET /rest/v1/leads/describe2.json': {
    operationId: 'describeLeads2', summary: 'Describe Lead 2: the lead schema as one object with searchable fields',
    answer: { kind: 'marketo', result: named('LeadDescribe2', leadDescribe2Shape) },
  },
  'GET /rest/v1/programs/members/describe.json': {
    operationId: 'describeProgramMembers', summary: 'Describe Program Member: the program member fields',
    answer: { kind: 'marketo', result: named('ProgramMemberDescribe', memberDescribeShape) },
  },
  'GET /rest/v1/program/members/describe.json': {
    operationId: 'describeProgramMembersSuperseded', summary: 'Describe Program Member (superseded path): the same fields',
    answer: { kind: 'marketo', result: named('ProgramMemberDescribeSuperseded', memberDescribeSupersededShape) },
  },
  'GET /rest/v1/stats/usage.json': {
    operationId: 'getDailyUsage', summary: "Today's API calls, in total and per user", answer: { kind: 'marketo', result: USAGE },
  },
};
