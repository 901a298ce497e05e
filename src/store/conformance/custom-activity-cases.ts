/** Conformance cases: leads, activities posted through the API, and custom activity types. */
import assert from 'node:assert/strict';
import { DuplicateName } from '../../domain/errors.js';
import type { CustomActivityType } from '../../domain/custom-activities.js';
import { activity, collect, EVERYTHING } from './fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

const type = (id: number, apiName: string): CustomActivityType => ({
  id, apiName, name: `Type ${apiName}`, description: '', createdAt: 0,
  primaryAttribute: { apiName: 'pa', name: 'Primary', dataType: 'string' },
  attributes: [{ apiName: 'n', name: 'Number', dataType: 'integer' }],
});

export const customActivityCases: Record<string, StoreCase> = {
  'knownLeads are the leads of imported activities': async (store) => {
    await store.importActivities([activity({ marketoGUID: '1', leadId: 10 }), activity({ marketoGUID: '2', leadId: 11 })]);
    assert.deepEqual([...(await store.knownLeads([10, 11, 12]))].sort(), [10, 11]);
    assert.equal((await store.knownLeads([])).size, 0);
  },
  'appendActivities assigns the next GUIDs in order and the rows export': async (store) => {
    await store.importActivities([activity({ marketoGUID: '500', leadId: 10 })]);
    const { marketoGUID: _g, ...rest } = activity({ leadId: 10 });
    const guids = await store.appendActivities([rest, { ...rest, primaryAttributeValue: 'second' }]);
    assert.deepEqual(guids, ['501', '502']);
    const rows = await collect(store.exportRows(EVERYTHING));
    assert.deepEqual(rows.map((r) => r.marketoGUID).sort(), ['500', '501', '502']);
    assert.equal(rows.find((r) => r.marketoGUID === '502')?.primaryAttributeValue, 'second');
  },
  'appendActivities ignores content-derived GUIDs (2^52 and up) when numbering': async (store) => {
    await store.importActivities([activity({ marketoGUID: String(2 ** 52 + 5), leadId: 10 }), activity({ marketoGUID: '7', leadId: 10 })]);
    const { marketoGUID: _g, ...rest } = activity({ leadId: 10 });
    assert.deepEqual(await store.appendActivities([rest]), ['8']);
  },
  'addCustomType numbers types from 100001 and lists them in id order': async (store) => {
    const a = await store.addCustomType((id) => type(id, 'first'));
    const b = await store.addCustomType((id) => type(id, 'second'));
    assert.deepEqual([a.id, b.id], [100001, 100002]);
    assert.deepEqual(await store.listCustomTypes(), [type(100001, 'first'), type(100002, 'second')]);
  },
  'addCustomType refuses a taken apiName with DuplicateName and keeps the first': async (store) => {
    await store.addCustomType((id) => type(id, 'same'));
    await assert.rejects(store.addCustomType((id) => type(id, 'same')), DuplicateName);
    assert.equal((await store.listCustomTypes()).length, 1);
  },
};
