import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCatalog } from './assets.js';
import { buildLeadSchema, catalogLeadFieldProblem, schemaConflict, STANDARD_LEAD_FIELDS } from './lead-schema.js';

test('the standard fields: 91, unique ids and names, id/createdAt/updatedAt as notes §5.3 has them', () => {
  assert.equal(STANDARD_LEAD_FIELDS.length, 91);
  assert.equal(new Set(STANDARD_LEAD_FIELDS.map((f) => f.id)).size, 91);
  assert.equal(new Set(STANDARD_LEAD_FIELDS.map((f) => f.name.toLowerCase())).size, 91);
  const by = (name: string) => STANDARD_LEAD_FIELDS.find((f) => f.name === name)!;
  assert.deepEqual([by('id').id, by('id').dataType], [44, 'integer']);
  assert.deepEqual([by('createdAt').id, by('createdAt').dataType, by('createdAt').readOnly, by('createdAt').soap], [130, 'datetime', true, undefined]);
  assert.deepEqual([by('updatedAt').id, by('updatedAt').dataType], [131, 'datetime']);
  assert.equal(schemaConflict(buildLeadSchema([])), undefined);
});

test('catalog lead fields: a standard id must keep its name; names must fit a column; key fields keep their type', () => {
  assert.equal(catalogLeadFieldProblem(41, 'leadStatus', 'string'), 'id 41 is the standard field externalCompanyId');
  assert.equal(catalogLeadFieldProblem(41, 'externalCompanyId', 'string'), undefined);
  assert.equal(catalogLeadFieldProblem(5000, 'leadStatus', 'string'), undefined, 'a standard name under a new id replaces the field');
  assert.match(catalogLeadFieldProblem(5000, 'has space', 'string')!, /letters, digits and _/);
  assert.match(catalogLeadFieldProblem(5000, 'staticListIds', 'string')!, /reserved/);
  assert.match(catalogLeadFieldProblem(130, 'createdAt', 'string')!, /must keep its data type datetime/);
  assert.equal(catalogLeadFieldProblem(130, 'createdAt', 'datetime'), undefined, 'a real describe answer can be loaded as a catalog');
  const parsed = parseCatalog({ leadFields: [{ id: 41, displayName: 'Lead Status', rest: { name: 'leadStatus', readOnly: false } }] }, 'x');
  assert.deepEqual(parsed, { error: 'leadFields[0]: id 41 is the standard field externalCompanyId' });
  assert.match((parseCatalog({ leadFields: [{ id: 900, displayName: 'X', exportable: 'no' }] }, 'x') as { error: string }).error, /exportable/);
});

test('buildLeadSchema merges, and schemaConflict finds ids and case-only name clashes', () => {
  const field = (id: number, name: string, extra: Record<string, unknown> = {}) => ({ id, displayName: name, dataType: 'string', rest: { name, readOnly: false }, ...extra });
  const schema = buildLeadSchema([field(900, 'favouriteColour', { exportable: false }), field(1500, 'annualRevenue')]);
  assert.equal(schema.fields.length, 92);
  assert.equal(schema.byName.get('annualRevenue')!.id, 1500);
  assert.equal(schema.byName.get('annualRevenue')!.custom, false);
  assert.equal(schema.byName.get('favouriteColour')!.exportable, false);
  assert.equal(schema.byName.get('favouriteColour')!.custom, true);
  assert.equal(schemaConflict(buildLeadSchema([field(900, 'a'), field(900, 'b')])), 'lead fields a and b share the id 900');
  assert.equal(schemaConflict(buildLeadSchema([field(900, 'Email')])), 'lead fields email and Email differ only in case');
});
