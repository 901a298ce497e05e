/**
 * Describe Lead (describe.json, describe2.json) and Describe Program Member (both paths) against
 * notes §3.4, §5.1-5.3: one schema, the standard fields merged with the catalog's.
 * A server suite (startHarness through ./helpers.ts), so it runs on PostgreSQL too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorOf, leadHarness, LEAD_ROLE, loadCatalog } from './helpers.js';

const CUSTOM = {
  leadFields: [
    { id: 795, displayName: 'Textarea Field', dataType: 'text', rest: { name: 'textarea_field', readOnly: false }, soap: { name: 'textarea_field', readOnly: false } },
    { id: 801, displayName: 'Integer Field', dataType: 'integer', rest: { name: 'integer_field', readOnly: false } },
    // The standard annualRevenue, described under another id and read-only: it replaces the standard entry.
    { id: 1500, displayName: 'Revenue', dataType: 'currency', rest: { name: 'annualRevenue', readOnly: true } },
  ],
  programMemberFields: [{ id: 1, name: 'webinarUrl', dataType: 'string', length: 2000 }, { id: 2, name: 'registrationCode', length: 100 }],
};

test('describe.json: the 91 standard fields of notes §5.3 in id order, keys in Marketo order, soap left out where it has none', async (t) => {
  const h = await leadHarness(t);
  const token = await h.token(LEAD_ROLE);
  const body = await h.json('/rest/v1/leads/describe.json', { token });
  assert.deepEqual(Object.keys(body), ['requestId', 'result', 'success'], 'one page: no paging keys');
  const fields = body.result as any[];
  assert.equal(fields.length, 91);
  assert.deepEqual(fields.map((f) => f.id), [...fields.map((f) => f.id)].sort((a, b) => a - b));
  // The three entries of the real capture quoted in notes §5.1, byte for byte.
  const text = (id: number) => JSON.stringify(fields.find((f) => f.id === id));
  assert.equal(text(4), '{"id":4,"displayName":"Company Name","dataType":"string","length":255,"rest":{"name":"company","readOnly":false},"soap":{"name":"Company","readOnly":false}}');
  assert.equal(text(6), '{"id":6,"displayName":"Billing Address","dataType":"text","rest":{"name":"billingStreet","readOnly":false},"soap":{"name":"BillingStreet","readOnly":false}}');
  assert.equal(text(45), '{"id":45,"displayName":"Full Name","dataType":"string","length":255,"rest":{"name":"mktoName","readOnly":true}}');
  assert.equal(fields.find((f) => f.id === 18).soap.name, 'SICCode');
  assert.equal(fields.find((f) => f.id === 830).rest.name, 'ecids');
  // Every entry has rest (connectors crash on entries without it); length only on string-like types.
  for (const f of fields) {
    assert.equal(typeof f.rest.name, 'string');
    assert.equal('length' in f, ['string', 'email', 'phone', 'url'].includes(f.dataType), f.rest.name);
  }
});

test('describe.json and describe2.json: catalog fields join the schema, a standard REST name replaces the standard entry', async (t) => {
  const h = await leadHarness(t);
  await loadCatalog(h, CUSTOM);
  const token = await h.token('read-write-lead');
  const fields = (await h.json('/rest/v1/leads/describe.json', { token })).result as any[];
  assert.equal(fields.length, 93);
  assert.equal(fields.find((f) => f.id === 15), undefined, 'the standard annualRevenue entry is replaced');
  assert.deepEqual(fields.find((f) => f.rest.name === 'annualRevenue'), {
    id: 1500, displayName: 'Revenue', dataType: 'currency', rest: { name: 'annualRevenue', readOnly: true }, soap: { name: 'AnnualRevenue', readOnly: false },
  });
  assert.deepEqual(fields.find((f) => f.id === 795), {
    id: 795, displayName: 'Textarea Field', dataType: 'text', rest: { name: 'textarea_field', readOnly: false }, soap: { name: 'textarea_field', readOnly: false },
  });

  const d2 = await h.json('/rest/v1/leads/describe2.json', { token });
  assert.deepEqual(Object.keys(d2), ['requestId', 'result', 'success']);
  assert.equal(d2.result.length, 1);
  const [api] = d2.result;
  assert.equal(api.name, 'API Lead');
  assert.deepEqual(api.searchableFields.slice(0, 6), [['email'], ['id'], ['cookies'], ['externalCompanyId'], ['externalSalesPersonId'], ['leadPartitionId']]);
  assert.deepEqual(api.searchableFields.slice(6), [['integer_field']], 'custom string, email and integer fields are searchable');
  assert.equal(api.fields.length, 93);
  assert.deepEqual(api.fields.find((f: any) => f.name === 'company'), { name: 'company', displayName: 'Company Name', dataType: 'string', length: 255, updateable: true, crmManaged: false });
  assert.deepEqual(api.fields.find((f: any) => f.name === 'mktoName'), { name: 'mktoName', displayName: 'Full Name', dataType: 'string', length: 255, updateable: false, crmManaged: false });
  // describe and describe2 are two views of one catalogue: the same names.
  assert.deepEqual(api.fields.map((f: any) => f.name), fields.map((f) => f.rest.name));
});

test('program member describe: the standard fields of notes §3.4 plus the catalog\'s, on the current and the superseded path', async (t) => {
  const h = await leadHarness(t);
  await loadCatalog(h, CUSTOM);
  const token = await h.token(LEAD_ROLE);
  const current = (await h.json('/rest/v1/programs/members/describe.json', { token })).result;
  assert.equal(current.length, 1);
  const [map] = current;
  assert.deepEqual(Object.keys(map), ['name', 'description', 'createdAt', 'updatedAt', 'dedupeFields', 'searchableFields', 'fields']);
  assert.equal(map.name, 'API Program Membership');
  assert.deepEqual(map.dedupeFields, ['leadId', 'programId']);
  assert.deepEqual(map.fields.slice(0, 17).map((f: any) => f.name), [
    'acquiredBy', 'attendanceLikelihood', 'createdAt', 'isExhausted', 'leadId', 'membershipDate', 'nurtureCadence', 'program', 'programId',
    'reachedSuccess', 'reachedSuccessDate', 'registrationLikelihood', 'statusName', 'statusReason', 'trackName', 'updatedAt', 'waitlistPriority',
  ]);
  assert.deepEqual(map.fields.find((f: any) => f.name === 'nurtureCadence'), { name: 'nurtureCadence', displayName: 'nurtureCadence', dataType: 'string', length: 4, updateable: false, crmManaged: false });
  assert.deepEqual(map.fields.slice(17), [
    { name: 'registrationCode', displayName: 'registrationCode', dataType: 'string', length: 100, updateable: true, crmManaged: false },
    { name: 'webinarUrl', displayName: 'webinarUrl', dataType: 'string', length: 2000, updateable: true, crmManaged: false },
  ]);
  const superseded = (await h.json('/rest/v1/program/members/describe.json', { token })).result;
  assert.deepEqual(superseded, [{ name: 'API Program Member', fields: map.fields }]);
});

test('describe paths need a lead permission: 603 for activity-only and asset-only users', async (t) => {
  const h = await leadHarness(t);
  const paths = ['/rest/v1/leads/describe.json', '/rest/v1/leads/describe2.json', '/rest/v1/programs/members/describe.json', '/rest/v1/program/members/describe.json'];
  for (const role of ['read-write-activity', 'read-only-assets', 'none']) {
    const token = await h.token(role);
    for (const path of paths) assert.equal(errorOf(await h.json(path, { token }), '603'), 'Access denied', `${role} ${path}`);
  }
  for (const role of ['read-only-lead', 'read-write-lead']) {
    const token = await h.token(role);
    for (const path of paths) assert.equal((await h.json(path, { token })).success, true, `${role} ${path}`);
  }
});
