/**
 * The demo user from a fresh start can run every read tap-marketo and Airbyte make (lists,
 * campaigns, programs, usage, activity types, lead describe); the demo's campaigns are the ones
 * its activities name; `stats/usage.json` needs only a valid token (notes Q20, Q21).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoActivities } from '../../src/demo/generate.js';
import { DEMO_CAMPAIGN_IDS } from '../../src/demo/campaigns.js';
import { DEMO_USER } from '../../src/demo/generate.js';
import { ensureDemoUser, writeDemoCatalog } from '../../src/demo/seed.js';
import { startHarness } from '../helpers/harness.js';
import { assertError, tokenFor } from '../helpers/api.js';
import { assetOk, leadDbOk, NOTHING, tapPaginated } from './helpers.js';

test('demo: every activity names a campaign of the demo catalog, and the demo user reads all of it', async (t) => {
  const h = await startHarness(t.name, { rateLimit: undefined });
  t.after(() => h.close());
  await writeDemoCatalog(h.store);
  await ensureDemoUser(h.store, h.clock.now());
  const token = await tokenFor(h, DEMO_USER);

  const campaigns = (await tapPaginated(h, token, 'campaigns')).rows;
  const campaignIds = new Set(campaigns.map((c) => c.id));
  assert.equal(campaignIds.size, DEMO_CAMPAIGN_IDS.count);
  const used = new Set<number>();
  for (const a of demoActivities({ days: 14, activitiesPerDay: 400, seed: 1, endMs: Date.UTC(2026, 0, 15) })) {
    if (a.campaignId !== null) used.add(a.campaignId);
  }
  assert.ok(used.size > 30, `the demo uses most campaigns (${used.size})`);
  for (const id of used) assert.ok(campaignIds.has(id), `activity campaign ${id} is a demo campaign`);
  assert.ok(campaigns.some((c) => c.programName === 'Nurture - Onboarding') && campaigns.some((c) => !('programId' in c)));
  assert.ok(campaigns.some((c) => !('description' in c)));

  const lists = (await tapPaginated(h, token, 'lists')).rows;
  assert.deepEqual(lists.map((l) => [l.id, l.name, l.programName]), [[3001, 'Newsletter', 'GL_OP_ALL_2026'], [3002, 'Active', 'Nurture - Onboarding'], [3003, 'Do Not Call', undefined]]);
  const programs = assetOk(await h.json('/rest/asset/v1/programs.json?maxReturn=200&offset=0', { token }));
  assert.deepEqual(programs.map((p) => [p.name, p.type]), [
    ['GL_OP_ALL_2026', 'Default'], ['Nurture - Onboarding', 'Engagement'], ['Trade Show - Spring', 'Event'], ['Webinar - Data Pipelines', 'Event with Webinar'],
  ]);
  assert.deepEqual((await h.json('/rest/asset/v1/programs.json?maxReturn=200&offset=200', { token })).warnings, [NOTHING]);
  assert.equal(leadDbOk(await h.json('/rest/v1/campaigns.json?isTriggerable=true', { token })).result.length, 10, 'Sync to CRM and Request Alert in each of the five homes');
  for (const path of ['/rest/v1/stats/usage.json', '/rest/v1/activities/types.json', '/rest/v1/leads/describe.json']) {
    assert.equal((await h.json(path, { token })).success, true, path);
  }
});

test('stats/usage.json: any valid token, whatever its role; result[0].total always there', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  for (const role of ['none', 'read-only-campaigns', 'read-only-assets', 'read-write-lead']) {
    const body = await h.json('/rest/v1/stats/usage.json', { token: await h.token(role) });
    assert.equal(body.success, true, `${role}: ${JSON.stringify(body)}`);
    assert.equal(typeof body.result[0].total, 'number');
    assert.match(body.result[0].date, /^\d{4}-\d{2}-\d{2}$/);
  }
  assertError(await h.json('/rest/v1/stats/usage.json'), '601');
});

test('demo: a demo user made by an earlier version gains the permissions the demo flows need now, keeping its own', async (t) => {
  const h = await startHarness(t.name, { rateLimit: undefined });
  t.after(() => h.close());
  await ensureDemoUser(h.store, h.clock.now());
  await h.store.setUserRole(DEMO_USER.clientId, 'read-write-activity,read-only-assets,read-only-lead,read-write-assets');
  await ensureDemoUser(h.store, h.clock.now());
  const role = (await h.store.findUser(DEMO_USER.clientId))!.role.split(',');
  assert.deepEqual(new Set(role), new Set(['read-write-activity', 'read-only-assets', 'read-only-lead', 'read-write-assets', 'read-only-campaigns']));
  const token = await tokenFor(h, DEMO_USER);
  leadDbOk(await h.json('/rest/v1/campaigns.json', { token }));
});
