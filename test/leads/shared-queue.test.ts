/**
 * One queue and one daily quota for every bulk export kind (notes §2.8): the processing and queue
 * limits count activity, lead and program member jobs together, FIFO by queuedAt across kinds,
 * and lead exports spend the same quota. A server suite (startHarness), so it runs on
 * PostgreSQL too; test/scale-out covers the same counts across processes.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { quotaResetsAt } from '../../src/domain/quota.js';
import { LEAD_CATALOG, lead, member } from '../../src/store/conformance/lead-fixtures.js';
import { activity, JSON_HEADERS, startHarness, T0, type Harness } from '../helpers/harness.js';
import { tokenFor, userWithToken } from '../helpers/api.js';
import { ACTIVITIES, createAt, errorOf, jobCall, jobOf, LEADS, loadCatalog, MEMBERS, runJob } from './helpers.js';

const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
const WINDOW = { startAt: '2026-01-14T00:00:00Z', endAt: '2026-01-16T00:00:00Z' };
const BODIES: Record<string, unknown> = {
  [ACTIVITIES]: { filter: { createdAt: WINDOW } },
  [LEADS]: { fields: ['id', 'email'], filter: { createdAt: WINDOW } },
  [MEMBERS]: { fields: ['leadId', 'statusName'], filter: { programId: 1001 } },
};

async function harness(t: TestContext, overrides: Parameters<typeof startHarness>[1] = {}): Promise<{ h: Harness; token: string; renew(): Promise<string> }> {
  // The defaults for the limits (2 Processing, 10 Queued + Processing); call limits off.
  const h = await startHarness(t.name, { rateLimit: undefined, maxConcurrentRequests: undefined, dailyCallQuota: 0, ...overrides });
  t.after(() => h.close());
  await loadCatalog(h, LEAD_CATALOG);
  await h.store.importActivities([activity({ activityDate: T0 - 3_600_000 })]);
  await h.store.importLeads([lead({ id: 1, createdAt: '2026-01-15T00:00:00Z', email: 'a@example.com' })]);
  await h.store.importProgramMembers([member({ programId: 1001, leadId: 1 })]);
  const user = await userWithToken(h, 'read-only-activity,read-only-lead');
  return { h, token: user.token, renew: () => tokenFor(h, user) };
}

/** Creates a job of the kind at `base` and enqueues it, a second later than the last enqueue; returns its id. */
async function queued(h: Harness, token: string, base: string): Promise<string> {
  const { exportId } = jobOf(await createAt(h, token, base, BODIES[base]));
  h.clock.advance(1000);
  assert.equal(jobOf(await jobCall(h, token, base, exportId, 'enqueue')).status, 'Queued');
  return exportId;
}

