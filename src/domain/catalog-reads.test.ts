/** The catalog's campaigns, lists and programs: import rules, the REST views, filters and pages. Pure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCatalog, type Asset } from './assets.js';
import { leadDatabasePage, readLeadDatabaseQuery, type ReadRow } from './catalog-reads.js';
import { campaignView, programView, staticListView } from './catalog-views.js';
import { AssetQueryRefused, InvalidPageToken, InvalidRequest } from './errors.js';
import { browsePrograms, readProgramQuery } from './program-browse.js';

const NOW = '2026-02-01T00:00:00Z';

function catalog(raw: unknown): Asset[] {
  const parsed = parseCatalog(raw, NOW);
  assert.ok('assets' in parsed, JSON.stringify(parsed));
  return parsed.assets;
}

const CATALOG = {
  programs: [
    { id: 10, name: 'Spring Event', type: 'event', folder: { id: 40, type: 'Folder', folderName: 'Events' }, createdAt: '2025-03-01T10:00:00+01:00',
      tags: [{ tagType: 'Region', tagValue: 'EMEA' }], sfdcId: '701xx', sfdcName: 'Spring' },
    { id: 11, name: 'newsletter', type: 'Email', folder: { type: 'Program', value: 10, folderName: 'ignored' }, status: 'locked', updatedAt: '2026-01-10T00:00:00Z' },
  ],
  staticLists: [
    { id: 30, name: 'Attendees', folder: { id: 10, type: 'Program' }, description: 'Who came' },
    { id: 31, name: 'EMEA suppression', workspace: 'EMEA', workspaceId: 4, description: '' },
  ],
  campaigns: [
    { id: 82, name: 'Invite', programId: 10, type: 'batch', description: 'Invites', createdAt: '2025-03-02T00:00:00Z' },
    { id: 81, name: 'Alert', type: 'trigger', active: true, isRequestable: true, workspace: 'EMEA' },
    { id: 83, name: 'Paused alert', type: 'trigger', active: false, isRequestable: true },
  ],
};

const ASSETS = catalog(CATALOG);
const of = (kind: string) => ASSETS.filter((a) => a.kind === kind);
const NAMES = new Map(of('program').map((a) => [a.id, a.name]));

test('import: dates normalised to ...Z, swagger program types read as real ones, folders in either form', () => {
  const [spring, newsletter] = of('program');
  assert.equal(spring!.data.createdAt, '2025-03-01T09:00:00Z');
  assert.equal(spring!.data.updatedAt, NOW, 'a date the file leaves out is the import time');
  assert.equal(spring!.data.type, 'Event');
  assert.equal(spring!.data.url, 'https://app.tidemark.local/#ME10A1');
  assert.deepEqual(spring!.data.folder, { id: 40, type: 'Folder' });
  assert.equal(spring!.data.folderName, 'Events');
  assert.deepEqual(newsletter!.data.folder, { id: 10, type: 'Program' });
  assert.equal(newsletter!.data.url, 'https://app.tidemark.local/#EBP11A1');
  assert.equal(of('staticList')[0]!.qualifiedName, 'Spring Event.Attendees');
  assert.equal(of('campaign')[0]!.data.programId, 10);
  assert.equal(of('campaign')[1]!.data.programId, null);
  for (const [raw, error] of [
    [{ programs: [{ id: 1, name: 'P', updatedAt: '2020-01-01T00:00:00Z', createdAt: '2021-01-01T00:00:00Z' }] }, 'updatedAt must not be before createdAt'],
    [{ programs: [{ id: 1, name: 'P', sfdcId: '701' }] }, 'sfdcId and sfdcName must both be given'],
    [{ programs: [{ id: 1, name: 'P', tags: [{ tagType: 'x' }] }] }, 'tags must be an array of'],
    [{ campaigns: [{ id: 1, name: 'C', active: 'yes' }] }, 'active must be true or false'],
    [{ staticLists: [{ id: 1, name: 'L', workspaceId: 0 }] }, 'workspaceId must be a positive integer'],
  ] as const) {
    const parsed = parseCatalog(raw, NOW);
    assert.ok('error' in parsed && parsed.error.includes(error), `${JSON.stringify(raw)}: ${JSON.stringify(parsed)}`);
  }
});

test('views: Lead Database lists and campaigns with their optional members, in real key order', () => {
  const [attendees, emea] = of('staticList').map((a) => staticListView(a.data, NAMES));
  assert.deepEqual(Object.entries(attendees!), Object.entries({
    id: 30, name: 'Attendees', description: 'Who came', programName: 'Spring Event', workspaceId: 1, workspaceName: 'Default',
    createdAt: NOW, updatedAt: NOW,
  }));
  assert.deepEqual(Object.keys(emea!), ['id', 'name', 'workspaceId', 'workspaceName', 'createdAt', 'updatedAt'], 'no empty description, no program');
  assert.equal(emea!.workspaceId, 4);
  const [invite, alert] = of('campaign').map((a) => campaignView(a.data, NAMES));
  assert.deepEqual(Object.entries(invite!), Object.entries({
    id: 82, name: 'Invite', description: 'Invites', type: 'batch', programName: 'Spring Event', programId: 10, workspaceName: 'Default',
    createdAt: '2025-03-02T00:00:00Z', updatedAt: NOW, active: false,
  }));
  assert.deepEqual(Object.keys(alert!), ['id', 'name', 'type', 'workspaceName', 'createdAt', 'updatedAt', 'active']);
});

test('views: programs in the Asset API form, tags and costs only in the detail, headStart on Email programs', () => {
  const [spring, newsletter] = of('program');
  const browse = programView(spring!.data, NAMES);
  assert.deepEqual(Object.entries(browse), Object.entries({
    id: 10, name: 'Spring Event', description: '', createdAt: '2025-03-01T09:00:00Z+0000', updatedAt: `${NOW}+0000`,
    url: 'https://app.tidemark.local/#ME10A1', type: 'Event', channel: 'Online Advertising',
    folder: { type: 'Folder', value: 40, folderName: 'Events' }, status: '', workspace: 'Default', sfdcId: '701xx', sfdcName: 'Spring',
  }));
  const detail = programView(spring!.data, NAMES, { tags: true, costs: true });
  assert.deepEqual(detail.tags, [{ tagType: 'Region', tagValue: 'EMEA' }]);
  assert.equal(detail.costs, null, 'no costs is null, as Marketo prints it');
  assert.equal(programView(spring!.data, NAMES, { tags: false, costs: false }).tags, null);
  const email = programView(newsletter!.data, NAMES);
  assert.deepEqual(email.folder, { type: 'Program', value: 10, folderName: 'Spring Event' });
  assert.equal(email.status, 'locked');
  assert.equal(email.headStart, false);
  assert.ok(!('headStart' in browse));
});

function rows(kind: 'staticList' | 'campaign'): ReadRow[] {
  const view = kind === 'campaign' ? campaignView : staticListView;
  return of(kind).map((a) => ({ id: a.id, data: a.data, view: view(a.data, NAMES) }));
}

test('lists.json / campaigns.json pages: ascending id, a token only while more match, tokens bound to the filters', () => {
  const page1 = leadDatabasePage(rows('campaign'), readLeadDatabaseQuery('campaigns', { batchSize: '2' }));
  assert.deepEqual(page1.result.map((r) => r.id), [81, 82]);
  assert.ok(page1.nextPageToken);
  const page2 = leadDatabasePage(rows('campaign'), readLeadDatabaseQuery('campaigns', { batchSize: '2', nextPageToken: page1.nextPageToken }));
  assert.deepEqual(page2.result.map((r) => r.id), [83]);
  assert.equal(page2.nextPageToken, undefined);
  const exact = leadDatabasePage(rows('campaign'), readLeadDatabaseQuery('campaigns', { batchSize: '3' }));
  assert.equal(exact.nextPageToken, undefined, 'no token when the page ends exactly at the last match');
  assert.throws(() => readLeadDatabaseQuery('campaigns', { name: 'Alert', nextPageToken: page1.nextPageToken }), InvalidPageToken);
  assert.throws(() => readLeadDatabaseQuery('lists', { nextPageToken: page1.nextPageToken }), InvalidPageToken, 'a campaigns token is no lists token');
  const same = readLeadDatabaseQuery('campaigns', { id: ['83', '81'] });
  assert.equal(readLeadDatabaseQuery('campaigns', { id: '81,83' }).scope, same.scope, 'comma list and repeated keys share tokens');
});

test('lists.json / campaigns.json filters combine with AND; isTriggerable keeps active requestable campaigns', () => {
  const ids = (kind: 'staticList' | 'campaign', q: Record<string, string | string[]>) =>
    leadDatabasePage(rows(kind), readLeadDatabaseQuery(kind === 'campaign' ? 'campaigns' : 'lists', q)).result.map((r) => r.id);
  assert.deepEqual(ids('campaign', { id: '83,82' }), [82, 83]);
  assert.deepEqual(ids('campaign', { name: ['Alert', 'Invite'] }), [81, 82]);
  assert.deepEqual(ids('campaign', { programName: 'Spring Event' }), [82]);
  assert.deepEqual(ids('campaign', { workspaceName: 'EMEA' }), [81]);
  assert.deepEqual(ids('campaign', { isTriggerable: 'true' }), [81]);
  assert.deepEqual(ids('campaign', { isTriggerable: 'false' }), [81, 82, 83]);
  assert.deepEqual(ids('campaign', { id: '81,82', programName: 'Spring Event' }), [82]);
  assert.deepEqual(ids('staticList', { workspaceName: 'EMEA,Default' }), [30, 31]);
  assert.deepEqual(ids('staticList', { name: 'attendees' }), [], 'names match exactly');
  assert.deepEqual(ids('staticList', { isTriggerable: 'true' }), [30, 31], 'isTriggerable is a campaigns parameter');
  assert.throws(() => readLeadDatabaseQuery('campaigns', { isTriggerable: 'maybe' }), InvalidRequest);
});

test('programs.json: filters, status, the updatedAt window (inclusive), by name case-insensitively then id, offset paging', () => {
  const more = catalog({ programs: [
    ...CATALOG.programs,
    { id: 12, name: 'Alpha', updatedAt: '2026-01-01T00:00:00Z', workspace: 'EMEA' }, { id: 13, name: 'alpha', updatedAt: '2026-01-20T00:00:00Z' },
  ] }).map((a) => a.data);
  const ids = (q: Record<string, string>) => browsePrograms(more, readProgramQuery(q)).map((p) => p.id);
  assert.deepEqual(ids({}), [12, 13, 11, 10]);
  assert.deepEqual(ids({ maxReturn: '2', offset: '1' }), [13, 11]);
  assert.deepEqual(ids({ offset: '4' }), []);
  assert.deepEqual(ids({ filterType: 'id', filterValues: '10,13' }), [13, 10]);
  assert.deepEqual(ids({ filterType: 'programId', filterValues: '11' }), [11]);
  assert.deepEqual(ids({ filterType: 'folderId', filterValues: '10' }), [11]);
  assert.deepEqual(ids({ filterType: 'workspace', filterValues: 'EMEA' }), [12]);
  assert.deepEqual(ids({ status: 'LOCKED' }), [11]);
  assert.deepEqual(ids({ earliestUpdatedAt: '2026-01-10T00:00:00Z', latestUpdatedAt: '2026-01-20T00:00:00Z' }), [13, 11]);
  assert.deepEqual(ids({ earliestUpdatedAt: '2026-01-20T00:00:00.001000+00:00' }), [10], 'microseconds and offsets, as tap-marketo sends');
  assert.deepEqual(ids({ latestUpdatedAt: '2026-01-09T23:59:59 00:00' }), [12], "an unencoded '+' arrives as a space");
});

test('programs.json query errors: 701 as Marketo words it, 1003 for an unknown filterType, 1001 for values', () => {
  const refused = (q: Record<string, string>, message: string) =>
    assert.throws(() => readProgramQuery(q), (e: unknown) => e instanceof AssetQueryRefused && e.message === message);
  refused({ filterType: 'id' }, 'filterValues cannot be blank');
  refused({ filterType: 'id', filterValues: ' , ' }, 'filterValues cannot be blank');
  refused({ filterValues: '1' }, 'filterType cannot be blank');
  refused({ earliestUpdatedAt: '2026-01-02T00:00:00Z', latestUpdatedAt: '2026-01-01T00:00:00Z' }, 'End date should always be after start date');
  readProgramQuery({ earliestUpdatedAt: '2026-01-01T00:00:00Z', latestUpdatedAt: '2026-01-01T00:00:00Z' });
  assert.throws(() => readProgramQuery({ filterType: 'name', filterValues: 'x' }), /unknown filter type 'name'; use id, programId, folderId, workspace/);
  assert.throws(() => readProgramQuery({ filterType: 'id', filterValues: '1,two' }), /Invalid value 'two'. Required of type 'integer'/);
  assert.throws(() => readProgramQuery({ earliestUpdatedAt: 'last week' }), /Invalid value 'last week'. Required of type 'datetime'/);
  assert.throws(() => readProgramQuery({ latestUpdatedAt: '2026-02-30T00:00:00Z' }), /Required of type 'datetime'/);
});
