/**
 * Conformance cases for leads, list memberships and program members: imports that update by key,
 * what exports select, and the engine's lines against the TypeScript oracle (formatRecord over
 * exportRecords), byte for byte.
 */
import assert from 'node:assert/strict';
import { EXPORT_FORMATS } from '../../domain/export-body.js';
import type { LeadFilter } from '../../domain/lead-export-request.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';
import { activity, collect, linesByRuns, T0 } from './fixtures.js';
import {
  compareRecords, DAY, engineText, EVERY_LEAD, iso, lead, leadRequest, loadLeadCatalog, member, memberRequest, trickyLeads,
} from './lead-fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

const ids = async (store: Store, filter: LeadFilter): Promise<number[]> =>
  (await collect(store.exportRecords(leadRequest(filter, ['id'])))).map((r) => r[0] as number);

const FIELD_SETS: string[][] = [
  ['id', 'createdAt', 'updatedAt'],
  ['email', 'firstName', 'lastName', 'company', 'textField', 'leadScore', 'numberOfEmployees', 'annualRevenue', 'floatField', 'isLead',
    'unsubscribed', 'dateOfBirth', 'dateField', 'emailSuspendedAt', 'acquisitionProgramId', 'updatedAt', 'id', 'createdAt', 'secretField'],
  ['firstName'],
  ['id'],
];

