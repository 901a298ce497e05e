/** Conformance cases: the asset catalog, and primaryAttributeValues names resolved through it. */
import assert from 'node:assert/strict';
import type { Asset, AssetKind } from '../../domain/assets.js';
import type { ExportFilter } from '../../domain/export-request.js';
import { activity, collect, EVERYTHING } from './fixtures.js';
import type { StoreCase } from './user-activity-cases.js';

function asset(kind: AssetKind, id: number, name: string, qualifiedName = name, data: Record<string, unknown> = {}): Asset {
  return { kind, id, name, qualifiedName, data: { id, name, folder: { id: 1, type: 'Folder' }, ...data } };
}
const byId = (a: Asset, b: Asset): number => a.id - b.id;

export const assetCases: Record<string, StoreCase> = {
  'putAssets and getAsset round-trip, kinds kept apart': async (store) => {
    const program = asset('program', 1001, 'GL_OP_ALL_2026', undefined, { tags: [{ tagType: 'Region', tagValue: 'EMEA, "north"' }], costs: [] });
    const form = asset('form', 1001, 'MPS Outbound', 'GL_OP_ALL_2026.MPS Outbound', { status: 'approved' });
    assert.equal(await store.putAssets([program, form]), 2);
    assert.deepEqual(await store.getAsset('program', 1001), program);
    assert.deepEqual(await store.getAsset('form', 1001), form);
    assert.equal(await store.getAsset('staticList', 1001), undefined);
    assert.equal(await store.getAsset('program', 1002), undefined);
    assert.equal(await store.putAssets([]), 0);
  },
  'putAssets replaces an asset of the same kind and id': async (store) => {
    await store.putAssets([asset('staticList', 7, 'Old name', 'P.Old name')]);
    await store.putAssets([asset('staticList', 7, 'New name', 'New name', { description: 'moved to a folder' })]);
    assert.deepEqual(await store.listAssets('staticList'), [asset('staticList', 7, 'New name', 'New name', { description: 'moved to a folder' })]);
    assert.deepEqual(await store.findAssetsByName('staticList', 'Old name'), []);
  },
  'listAssets lists one kind': async (store) => {
    const fields = [asset('leadField', 3, 'Email Address'), asset('leadField', 1, 'First Name'), asset('leadField', 2, 'Lead Score')];
    await store.putAssets([...fields, asset('program', 1, 'Program')]);
    assert.deepEqual((await store.listAssets('leadField')).sort(byId), [...fields].sort(byId));
    assert.deepEqual(await store.listAssets('form'), []);
  },
  'listAssets pages a kind in id order: after an id, at most a limit': async (store) => {
    const lists = [7, 3, 12, 5, 9].map((id) => asset('staticList', id, `List ${id}`));
    await store.putAssets([...lists, asset('campaign', 4, 'Campaign'), asset('campaign', 8, 'Other')]);
    const ids = async (afterId: number, limit: number) => (await store.listAssets('staticList', { afterId, limit })).map((a) => a.id);
    assert.deepEqual(await ids(0, 2), [3, 5]);
    assert.deepEqual(await ids(5, 2), [7, 9]);
    assert.deepEqual(await ids(6, 10), [7, 9, 12]);
    assert.deepEqual(await ids(12, 10), []);
    assert.deepEqual((await store.listAssets('staticList')).map((a) => a.id), [3, 5, 7, 9, 12], 'without a page: all, ascending');
    assert.deepEqual((await store.listAssets('campaign', { afterId: 4, limit: 5 }))[0], asset('campaign', 8, 'Other'));
  },
  'findAssetsByName matches the bare name exactly and case-sensitively': async (store) => {
    await store.putAssets([
      asset('form', 1, 'Contact Us', 'Web.Contact Us'), asset('form', 2, 'Contact Us', 'Events.Contact Us'),
      asset('form', 3, 'contact us'), asset('staticList', 4, 'Contact Us'),
    ]);
    assert.deepEqual((await store.findAssetsByName('form', 'Contact Us')).map((a) => a.id).sort(), [1, 2]);
    assert.deepEqual((await store.findAssetsByName('form', 'contact us')).map((a) => a.id), [3]);
    assert.deepEqual(await store.findAssetsByName('form', 'Web.Contact Us'), [], 'the qualified name is not the name');
    assert.deepEqual(await store.findAssetsByName('form', 'Contact'), []);
  },
  'resolveAssetIds resolves qualified names exactly, within one kind': async (store) => {
    await store.putAssets([
      asset('form', 1, 'Contact Us', 'Web.Contact Us'), asset('form', 2, 'Contact Us', 'Events.Contact Us'),
      asset('form', 3, 'Signup'), asset('program', 9, 'Web'), asset('leadField', 22, 'Lead Score'),
    ]);
    assert.deepEqual((await store.resolveAssetIds('form', ['Web.Contact Us', 'Signup'])).sort(), [1, 3]);
    assert.deepEqual(await store.resolveAssetIds('form', ['Contact Us', 'web.contact us', 'Web']), []);
    assert.deepEqual(await store.resolveAssetIds('program', ['Web']), [9]);
    assert.deepEqual(await store.resolveAssetIds('leadField', ['Lead Score']), [22]);
    assert.deepEqual(await store.resolveAssetIds('form', []), []);
  },
  'a primaryAttributeValues name matches the stored value or a resolved id': async (store) => {
    await store.importActivities([
      activity({ marketoGUID: '1', activityTypeId: 2, primaryAttributeValueId: 7, primaryAttributeValue: 'Web.Contact Us' }),
      activity({ marketoGUID: '2', activityTypeId: 2, primaryAttributeValueId: 8, primaryAttributeValue: 'Renamed since' }),
      activity({ marketoGUID: '3', activityTypeId: 2, primaryAttributeValueId: 9, primaryAttributeValue: 'Other' }),
      activity({ marketoGUID: '4', activityTypeId: 2, primaryAttributeValueId: null, primaryAttributeValue: null }),
    ]);
    const guids = async (filter: ExportFilter): Promise<string[]> => (await collect(store.exportRows(filter))).map((a) => a.marketoGUID);
    const names = { ...EVERYTHING, activityTypeIds: [2], primaryAttributeValues: ['Web.Contact Us'] };
    assert.deepEqual(await guids(names), ['1']);
    assert.deepEqual(await guids({ ...names, resolvedPrimaryAttributeValueIds: [] }), ['1']);
    assert.deepEqual(await guids({ ...names, resolvedPrimaryAttributeValueIds: [8] }), ['1', '2']);
    assert.deepEqual(await guids({ ...names, primaryAttributeValues: ['Nothing'], resolvedPrimaryAttributeValueIds: [9, 8] }), ['2', '3']);
  },
};
