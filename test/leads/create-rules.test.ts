/**
 * The create rules of the Bulk Lead and Program Member Extracts and their codes, in the order of
 * notes Q1, and the feature switch (notes Q4). A server suite (startHarness through
 * ./helpers.ts), so it runs on PostgreSQL too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LEAD_CATALOG } from '../../src/store/conformance/lead-fixtures.js';
import { createAt, errorOf, jobOf, leadHarness, LEADS, LEAD_ROLE, loadCatalog, MEMBERS } from './helpers.js';

const WINDOW = { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T00:00:00Z' };
const lead = (extra: Record<string, unknown> = {}, filter: unknown = { createdAt: WINDOW }) => ({ fields: ['id', 'email'], filter, ...extra });
const members = (extra: Record<string, unknown> = {}, filter: Record<string, unknown> = { programId: 1001 }) => ({ fields: ['leadId', 'statusName'], filter, ...extra });

type Case = [label: string, body: unknown, code: string, message: string | RegExp];

const LEAD_CASES: Case[] = [
  ['not JSON', '{"fields":', '609', 'Invalid JSON'],
  ['not an object', '[]', '1003', "Invalid value for 'body': the request body must be a JSON object"],
  ['no filter (and no fields): the filter comes first', {}, '1002', "Missing value for required parameter 'filter'"],
  ['filter {}', lead({}, {}), '1002', "Missing value for required parameter 'filter'"],
  ['filter null', lead({}, null), '1002', "Missing value for required parameter 'filter'"],
  ['filter not an object', lead({}, 'x'), '1003', "Invalid value for 'filter': must be a JSON object"],
  ['a key of another export kind', lead({}, { activityTypeIds: [1] }), '1003', "Invalid value for 'filter.activityTypeIds': is not a filter of lead exports"],
  ['two filter types', lead({}, { createdAt: WINDOW, staticListId: 3001 }), '1003', "Invalid value for 'filter': only one filter type is allowed, got createdAt, staticListId"],
  ['createdAt without endAt', lead({}, { createdAt: { startAt: WINDOW.startAt } }), '1002', "Missing value for required parameter 'filter.createdAt.endAt'"],
  ['an impossible date', lead({}, { updatedAt: { startAt: '2026-02-30T00:00:00Z', endAt: WINDOW.endAt } }), '1001', "Invalid value '2026-02-30T00:00:00Z'. Required of type 'datetime'"],
  ['a window over 31 days', lead({}, { updatedAt: { startAt: '2026-01-01T00:00:00Z', endAt: '2026-02-01T00:00:01Z' } }), '1003', /'filter.updatedAt': the date range may span at most 31 days, got 31 days 0 hours 1 seconds/],
  ['staticListId not an integer', lead({}, { staticListId: '3001' }), '1003', "Invalid value for 'filter.staticListId': must be a positive integer"],
  ['smartListName not a string', lead({}, { smartListName: 4001 }), '1003', "Invalid value for 'filter.smartListName': must be a string"],
  ['a bad filter value comes before missing fields', lead({ fields: [] }, { staticListId: -1 }), '1003', "Invalid value for 'filter.staticListId': must be a positive integer"],
  ['fields missing', { filter: { createdAt: WINDOW } }, '1002', "Missing value for required parameter 'fields'"],
  ['fields null', lead({ fields: null }), '1002', "Missing value for required parameter 'fields'"],
  ['fields []', lead({ fields: [] }), '1002', "Missing value for required parameter 'fields'"],
  ['fields not an array of names', lead({ fields: 'id' }), '1003', "Invalid value for 'fields': must be an array of field names"],
  ['unknown and unexportable fields, all in one message', lead({ fields: ['id', 'nope', 'secretField', 'Email', 'nope'] }), '1003', 'Invalid fields [nope, secretField, Email]'],
  ['columnHeaderNames of a field not asked for', lead({ columnHeaderNames: { company: 'Company' } }), '1003', "Invalid value for 'columnHeaderNames': 'company' is not one of the job's fields"],
  ['unknown format', lead({ format: 'XML' }), '1003', "Invalid value for 'format': unknown format 'XML'; use CSV, TSV or SSV"],
  ['a static list that does not exist', lead({}, { staticListId: 9999 }), '1003', "Invalid value for 'filter.staticListId': static list 9999 not found"],
  ['a static list name that names none', lead({}, { staticListName: 'newsletter' }), '1003', "Invalid value for 'filter.staticListName': static list 'newsletter' not found"],
  ['a smart list without rules', lead({}, { smartListName: 'No rules' }), '1003', "Invalid value for 'filter.smartListName': smart list 'No rules' has no rules"],
];

const MEMBER_CASES: Case[] = [
  ['filter {}', members({}, {}), '1002', "Missing value for required parameter 'filter'"],
  ['neither programId nor programIds', members({}, { statusNames: ['Member'] }), '1003', "Invalid value for 'filter': exactly one of programId and programIds is required"],
  ['both programId and programIds', members({}, { programId: 1001, programIds: [1002] }), '1003', "Invalid value for 'filter': exactly one of programId and programIds is required"],
  ['a lead filter key', members({}, { programId: 1001, staticListId: 3001 }), '1003', "Invalid value for 'filter.staticListId': is not a filter of program member exports"],
  ['more than 10 programIds', members({}, { programIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }), '1003', "Invalid value for 'filter.programIds': at most 10 programs are allowed, got 11"],
  ['programIds []', members({}, { programIds: [] }), '1003', "Invalid value for 'filter.programIds': must hold at least one program id"],
  ['isExhausted not a boolean', members({}, { programId: 1001, isExhausted: 'true' }), '1003', "Invalid value for 'filter.isExhausted': must be true or false"],
  ['an unknown nurtureCadence', members({}, { programId: 1001, nurtureCadence: 'fast' }), '1003', "Invalid value for 'filter.nurtureCadence': must be 'paus' (or 'pause') or 'norm'"],
  ['statusNames not strings', members({}, { programId: 1001, statusNames: [1] }), '1003', "Invalid value for 'filter.statusNames': must be an array of strings"],
  ['fields missing', { filter: { programId: 1001 } }, '1002', "Missing value for required parameter 'fields'"],
  ['fields neither member nor lead fields', members({ fields: ['leadId', 'program', 'firstName', 'nope', 'secretField'] }), '1003', 'Invalid fields [nope, secretField]'],
  ['a program that does not exist', members({}, { programIds: [1001, 9999] }), '1003', "Invalid value for 'filter.programIds': program 9999 not found"],
  ['a status name no membership has', members({}, { programIds: [1001, 1002], statusNames: ['Member', 'Attended'] }), '1003', 'Invalid Data'],
];

async function expectAll(h: Awaited<ReturnType<typeof leadHarness>>, token: string, base: string, cases: Case[]): Promise<void> {
  for (const [label, body, code, message] of cases) {
    const got = errorOf(await createAt(h, token, base, body), code);
    if (typeof message === 'string') assert.equal(got, message, label);
    else assert.match(got, message, label);
  }
}

test('lead export create: every rule and its code, in the order of notes Q1', async (t) => {
  const h = await leadHarness(t);
  await loadCatalog(h, LEAD_CATALOG);
  const token = await h.token(LEAD_ROLE);
  await expectAll(h, token, LEADS, LEAD_CASES);
  // Accepted: every filter type alone (lists by id and by name), duplicate fields dropped, any case of format.
  for (const filter of [{ createdAt: WINDOW }, { updatedAt: WINDOW }, { staticListId: 3001 }, { staticListName: 'VIP' }, { smartListId: 4001 }, { smartListName: 'Engaged' }]) {
    const job = jobOf(await createAt(h, token, LEADS, lead({ fields: ['id', 'id', 'createdAt'], format: 'tsv' }, filter)));
    assert.deepEqual(Object.keys(job), ['exportId', 'format', 'status', 'createdAt']);
    assert.equal(job.format, 'TSV');
    assert.equal(job.status, 'Created');
    assert.deepEqual((await h.store.getJob(job.exportId))!.request.fields, ['id', 'createdAt']);
  }
});

test('program member export create: every rule and its code', async (t) => {
  const h = await leadHarness(t);
  await loadCatalog(h, LEAD_CATALOG);
  const { lead: leadRecord, member } = await import('../../src/store/conformance/lead-fixtures.js');
  await h.store.importLeads([leadRecord({ id: 1 })]);
  await h.store.importProgramMembers([member({ programId: 1001, leadId: 1, statusName: 'Member' })]);
  const token = await h.token('read-write-lead');
  await expectAll(h, token, MEMBERS, MEMBER_CASES);
  const ok = jobOf(await createAt(h, token, MEMBERS, members({ fields: ['firstName', 'programId', 'webinarUrl'] },
    { programIds: [1002, 1001], statusNames: ['Member'], isExhausted: false, nurtureCadence: 'pause', updatedAt: WINDOW })));
  const request = (await h.store.getJob(ok.exportId))!.request;
  assert.equal(request.kind, 'programMembers');
  assert.deepEqual(request.fields, ['programId', 'firstName', 'webinarUrl'], 'with programIds, programId comes first and once');
});

test('--advanced-extract-filters off: updatedAt and smart list filters answer 1035 before their values are read', async (t) => {
  const h = await leadHarness(t, { advancedExtractFilters: false });
  await loadCatalog(h, LEAD_CATALOG);
  const token = await h.token(LEAD_ROLE);
  const UNSUPPORTED = 'Unsupported filter type for target subscription';
  // tap-marketo's probe, exactly as it sends it.
  const probe = { format: 'CSV', fields: ['id'], filter: { updatedAt: { startAt: '2026-01-14T12:00:00+00:00', endAt: '2026-01-14T12:00:01+00:00' } } };
  for (const body of [probe, lead({}, { updatedAt: {} }), lead({}, { smartListId: 'garbage' }), lead({ fields: [] }, { smartListName: 'Nope' })]) {
    assert.equal(errorOf(await createAt(h, token, LEADS, body), '1035'), UNSUPPORTED, JSON.stringify(body));
  }
  assert.equal(errorOf(await createAt(h, token, MEMBERS, members({}, { programId: 1001, updatedAt: WINDOW })), '1035'), UNSUPPORTED);
  // Rules checked before the gate still come first; filters outside the gate still work.
  errorOf(await createAt(h, token, LEADS, lead({}, { updatedAt: WINDOW, nope: 1 })), '1003');
  errorOf(await createAt(h, token, LEADS, lead({}, { updatedAt: WINDOW, staticListId: 3001 })), '1003');
  jobOf(await createAt(h, token, LEADS, lead({}, { createdAt: WINDOW })));
  jobOf(await createAt(h, token, LEADS, lead({}, { staticListName: 'Newsletter' })));
});

test('lead and program member exports need a lead permission (603); activity exports an activity one', async (t) => {
  const h = await leadHarness(t);
  await loadCatalog(h, LEAD_CATALOG);
  const activityOnly = await h.token('read-write-activity,read-only-assets');
  for (const [base, body] of [[LEADS, lead()], [MEMBERS, members()]] as const) {
    assert.equal(errorOf(await createAt(h, activityOnly, base, body), '603'), 'Access denied');
    assert.equal(errorOf(await h.json(`${base}.json`, { token: activityOnly }), '603'), 'Access denied');
  }
  const leadOnly = await h.token('read-write-lead');
  jobOf(await createAt(h, leadOnly, LEADS, lead()));
  errorOf(await h.json('/bulk/v1/activities/export.json', { token: leadOnly }), '603');
});