export const leadCases: Record<string, StoreCase> = {
  'importLeads adds new ids and updates stored ones: given fields replace, left-out fields keep, null clears': async (store) => {
    await loadLeadCatalog(store);
    assert.deepEqual(await store.importLeads([
      lead({ id: 1, email: 'a@example.com', firstName: 'Ann', leadScore: 5 }),
      lead({ id: 2, email: 'b@example.com', firstName: 'Bob', leadScore: 6, textField: 'kept' }),
    ]), { inserted: 2, updated: 0 });
    assert.deepEqual(await store.importLeads([
      lead({ id: 2, createdAt: iso(T0 + DAY), firstName: 'Robert', leadScore: null }),
      lead({ id: 3, email: 'c@example.com' }),
      lead({ id: 3, email: 'c2@example.com' }), // the last record of an id in one import wins
    ]), { inserted: 1, updated: 1 });
    const rows = await collect(store.exportRecords(leadRequest(EVERY_LEAD, ['id', 'email', 'firstName', 'leadScore', 'textField', 'createdAt'])));
    assert.deepEqual(rows, [
      [1, 'a@example.com', 'Ann', '5', null, new Date(T0)],
      [2, 'b@example.com', 'Robert', null, 'kept', new Date(T0 + DAY)],
      [3, 'c2@example.com', null, null, null, new Date(T0)],
    ]);
    assert.equal(await store.countLeads(), 3);
  },
  'a lead id known only from activities is a stub: never exported, known to custom activities, made a lead by an import': async (store) => {
    await store.importActivities([activity({ leadId: 77 }), activity({ leadId: 78 })]);
    assert.equal(await store.countLeads(), 0);
    assert.deepEqual(await ids(store, EVERY_LEAD), []);
    assert.deepEqual([...await store.knownLeads([77, 78, 79])].sort(), [77, 78]);
    assert.deepEqual(await store.importLeads([lead({ id: 77 })]), { inserted: 1, updated: 0 });
    assert.deepEqual(await ids(store, EVERY_LEAD), [77]);
  },
  'deleted and merged leads are never exported nor known; a re-import without deleted restores a lead': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([lead({ id: 1, staticListIds: [3001] }), lead({ id: 2, deleted: true, staticListIds: [3001] }),
      lead({ id: 3, mergedInto: 1, staticListIds: [3001] })]);
    assert.deepEqual(await ids(store, EVERY_LEAD), [1]);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3001 }), [1]);
    assert.deepEqual([...await store.knownLeads([1, 2, 3])], [1]);
    assert.equal(await store.countLeads(), 1);
    await store.importLeads([lead({ id: 2 })]);
    assert.deepEqual(await ids(store, EVERY_LEAD), [1, 2]);
  },
  'filters: createdAt and updatedAt (the last change) windows inclusive, static and smart lists, always in id order': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([
      lead({ id: 30, createdAt: iso(T0), updatedAt: iso(T0), lastChangeAt: iso(T0 + 5 * DAY), staticListIds: [3001, 3002] }),
      lead({ id: 10, createdAt: iso(T0 + DAY), staticListIds: [3001], smartListIds: [4001] }),
      lead({ id: 20, createdAt: iso(T0 + 2 * DAY), updatedAt: iso(T0 + 3 * DAY), smartListIds: [4001] }),
    ]);
    const window = (type: 'createdAt' | 'updatedAt', from: number, to: number): LeadFilter => ({ type, startMs: T0 + from, endMs: T0 + to });
    assert.deepEqual(await ids(store, window('createdAt', 0, DAY)), [10, 30]);
    assert.deepEqual(await ids(store, window('createdAt', 1, DAY - 1)), []);
    assert.deepEqual(await ids(store, window('updatedAt', 3 * DAY, 5 * DAY)), [20, 30], 'updatedAt compares the last change');
    assert.deepEqual(await ids(store, window('updatedAt', 0, 0)), []);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3001 }), [10, 30]);
    assert.deepEqual(await ids(store, { type: 'smartList', listId: 4001 }), [10, 20]);
    // Lists given replace the lead's memberships; lists left out keep them.
    await store.importLeads([lead({ id: 30, staticListIds: [3002] }), lead({ id: 10 })]);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3001 }), [10]);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3002 }), [30]);
  },
  'lead exportLines equals the oracle on tricky leads, every format, field set and filter': async (store) => {
    await loadLeadCatalog(store);
    const data = trickyLeads(400, 11);
    await store.importLeads(data);
    const filters: LeadFilter[] = [EVERY_LEAD, { type: 'createdAt', startMs: T0 + 3 * DAY, endMs: T0 + 20 * DAY + 500 },
      { type: 'updatedAt', startMs: T0 + 10 * DAY, endMs: T0 + 30 * DAY }, { type: 'staticList', listId: 3001 }, { type: 'smartList', listId: 4001 }];
    let total = 0;
    for (const [i, filter] of filters.entries()) {
      for (const format of EXPORT_FORMATS) {
        for (const fields of FIELD_SETS) total += await compareRecords(store, leadRequest(filter, fields, format), `filter ${i}, ${format}, ${fields[0]}..`);
      }
    }
    assert.equal(await compareRecords(store, leadRequest(EVERY_LEAD, ['id']), 'all'), data.filter((l) => l.state === 'active').length);
    assert.ok(total > 1000);
  },
  'lead exportLines equals the oracle with every field of the schema in one export': async (store) => {
    const { schema } = await loadLeadCatalog(store);
    await store.importLeads(trickyLeads(100, 13));
    const every = schema.fields.map((f) => f.name);
    assert.ok(every.length > 90);
    for (const format of EXPORT_FORMATS) assert.equal(await compareRecords(store, leadRequest(EVERY_LEAD, every, format), format), await compareRecords(store, leadRequest(EVERY_LEAD, ['id']), 'ids'));
  },
  'lead exportLines writes the values the file format promises': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([
      lead({ id: 2, createdAt: '2023-01-17T11:00:58Z', email: 'a,"b"\r\nc', leadScore: 885, annualRevenue: 1000, floatField: 12.5, isLead: true,
        unsubscribed: false, dateOfBirth: '1980-02-29', company: 'null', textField: '\\.' }),
      lead({ id: 1, createdAt: '2023-01-17T11:00:59Z', firstName: 'Russell', lastName: 'Wilson', textField: 'x\0y' }),
    ]);
    const text = (format: 'CSV' | 'TSV' | 'SSV', fields: string[]) => engineText(store, leadRequest(EVERY_LEAD, fields, format));
    assert.equal(await text('CSV', ['id', 'createdAt', 'email', 'leadScore', 'annualRevenue', 'floatField', 'isLead', 'unsubscribed', 'dateOfBirth', 'company']),
      '1,2023-01-17T11:00:59Z,null,null,null,null,null,null,null,null\n' +
      '2,2023-01-17T11:00:58Z,"a,""b""\r\nc",885,1000,12.5,true,false,1980-02-29,null\n');
    assert.equal(await text('SSV', ['firstName', 'lastName', 'updatedAt']), 'Russell Wilson 2023-01-17T11:00:59Z\nnull null 2023-01-17T11:00:58Z\n');
    assert.equal(await text('TSV', ['textField']), 'xy\n\\.\n', 'NUL stripped at import; a lone \\. written bare');
  },
  'lead exportLines keeps every lead across chunk boundaries': async (store) => {
    await store.importLeads(Array.from({ length: 8195 }, (_, i) => lead({ id: 1 + 2 * i, firstName: `n${i}` })));
    assert.equal(await compareRecords(store, leadRequest(EVERY_LEAD, ['id', 'firstName']), 'chunks'), 8195);
    assert.equal(await compareRecords(store, leadRequest({ type: 'createdAt', startMs: T0, endMs: T0 }, ['firstName', 'id'], 'TSV'), 'chunks, TSV'), 8195);
  },
  'exportRuns cuts a lead export by lead id; the runs concatenate to the whole': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads(trickyLeads(2_000, 14));
    const cases = [leadRequest(EVERY_LEAD, ['id', 'email', 'firstName']), leadRequest({ type: 'staticList', listId: 3001 }, ['firstName'], 'TSV'),
      leadRequest({ type: 'createdAt', startMs: T0 + 5 * DAY, endMs: T0 + 20 * DAY }, ['updatedAt', 'textField'], 'SSV')];
    for (const r of cases) {
      const whole = Buffer.concat((await collect(store.exportLines(r))).map((c) => c.bytes));
      for (const rowsPerRun of [10, 333]) {
        const byRuns = await linesByRuns(store, r, rowsPerRun);
        assert.ok(byRuns.bytes.equals(whole), `${r.fields[0]}: runs of ${rowsPerRun} concatenate to the whole`);
        if (store.capabilities.parallelRuns) assert.ok(byRuns.runs >= 2_000 / rowsPerRun, `${r.fields[0]}: cut into runs of ${rowsPerRun}`);
      }
    }
    assert.equal((await collect(store.exportRuns(memberRequest({ programIds: [1001] }, ['leadId']), 1))).length, 1, 'program member exports stay whole');
    // The mark moves when leads are added (what a helper's snapshot must agree on).
    const mark = await store.exportMark(cases[0]!);
    await store.importLeads([lead({ id: 900_001, firstName: 'New' }), lead({ id: 900_002, firstName: 'Newer' })]);
    assert.notEqual(await store.exportMark(cases[0]!), mark, 'adding leads moves a lead export\'s mark');
  },
  'program members: import updates by program and lead; export in programIds order, then lead id, with AND filters': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([lead({ id: 5, firstName: 'Five' }), lead({ id: 6, firstName: 'Six' }), lead({ id: 7, deleted: true })]);
    assert.deepEqual(await store.importProgramMembers([
      member({ programId: 1002, leadId: 6, statusName: 'Engaged', isExhausted: false, nurtureCadence: 'norm' }),
      member({ programId: 1002, leadId: 5, statusName: 'Engaged', isExhausted: true, nurtureCadence: 'pause' }),
      member({ programId: 1001, leadId: 6, statusName: 'Registered', webinarUrl: 'https://e.com/w?a=1,2', reachedSuccess: false }),
      member({ programId: 1001, leadId: 7, statusName: 'Registered' }), // a deleted lead's membership is never exported
      member({ programId: 1003, leadId: 5, statusName: 'Member', updatedAt: iso(T0 + 3 * DAY) }),
    ]), { inserted: 5, updated: 0 });
    assert.deepEqual(await store.importProgramMembers([member({ programId: 1001, leadId: 6, statusName: 'Attended', reachedSuccess: true })]),
      { inserted: 0, updated: 1 });
    const rows = async (filter: Parameters<typeof memberRequest>[0], fields = ['programId', 'leadId', 'statusName']) =>
      (await collect(store.exportRecords(memberRequest(filter, fields)))).map((r) => r.join('|'));
    assert.deepEqual(await rows({ programIds: [1002, 1001, 1003] }),
      ['1002|5|Engaged', '1002|6|Engaged', '1001|6|Attended', '1003|5|Member']);
    assert.deepEqual(await rows({ programIds: [1001], several: false }, ['leadId', 'webinarUrl', 'reachedSuccess', 'program', 'lead:firstName']),
      ['6|https://e.com/w?a=1,2|true|Webinar, "Q1"|Six'], 'fields left out by the update keep their value');
    assert.deepEqual(await rows({ programIds: [1002], isExhausted: true }), ['1002|5|Engaged']);
    assert.deepEqual(await rows({ programIds: [1002], nurtureCadence: 'paus' }), ['1002|5|Engaged']);
    assert.deepEqual(await rows({ programIds: [1001, 1002], statusNames: ['Attended', 'Engaged'] }), ['1001|6|Attended', '1002|5|Engaged', '1002|6|Engaged']);
    // isExhausted left out of the update is replaced (null), so lead 6 is no longer "not exhausted" in 1001.
    assert.deepEqual(await rows({ programIds: [1001, 1002], statusNames: ['Attended', 'Engaged'], isExhausted: false }), ['1002|6|Engaged']);
    assert.deepEqual(await rows({ programIds: [1003, 1002], updatedAt: { startMs: T0 + DAY, endMs: T0 + 3 * DAY } }), ['1003|5|Member']);
    assert.deepEqual(await store.programStatusNames([1001, 1002]), ['Attended', 'Engaged', 'Registered']);
  },
  'program member exportLines equals the oracle, member and lead fields mixed, every format': async (store) => {
    await loadLeadCatalog(store);
    const leads = trickyLeads(200, 12);
    await store.importLeads(leads);
    await store.importProgramMembers(leads.flatMap((l, i) => [1001, 1002, 1003].filter((_, k) => (i + k) % 2 === 0).map((programId) => member({
      programId, leadId: l.id, statusName: ['Member', 'Registered, "x"', 'Attended\n'][i % 3], isExhausted: i % 4 === 0 ? null : i % 4 === 1,
      nurtureCadence: i % 5 === 0 ? null : 'norm', acquiredBy: i % 2 === 0, membershipDate: iso(T0 + i * 1000), webinarUrl: i % 3 ? null : `https://e.com/${i}`,
      pmScore: i % 7, reachedSuccess: i % 3 === 1, trackName: i % 6 === 0 ? '\\.' : null,
    }))));
    const fieldSets = [
      ['programId', 'program', 'leadId', 'statusName', 'isExhausted', 'nurtureCadence', 'membershipDate', 'createdAt', 'updatedAt', 'acquiredBy',
        'webinarUrl', 'pmScore', 'reachedSuccess', 'lead:email', 'lead:firstName', 'lead:createdAt', 'lead:annualRevenue'],
      ['trackName'], ['program'], ['leadId'],
    ];
    let total = 0;
    for (const format of EXPORT_FORMATS) {
      for (const fields of fieldSets) {
        total += await compareRecords(store, memberRequest({ programIds: [1003, 1001, 1002], several: true }, fields, format), `${format} ${fields[0]}`);
        total += await compareRecords(store, memberRequest({ programIds: [1002], statusNames: ['Attended\n', 'Member'], isExhausted: true }, fields, format), `${format} filtered`);
      }
    }
    assert.ok(total > 500);
  },
  'a custom field joins the schema with its column; deleteAsset takes a list\'s memberships and a program\'s members along': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([lead({ id: 1, textField: 'a', staticListIds: [3001, 3002] }), lead({ id: 2, staticListIds: [3001] })]);
    await store.putAssets([{ kind: 'leadField', id: 950, name: 'Late', qualifiedName: 'Late',
      data: { id: 950, displayName: 'Late', dataType: 'string', rest: { name: 'lateField', readOnly: false } } }]);
    await store.importLeads([{ ...lead({ id: 2 }), values: { lateField: 'late, "x"' } }]);
    assert.deepEqual(await collect(store.exportRecords(leadRequest(EVERY_LEAD, ['id', 'lateField', 'textField']))), [[1, null, 'a'], [2, 'late, "x"', null]]);
    assert.equal(await compareRecords(store, leadRequest(EVERY_LEAD, ['lateField', 'id'], 'SSV'), 'late field'), 2);
    await store.importProgramMembers([member({ programId: 1001, leadId: 1 }), member({ programId: 1002, leadId: 1 })]);
    assert.equal(await store.deleteAsset('staticList', 3001), true);
    assert.equal(await store.deleteAsset('staticList', 3001), false);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3001 }), []);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3002 }), [1]);
    await store.deleteAsset('program', 1001);
    assert.deepEqual(await store.programStatusNames([1001]), []);
    assert.deepEqual(await store.programStatusNames([1002]), ['Member']);
    assert.equal(await store.getAsset('staticList', 3001), undefined);
  },
  'resetData with activities removes leads and every membership; without, they stay': async (store) => {
    await loadLeadCatalog(store);
    await store.importLeads([lead({ id: 1, staticListIds: [3001] })]);
    await store.importProgramMembers([member({ programId: 1001, leadId: 1 })]);
    await store.resetData({ activities: false });
    assert.equal(await store.countLeads(), 1);
    await store.resetData({ activities: true });
    assert.equal(await store.countLeads(), 0);
    assert.deepEqual(await store.programStatusNames([1001]), []);
    await store.importLeads([lead({ id: 1 })]);
    assert.deepEqual(await ids(store, { type: 'staticList', listId: 3001 }), [], 'no membership survives');
  },
  'countActivitiesByGuid counts the activities whose marketoGUID lies in each inclusive range': async (store) => {
    await store.importActivities(['5', '9', '10', '100000000001', '100000999999', '9223372036854775807'].map((g) => activity({ marketoGUID: g })));
    assert.deepEqual(await store.countActivitiesByGuid([{ from: '1', to: '9' }, { from: '10', to: '10' }, { from: '11', to: '99' },
      { from: '100000000001', to: '100000999999' }, { from: '9223372036854775800', to: '9223372036854775807' }]), [2, 1, 0, 2, 1]);
  },
  'inReadSnapshot hides a lead import that commits meanwhile through another connection': async (store) => {
    await store.importLeads([lead({ id: 1 }), lead({ id: 2 })]);
    const other = await openStore(store.location);
    try {
      const seen = await store.inReadSnapshot(async () => {
        await ids(store, EVERY_LEAD);
        await other.importLeads([lead({ id: 3 })]);
        return { records: await ids(store, EVERY_LEAD), lines: await engineText(store, leadRequest(EVERY_LEAD, ['id'])) };
      });
      assert.deepEqual(seen, { records: [1, 2], lines: '1\n2\n' });
      assert.deepEqual(await ids(store, EVERY_LEAD), [1, 2, 3]);
    } finally {
      await other.close();
    }
  },
};