async function statusOf(h: Harness, token: string, base: string, id: string): Promise<string> {
  return jobOf(await jobCall(h, token, base, id, 'status')).status;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never: ${what}`);
}

test('with the defaults, two activity jobs Processing make a lead job wait in Queued; ten jobs of mixed kinds fill the queue (1029)', async (t) => {
  const { h, token } = await harness(t, { emulatorControls: true, adminToken: ADMIN_TOKEN });
  // Every job that starts stays Processing until cancelled.
  const fault = await h.call('/tidemark/v1/emulator/faults/jobs', { method: 'POST', headers: { ...JSON_HEADERS, Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ delay: '1h' }) });
  assert.equal(fault.status, 200);
  const a1 = await queued(h, token, ACTIVITIES);
  const a2 = await queued(h, token, ACTIVITIES);
  await until(async () => (await statusOf(h, token, ACTIVITIES, a1)) === 'Processing' && (await statusOf(h, token, ACTIVITIES, a2)) === 'Processing', 'both activity jobs Processing');
  const l1 = await queued(h, token, LEADS);
  h.tm.scheduler.kick();
  await new Promise((r) => setTimeout(r, 300)); // several scheduler polls (50 ms)
  assert.equal(await statusOf(h, token, LEADS, l1), 'Queued', 'the lead job waits for a processing slot');
  assert.equal(await h.store.claimNextJob(h.clock.now(), 2, { owner: 'probe', until: Date.now() + 1000 }), undefined, 'no slot is free');

  // 3 jobs so far; 7 more of mixed kinds make 10 Queued + Processing.
  const more = [];
  for (const base of [MEMBERS, LEADS, ACTIVITIES, MEMBERS, LEADS, ACTIVITIES, MEMBERS]) more.push(await queued(h, token, base));
  for (const base of [ACTIVITIES, LEADS, MEMBERS]) {
    const { exportId } = jobOf(await createAt(h, token, base, BODIES[base]));
    assert.equal(errorOf(await jobCall(h, token, base, exportId, 'enqueue'), '1029'), 'Too many jobs in queue', base);
  }
  // A slot frees: the oldest queued job (the lead job, FIFO across kinds) starts next.
  assert.equal(jobOf(await jobCall(h, token, ACTIVITIES, a1, 'cancel')).status, 'Cancelled');
  await until(async () => (await statusOf(h, token, LEADS, l1)) === 'Processing', 'the lead job starts');
  assert.equal(await statusOf(h, token, MEMBERS, more[0]!), 'Queued');
});

test('FIFO by queuedAt across kinds: with one processing slot, jobs run in enqueue order whatever their kind', async (t) => {
  const { h, token } = await harness(t, { maxProcessing: 1 });
  const order = [MEMBERS, LEADS, ACTIVITIES, LEADS, MEMBERS, ACTIVITIES];
  const started: string[] = [];
  h.tm.scheduler.on('settled', (e) => started.push(e.exportId));
  const ids = [];
  for (const base of order) ids.push(await queued(h, token, base));
  for (const id of ids) assert.equal(await h.tm.scheduler.waitForJob(id), 'Completed');
  assert.deepEqual(started, ids);
  // queuedAt (and startedAt) follow the same order.
  const views = await Promise.all(ids.map((id, i) => jobCall(h, token, order[i]!, id, 'status').then(jobOf)));
  const queuedAts = views.map((v) => v.queuedAt as string);
  assert.deepEqual(queuedAts, [...queuedAts].sort());
});

test('lead and program member exports spend the same daily export quota as activity exports', async (t) => {
  const { h, token, renew } = await harness(t, { dailyQuotaMb: 1 });
  const pending = jobOf(await createAt(h, token, ACTIVITIES, BODIES[ACTIVITIES]));
  // About 1.2 MB of leads, created in the window.
  await h.store.importLeads(Array.from({ length: 11_000 }, (_, i) => lead({ id: 100 + i, createdAt: '2026-01-15T00:00:00Z', textField: `${i}`.padEnd(100, 'x') })));
  const { job } = await runJob(h, token, LEADS, { fields: ['id', 'textField'], filter: { createdAt: WINDOW } });
  assert.ok(job.fileSize > 1024 * 1024, `the lead file (${job.fileSize} bytes) is over the 1 MB quota`);
  const SPENT = 'Export daily quota 1MB exceeded.';
  for (const base of [ACTIVITIES, LEADS, MEMBERS]) assert.equal(errorOf(await createAt(h, token, base, BODIES[base]), '1029'), SPENT, `create ${base}`);
  assert.equal(errorOf(await jobCall(h, token, ACTIVITIES, pending.exportId, 'enqueue'), '1029'), SPENT, 'enqueue of a Created activity job');
  // 00:00 America/Chicago: the quota is new again.
  h.clock.set(quotaResetsAt(h.clock.now()));
  const fresh = await renew(); // the old token expired on the way
  jobOf(await createAt(h, fresh, MEMBERS, BODIES[MEMBERS]));
  jobOf(await jobCall(h, fresh, ACTIVITIES, pending.exportId, 'enqueue'));
});
