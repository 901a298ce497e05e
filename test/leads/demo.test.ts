/**
 * The demo data set agrees with itself (every activity's lead is a lead; every Add to List
 * activity's list holds that lead; program status changes match the memberships) and follows the
 * calendar (a later start adds the missing days, and they come out as a fresh run of the whole
 * range would make them). A server suite (startHarness), so it runs on PostgreSQL too.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { Activity } from '../../src/domain/activity.js';
import type { ExportValue } from '../../src/domain/export-kind.js';
import { DEMO_DEFAULTS, ensureDemoData, writeDemo } from '../../src/demo/seed.js';
import { EVERY_LEAD, leadRequest, memberRequest } from '../../src/store/conformance/lead-fixtures.js';
import { EVERYTHING } from '../../src/store/conformance/fixtures.js';
import type { Store } from '../../src/store/store.js';
import { activity, startHarness, type Harness } from '../helpers/harness.js';

const DAY = 86_400_000;
const END = Date.UTC(2026, 2, 10);

async function store(t: TestContext): Promise<Harness> {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  return h;
}

async function collect<T>(xs: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of xs) out.push(x);
  return out;
}

const leadIds = async (s: Store, filter = EVERY_LEAD): Promise<Set<number>> =>
  new Set((await collect(s.exportRecords(leadRequest(filter, ['id'])))).map((r) => r[0] as number));

/** Everything a demo store holds, in a comparable form. */
async function snapshot(s: Store): Promise<{ activities: Activity[]; leads: ExportValue[][]; members: ExportValue[][] }> {
  return {
    activities: await collect(s.exportRows(EVERYTHING)),
    leads: await collect(s.exportRecords(leadRequest(EVERY_LEAD, ['id', 'createdAt', 'updatedAt', 'firstName', 'email', 'leadStatus', 'leadScore', 'acquisitionProgramId']))),
    members: await collect(s.exportRecords(memberRequest({ programIds: [1001, 1002, 1003, 1004] }, ['programId', 'leadId', 'statusName', 'membershipDate', 'reachedSuccess', 'isExhausted', 'nurtureCadence']))),
  };
}

test('the demo agrees with itself: leads of activities, list additions, program status changes', async (t) => {
  const h = await store(t);
  const written = await writeDemo(h.store, { days: 4, activitiesPerDay: 1500, seed: 3, endMs: END });
  assert.equal(written.days, 4);
  const activities = await collect(h.store.exportRows(EVERYTHING));
  assert.equal(activities.length, written.activities);
  const leads = await leadIds(h.store);
  const created = new Map((await collect(h.store.exportRecords(leadRequest(EVERY_LEAD, ['id', 'createdAt'])))).map((r) => [r[0] as number, (r[1] as Date).getTime()]));

  // 1. Every activity's lead is a lead, created no later than the activity.
  for (const a of activities) {
    assert.ok(leads.has(a.leadId), `activity ${a.marketoGUID} names lead ${a.leadId}, which is not a lead`);
    assert.ok(created.get(a.leadId)! <= a.activityDate, `activity ${a.marketoGUID} comes before lead ${a.leadId} was created`);
  }
  // 2. Every Add to List activity's list holds its lead.
  const adds = activities.filter((a) => a.activityTypeId === 24);
  assert.ok(adds.length > 50);
  const members = new Map<number, Set<number>>();
  for (const list of [3001, 3002, 3003]) members.set(list, await leadIds(h.store, { type: 'staticList', listId: list }));
  for (const a of adds) assert.ok(members.get(a.primaryAttributeValueId!)!.has(a.leadId), `list ${a.primaryAttributeValueId} lacks lead ${a.leadId}`);
  // 3. The last status change of each (program, lead) is its membership; no membership without one.
  const last = new Map<string, Activity>();
  for (const a of activities.filter((x) => x.activityTypeId === 104)) last.set(`${a.primaryAttributeValueId}/${a.leadId}`, a);
  const memberships = await collect(h.store.exportRecords(memberRequest({ programIds: [1001, 1002, 1003, 1004] }, ['programId', 'leadId', 'statusName', 'reachedSuccess'])));
  assert.ok(memberships.length > 100);
  assert.equal(memberships.length, last.size);
  for (const [programId, leadId, statusName, success] of memberships) {
    const a = last.get(`${programId}/${leadId}`);
    assert.ok(a, `membership ${programId}/${leadId} without a status change`);
    const attrs = JSON.parse(a.attributes) as Record<string, unknown>;
    assert.equal(statusName, attrs['New Status']);
    assert.equal(success, String(attrs.Success));
  }
  // Smart lists are stored sets of leads; deleted base leads are never exported nor named.
  assert.ok((await leadIds(h.store, { type: 'smartList', listId: 4001 })).size > 10);
  assert.ok(!leads.has(5995));
});

test('the demo follows the calendar: a later start adds the missing days, equal to a fresh run of the whole range', async (t) => {
  const h = await store(t);
  await writeDemo(h.store, { ...DEMO_DEFAULTS, days: 3, endMs: END });
  // Two days later (and some hours into the day): serve --demo tops up the two days it lacks.
  const added = await ensureDemoData(h.store, END + 2 * DAY + 5 * 3_600_000);
  assert.equal(added?.days, 2);
  assert.ok(added!.activities > 1000 && added!.leads > 100 && added!.members > 10);
  assert.equal(await ensureDemoData(h.store, END + 2 * DAY + 9 * 3_600_000), undefined, 'nothing more that day');

  // The same seed and days give the same days: equal to one run over the five days.
  const fresh = await store(t);
  assert.equal((await writeDemo(fresh.store, { ...DEMO_DEFAULTS, days: 5, endMs: END + 2 * DAY })).days, 5);
  const whole = await snapshot(fresh.store);
  assert.deepEqual(await snapshot(h.store), whole);
  assert.ok(whole.activities.some((a) => a.activityDate >= END + DAY), 'the last day is there');
  // A run over days that are all there adds nothing, even with another seed.
  assert.deepEqual(await writeDemo(fresh.store, { ...DEMO_DEFAULTS, seed: 9, days: 5, endMs: END + 2 * DAY }), { days: 0, activities: 0, leads: 0, members: 0 });
  assert.deepEqual(await snapshot(fresh.store), whole);
});

test('serve --demo leaves a store of other data alone', async (t) => {
  const h = await store(t);
  await h.store.importActivities([activity({ marketoGUID: '42' })]);
  assert.equal(await ensureDemoData(h.store, END), undefined);
  assert.equal(await h.store.countActivities(), 1);
  assert.equal(await h.store.countLeads(), 0);
});
