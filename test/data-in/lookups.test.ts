/**
 * Issue 3, done-when 4: each look-up endpoint's shape against the examples in
 * marketo-api-notes.md §5.4 (program, staticList, form by name and by id; leads/describe.json),
 * the empty-result warning, the 1002/1001 errors and the permissions Marketo uses. Since issue 11
 * the asset look-ups answer in the Asset API's envelope, and programs in the shape of
 * marketo-lead-extract-notes.md §8 (test/reads/programs.test.ts has the rest).
 *
 * A server suite: built on startHarness (through ./helpers.ts), so with TIDEMARK_TEST_DATABASE_URL
 * the runner repeats it on PostgreSQL (see storeTarget for the CLI's side).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCatalog } from '../../src/domain/assets.js';
import { DEMO_CATALOG, DEMO_CATALOG_DATE } from '../../src/demo/catalog.js';
import type { Harness } from '../helpers/harness.js';
import { assetOk, NOTHING } from '../reads/helpers.js';
import { harness } from './helpers.js';

const ASSET_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ASSET_API_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\+0000$/;

async function withCatalog(t: Parameters<typeof harness>[0]): Promise<Harness> {
  const h = await harness(t);
  const parsed = parseCatalog(DEMO_CATALOG, DEMO_CATALOG_DATE);
  assert.ok('assets' in parsed);
  await h.store.putAssets(parsed.assets);
  return h;
}

function assertOk(body: any): any[] {
  assert.equal(body.success, true, JSON.stringify(body));
  assert.match(body.requestId, /^[0-9a-f]{4,5}#[0-9a-f]+$/);
  assert.ok(Array.isArray(body.result));
  assert.ok(!('errors' in body));
  return body.result;
}


function assertError(body: any, code: string, message?: string): void {
  assert.equal(body.success, false, JSON.stringify(body));
  assert.ok(!('result' in body));
  assert.equal(body.errors.length, 1);
  assert.equal(body.errors[0].code, code);
  if (message !== undefined) assert.equal(body.errors[0].message, message);
}

function assertFolder(folder: unknown): void {
  assert.equal(typeof folder, 'object');
  const f = folder as { id: unknown; type: unknown };
  assert.deepEqual(Object.keys(f).sort(), ['id', 'type']);
  assert.ok(Number.isInteger(f.id));
  assert.ok(f.type === 'Folder' || f.type === 'Program');
}

test('program by name and by id: the Asset API shape, the same object both ways', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-only-assets');
  const [byName, ...more] = assetOk(await h.json('/rest/asset/v1/program/byName.json?name=GL_OP_ALL_2026&includeTags=true&includeCosts=true', { token }));
  assert.equal(more.length, 0);
  const [byId] = assetOk(await h.json('/rest/asset/v1/program/1001.json', { token }));
  assert.deepEqual(byId, byName);
  assert.deepEqual(Object.keys(byName), ['id', 'name', 'description', 'createdAt', 'updatedAt', 'url', 'type', 'channel', 'folder', 'status', 'workspace', 'tags', 'costs']);
  assert.equal(byName.id, 1001);
  assert.equal(byName.name, 'GL_OP_ALL_2026');
  assert.equal(byName.description, 'Always-on online advertising');
  assert.equal(byName.type, 'Default');
  assert.equal(byName.channel, 'Online Advertising');
  assert.equal(byName.status, '');
  assert.deepEqual(byName.folder, { type: 'Folder', value: 12, folderName: 'Active Marketing Programs' });
  assert.equal(byName.workspace, 'Default');
  assert.equal(byName.url, 'https://app.tidemark.local/#PG1001A1');
  assert.equal(byName.createdAt, '2025-10-01T09:00:00Z+0000');
  assert.match(byName.updatedAt, ASSET_API_DATE);
  assert.deepEqual(byName.tags, [{ tagType: 'Region', tagValue: 'Global' }]);
  assert.deepEqual(byName.costs, [{ startDate: '2026-01-01', cost: 12000, note: 'Paid search' }]);

  // byName fills tags and costs only when asked.
  const [plain] = assetOk(await h.json('/rest/asset/v1/program/byName.json?name=GL_OP_ALL_2026', { token }));
  assert.deepEqual([plain.tags, plain.costs], [null, null]);
  const event = assetOk(await h.json(`/rest/asset/v1/program/byName.json?name=${encodeURIComponent('Webinar - Data Pipelines')}`, { token }))[0];
  assert.equal(event.type, 'Event with Webinar');
  assert.equal(event.channel, 'Webinar');
  assert.equal(event.url, 'https://app.tidemark.local/#ME1002A1');
});

test('static list by name and by id: id, name, description, createdAt, updatedAt, url, folder, workspace, computedUrl', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-only-assets');
  const [byName] = assetOk(await h.json('/rest/asset/v1/staticList/byName.json?name=Newsletter', { token }));
  const [byId] = assetOk(await h.json('/rest/asset/v1/staticList/3001.json', { token }));
  assert.deepEqual(byId, byName);
  assert.deepEqual(Object.keys(byName).sort(),
    ['computedUrl', 'createdAt', 'description', 'folder', 'id', 'name', 'updatedAt', 'url', 'workspace', 'workspaceId']);
  assert.equal(byName.id, 3001);
  assert.equal(byName.name, 'Newsletter');
  assertFolder(byName.folder);
  assert.deepEqual(byName.folder, { id: 1001, type: 'Program' });
  assert.match(byName.createdAt, ASSET_DATE);
  assert.match(byName.updatedAt, ASSET_DATE);
  assert.match(byName.url, /^https?:\/\//);
  assert.match(byName.computedUrl, /^https?:\/\//);
  // The byName look-up takes the list's own name, not the qualified one.
  const qualified = await h.json(`/rest/asset/v1/staticList/byName.json?name=${encodeURIComponent('GL_OP_ALL_2026.Newsletter')}`, { token });
  assert.deepEqual(assetOk(qualified), []);
  const folder = assetOk(await h.json('/rest/asset/v1/staticList/3003.json', { token }))[0];
  assert.deepEqual(folder.folder, { id: 14, type: 'Folder' });
});

test('form by name and by id: id, name, folder {id, type}, status', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-write-assets');
  const [byName] = assetOk(await h.json('/rest/asset/v1/form/byName.json?name=MPS%20Outbound&status=approved', { token }));
  const [byId] = assetOk(await h.json('/rest/asset/v1/form/2001.json', { token }));
  assert.deepEqual(byId, byName);
  assert.equal(byName.id, 2001);
  assert.equal(byName.name, 'MPS Outbound');
  assertFolder(byName.folder);
  assert.deepEqual(byName.folder, { id: 1001, type: 'Program' });
  assert.ok(['approved', 'draft'].includes(byName.status));
  for (const key of ['description', 'createdAt', 'updatedAt', 'url', 'workspace']) assert.ok(key in byName, key);
  // An id of another kind is not a form.
  assert.deepEqual(assetOk(await h.json('/rest/asset/v1/form/1001.json', { token })), []);
});

test('leads/describe.json: id, displayName, dataType, rest {name, readOnly}, soap {name, readOnly} (more in test/leads)', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-only-lead');
  const fields = assertOk(await h.json('/rest/v1/leads/describe.json', { token }));
  assert.ok(fields.length >= 91, 'the standard fields, with or without a catalog');
  for (const f of fields) {
    assert.ok(Number.isInteger(f.id));
    assert.equal(typeof f.displayName, 'string');
    assert.equal(typeof f.dataType, 'string');
    if ('length' in f) assert.ok(Number.isInteger(f.length));
    assert.equal(typeof f.rest.name, 'string');
    assert.equal(typeof f.rest.readOnly, 'boolean');
    if ('soap' in f) assert.equal(typeof f.soap.name, 'string');
    const allowed = new Set(['id', 'displayName', 'dataType', 'length', 'rest', 'soap']);
    for (const k of Object.keys(f)) assert.ok(allowed.has(k), `unexpected key ${k}`);
  }
  assert.deepEqual(fields.find((f) => f.id === 145), {
    id: 145, displayName: 'Lead Status', dataType: 'string', length: 255,
    rest: { name: 'leadStatus', readOnly: false }, soap: { name: 'LeadStatus', readOnly: false },
  });
  assert.deepEqual(fields.find((f) => f.id === 146), {
    id: 146, displayName: 'Lead Score', dataType: 'integer',
    rest: { name: 'leadScore', readOnly: false }, soap: { name: 'LeadScore', readOnly: false },
  });
});

test('unknown name or id: success, no result and the warning', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-only-assets');
  for (const path of [
    '/rest/asset/v1/program/byName.json?name=Nope', '/rest/asset/v1/program/999999.json',
    '/rest/asset/v1/staticList/byName.json?name=newsletter', '/rest/asset/v1/staticList/2001.json',
    '/rest/asset/v1/form/byName.json?name=Nope', '/rest/asset/v1/form/42.json',
  ]) {
    const body = await h.json(path, { token });
    assert.deepEqual(assetOk(body), [], path);
    assert.ok(!('result' in body), path);
    assert.deepEqual(body.warnings, [NOTHING], path);
  }
  // A found asset carries an empty warnings list.
  const found = await h.json('/rest/asset/v1/form/2001.json', { token });
  assert.deepEqual(found.warnings, []);
});

test('byName without a name is 1002; a non-numeric id is 1001; a path without .json is 610', async (t) => {
  const h = await withCatalog(t);
  const token = await h.token('read-only-assets');
  for (const kind of ['program', 'staticList', 'form']) {
    assertError(await h.json(`/rest/asset/v1/${kind}/byName.json`, { token }), '1002', "Missing value for required parameter 'name'");
    assertError(await h.json(`/rest/asset/v1/${kind}/byName.json?name=`, { token }), '1002');
    assertError(await h.json(`/rest/asset/v1/${kind}/abc.json`, { token }), '1001', "Invalid value 'abc'. Required of type 'integer'");
    assertError(await h.json(`/rest/asset/v1/${kind}/12x.json`, { token }), '1001', "Invalid value '12x'. Required of type 'integer'");
    assertError(await h.json(`/rest/asset/v1/${kind}/2001`, { token }), '610', 'Requested resource not found');
  }
});

test('permissions: Read-Only Activity cannot read assets or describe; Assets and Lead permissions can', async (t) => {
  const h = await withCatalog(t);
  const assetPaths = ['/rest/asset/v1/program/byName.json?name=GL_OP_ALL_2026', '/rest/asset/v1/program/1001.json',
    '/rest/asset/v1/staticList/byName.json?name=Newsletter', '/rest/asset/v1/staticList/3001.json',
    '/rest/asset/v1/form/byName.json?name=MPS%20Outbound', '/rest/asset/v1/form/2001.json'];
  const describe = '/rest/v1/leads/describe.json';
  const can = async (role: string, path: string) => {
    const body = await h.json(path, { token: await h.token(role) });
    if (body.success) return true;
    assertError(body, '603', 'Access denied');
    return false;
  };
  for (const role of ['read-only-activity', 'read-write-activity', 'none']) {
    for (const path of [...assetPaths, describe]) assert.equal(await can(role, path), false, `${role} ${path}`);
  }
  for (const role of ['read-only-assets', 'read-write-assets', 'read-only-activity,read-only-assets']) {
    for (const path of assetPaths) assert.equal(await can(role, path), true, `${role} ${path}`);
    assert.equal(await can(role, describe), false, `${role} ${describe}`);
  }
  for (const role of ['read-only-lead', 'read-write-lead']) {
    assert.equal(await can(role, describe), true, `${role} ${describe}`);
    assert.equal(await can(role, assetPaths[0]!), false, `${role} assets`);
  }
  // Checked before the path: a user without permission learns nothing about ids.
  const body = await h.json('/rest/asset/v1/form/abc.json', { token: await h.token('read-only-activity') });
  assertError(body, '603');
  // No token at all.
  assertError(await h.json(assetPaths[0]!), '601');
});
