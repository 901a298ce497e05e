/**
 * The console's JSON endpoints do what the page shows (docs/console.md): every user's jobs with
 * filters and paging (10,000 of them), why a Queued job waits, a job's detail, its file and
 * preview, the quota and calls, API users, the data per day and type, and the live stream. Both
 * stores.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { job as jobRecord } from '../../src/store/conformance/fixtures.js';
import { LEAD_CATALOG, lead, member } from '../../src/store/conformance/lead-fixtures.js';
import { LEADS, loadCatalog, MEMBERS, runJob } from '../leads/helpers.js';
import { completedJob, createJob, download, enqueue, NO_LIMITS, tokenFor } from '../helpers/api.js';
import { activity, T0 } from '../helpers/harness.js';
import { consoleJson, signIn, startConsole, CONSOLE } from './helpers.js';

test('jobs: every owner, filters by status, user and type, paging with a total; the detail, file and preview', async (t) => {
  const h = await startConsole(t.name, NO_LIMITS);
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity({ primaryAttributeValue: 'with, comma' }), activity()]);
  const alice = await h.user('read-write-activity', 'alice');
  const bob = await h.user('read-write-activity', 'bob');
  const [ta, tb] = [await tokenFor(h, alice), await tokenFor(h, bob)];
  const done = await completedJob(h, ta);
  h.clock.advance(1000); // newest first needs distinct createdAt
  const created = await createJob(h, tb);
  const s = await signIn(h);

  const page = async (q: string) => (await consoleJson(h, s, `/jobs?${q}`)).result[0];
  const all = await page('');
  assert.equal(all.total, 2);
  assert.deepEqual(all.jobs.map((j: any) => [j.exportId, j.ownerName, j.kind, j.status]),
    [[created.exportId, 'bob', 'activities', 'Created'], [done.exportId, 'alice', 'activities', 'Completed']]);
  assert.deepEqual((await page(`user=${alice.clientId}`)).jobs.map((j: any) => j.exportId), [done.exportId]);
  assert.deepEqual((await page('status=created')).jobs.map((j: any) => j.exportId), [created.exportId]);
  assert.equal((await page('type=activities')).total, 2);
  assert.equal((await page('type=leads')).total, 0, 'no lead export here (the next test makes some)');
  assert.equal((await page('offset=1&limit=1')).jobs[0].exportId, done.exportId);
  for (const [q, code] of [['status=Done', '1003'], ['type=contacts', '1003'], ['limit=0', '1003'], ['limit=201', '1003'], ['offset=-1', '1003']]) {
    assert.equal((await consoleJson(h, s, `/jobs?${q}`)).errors[0].code, code, q);
  }

  const detail = (await consoleJson(h, s, `/jobs/${done.exportId}`)).result[0];
  assert.equal(detail.job.numberOfRecords, 3);
  assert.deepEqual(detail.timeline.map((x: any) => x.step), ['Created', 'Queued', 'Processing', 'Completed']);
  assert.deepEqual(detail.createBody.filter.createdAt, { startAt: '2026-01-14T12:00:00Z', endAt: '2026-01-16T12:00:00Z' });
  assert.equal(detail.file.available, true);
  assert.equal((await consoleJson(h, s, '/jobs/00000000-0000-4000-8000-000000000000')).errors[0].code, '1003');

  // The console's download is the very file the owner gets from file.json.
  const fromApi = await download(h, ta, done.exportId);
  const fromConsole = await h.call(`${CONSOLE}/jobs/${done.exportId}/file`, { headers: { Cookie: s.cookie } });
  assert.equal(fromConsole.status, 200);
  assert.match(fromConsole.headers.get('content-disposition')!, new RegExp(`attachment; filename="${done.exportId}.csv"`));
  assert.ok(Buffer.from(await fromConsole.arrayBuffer()).equals(fromApi.body));
  assert.equal((await h.call(`${CONSOLE}/jobs/${created.exportId}/file`, { headers: { Cookie: s.cookie } })).status, 404);

  const preview = (await consoleJson(h, s, `/jobs/${done.exportId}/preview?rows=2`)).result[0];
  assert.deepEqual(preview.header, fromApi.text.split('\n')[0]!.split(','));
  assert.equal(preview.rows.length, 2);
  assert.equal(preview.truncated, true);
  assert.ok(preview.rows.flat().includes('with, comma'), 'a quoted value comes back whole');
  assert.equal((await consoleJson(h, s, `/jobs/${created.exportId}/preview`)).errors[0].code, '1003');

  const cancelled = (await consoleJson(h, s, `/jobs/${created.exportId}/cancel`, { method: 'POST' })).result[0];
  assert.equal(cancelled.status, 'Cancelled');
});

test('why a Queued job waits: the processing slots are full, and its place in the queue', async (t) => {
  const h = await startConsole(t.name, { ...NO_LIMITS, emulatorControls: true, maxProcessing: 1 });
  t.after(() => h.close());
  const s = await signIn(h);
  await consoleJson(h, s, '/emulator/faults/jobs', { method: 'POST', body: { delay: '1h' } });
  const token = await h.token('read-write-activity');
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const j = await createJob(h, token);
    await enqueue(h, token, j.exportId);
    ids.push(j.exportId);
    h.clock.advance(1000); // FIFO by queuedAt; equal times would fall back to the ids' order
  }
  // The first one holds the only slot (it is delayed an hour); the other two wait.
  for (let i = 0; i < 200 && (await h.store.countJobsByStatus()).Processing === 0; i++) await new Promise((r) => setTimeout(r, 20));
  const jobs = (await consoleJson(h, s, '/jobs')).result[0].jobs as any[];
  const byId = new Map(jobs.map((j) => [j.exportId, j]));
  assert.equal(byId.get(ids[0]!).status, 'Processing');
  assert.equal(byId.get(ids[1]!).waiting, 'Processing slots full (1 of 1); next in line');
  assert.equal(byId.get(ids[2]!).waiting, 'Processing slots full (1 of 1); position 2 in the queue');
  assert.equal(byId.get(ids[2]!).queuePosition, 2);
  const overview = (await consoleJson(h, s, '/overview')).result[0];
  assert.deepEqual(overview.slots, { processing: 1, maxProcessing: 1, queuedAndProcessing: 3, maxQueued: 10 });
  for (const id of ids) await consoleJson(h, s, `/jobs/${id}/cancel`, { method: 'POST' });
});

test('10,000 jobs: a page is 50 rows with the right total, at any offset and under any filter', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const owners = ['c-a', 'c-b', 'c-c', 'c-d'];
  const statuses = ['Created', 'Completed', 'Failed', 'Cancelled'] as const;
  for (let i = 0; i < 10_000; i++) {
    await h.store.insertJob(jobRecord(`job-${String(i).padStart(5, '0')}`, { owner: owners[i % 4]!, status: statuses[(i >> 2) % 4]!, createdAt: T0 + i }));
  }
  const s = await signIn(h);
  const started = Date.now();
  const last = (await consoleJson(h, s, '/jobs?offset=9950&limit=50')).result[0];
  assert.equal(last.total, 10_000);
  assert.equal(last.jobs.length, 50);
  assert.equal(last.jobs[49].exportId, 'job-00000', 'newest first: the oldest is last');
  const filtered = (await consoleJson(h, s, '/jobs?status=Failed&user=c-b&limit=50')).result[0];
  assert.equal(filtered.total, 625);
  assert.ok(filtered.jobs.every((j: any) => j.status === 'Failed' && j.owner === 'c-b'));
  t.diagnostic(`two pages over 10,000 jobs: ${Date.now() - started} ms`);
});

test('overview, users and data: quota used, calls per user, create/role/disable, activities per day and type', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  await h.store.importActivities([activity({ activityTypeId: 1 }), activity({ activityTypeId: 1 }), activity({ activityTypeId: 6, activityDate: T0 - 30 * 3_600_000 })]);
  const s = await signIn(h);
  const u = await h.user('read-write-activity', 'etl');
  const token = await tokenFor(h, u);
  const done = await completedJob(h, token);
  const overview = (await consoleJson(h, s, '/overview')).result[0];
  assert.equal(overview.exportQuota.usedBytes, done.fileSize);
  assert.equal(overview.exportQuota.limitBytes, 500 * 1024 * 1024);
  assert.equal(overview.exportQuota.resetsAt, '2026-01-16T06:00:00.000Z', '00:00 America/Chicago (CST) after T0');
  assert.deepEqual(overview.calls.perUser, [{ name: 'etl', count: 3 }], 'create, enqueue, status: the identity call is free');
  assert.equal(overview.calls.today, 3);
  assert.equal(overview.jobs.Completed, 1);

  // Create a user: the secret is in this answer only, and it works.
  const created = (await consoleJson(h, s, '/users', { method: 'POST', body: { name: 'from console', role: 'none' } })).result[0];
  assert.match(created.clientSecret, /^[A-Za-z0-9]{32}$/);
  assert.ok(!(await h.store.findUser(created.clientId))!.secretHash.includes(created.clientSecret));
  const newToken = await tokenFor(h, created);
  assert.equal((await h.json('/bulk/v1/activities/export.json', { token: newToken })).errors[0].code, '603', "role 'none' grants nothing");
  await consoleJson(h, s, `/users/${created.clientId}/role`, { method: 'POST', body: { role: 'read-only-activity' } });
  assert.equal((await h.json('/bulk/v1/activities/export.json', { token: newToken })).success, true, 'the new role counts at once');
  const listed = (await consoleJson(h, s, '/users')).result as any[];
  assert.deepEqual(listed.map((x) => [x.name, x.role, x.disabled]), [['etl', 'read-write-activity', false], ['from console', 'read-only-activity', false]]);
  assert.ok(listed.every((x) => !('secretHash' in x) && !('clientSecret' in x)), 'a list never shows a secret or its hash');
  await consoleJson(h, s, `/users/${created.clientId}/disable`, { method: 'POST' });
  assert.equal((await h.json('/bulk/v1/activities/export.json', { token: newToken })).errors[0].code, '603', 'disabled');
  for (const [body, code] of [[{ name: '', role: 'none' }, '1002'], [{ name: 'x', role: 'admin' }, '1003'], [{ name: 'x' }, '1002'], [[], '1003']] as const) {
    assert.equal((await consoleJson(h, s, '/users', { method: 'POST', body })).errors[0].code, code, JSON.stringify(body));
  }
  assert.equal((await consoleJson(h, s, '/users/nobody/disable', { method: 'POST' })).errors[0].code, '1003');

  const series = (await consoleJson(h, s, '/data/series?fresh=1')).result[0].series;
  assert.deepEqual(series.map((x: any) => [x.kind, x.total]), [['activities', 3]]);
  assert.deepEqual(series[0].days, [{ day: '2026-01-14', total: 1, byType: { 6: 1 } }, { day: '2026-01-15', total: 2, byType: { 1: 2 } }]);
  assert.deepEqual(series[0].types.map((x: any) => [x.id, x.name, x.total]), [[1, 'Visit Webpage', 2], [6, 'Send Email', 1]]);
  const catalog = (await consoleJson(h, s, '/data/catalog')).result[0];
  assert.deepEqual(Object.keys(catalog), ['programs', 'staticLists', 'forms', 'leadFields', 'customActivityTypes', 'standardActivityTypes']);

  // Leads: their own series, created per day, once there are any (deleted ones and leads known only from activities do not count).
  await h.store.importLeads([
    lead({ id: 1, createdAt: '2026-01-13T08:00:00Z' }), lead({ id: 2, createdAt: '2026-01-15T09:00:00Z' }),
    lead({ id: 3, createdAt: '2026-01-15T23:59:59Z' }), lead({ id: 4, createdAt: '2026-01-15T10:00:00Z', deleted: true }),
  ]);
  const withLeads = (await consoleJson(h, s, '/data/series?fresh=1')).result[0].series;
  assert.deepEqual(withLeads.map((x: any) => [x.kind, x.total]), [['activities', 3], ['leads', 3]]);
  const leads = withLeads[1];
  assert.equal(leads.label, 'Leads');
  assert.match(leads.note, /by the day of their createdAt; active leads only/);
  assert.deepEqual(leads.days, [{ day: '2026-01-13', total: 1, byType: { 0: 1 } }, { day: '2026-01-15', total: 2, byType: { 0: 2 } }]);
  assert.deepEqual(leads.types, [{ id: 0, name: 'Created', total: 3 }]);
  assert.deepEqual((await consoleJson(h, s, '/data/series')).result[0].series.map((x: any) => x.kind), ['activities', 'leads'], 'the cached answer too');
});

test('lead and program member jobs: the type filter, the detail with its create body, the file and the preview', async (t) => {
  const h = await startConsole(t.name, NO_LIMITS);
  t.after(() => h.close());
  await loadCatalog(h, LEAD_CATALOG);
  await h.store.importActivities([activity()]);
  await h.store.importLeads([lead({ id: 1, createdAt: '2026-01-15T00:00:00Z', email: 'a@example.com' }), lead({ id: 2, createdAt: '2026-01-15T01:00:00Z', email: 'b@example.com' })]);
  await h.store.importProgramMembers([member({ programId: 1001, leadId: 1 }), member({ programId: 1001, leadId: 2, statusName: 'Attended' })]);
  const token = await h.token('read-only-activity,read-only-lead');
  const activityJob = await completedJob(h, token);
  h.clock.advance(1000);
  const leadJob = await runJob(h, token, LEADS, { fields: ['id', 'email'], filter: { createdAt: { startAt: '2026-01-14T00:00:00Z', endAt: '2026-01-16T00:00:00Z' } } });
  h.clock.advance(1000);
  const memberJob = await runJob(h, token, MEMBERS, { format: 'TSV', fields: ['leadId', 'statusName'], filter: { programId: 1001 } });
  const s = await signIn(h);

  const page = async (q: string) => (await consoleJson(h, s, `/jobs?${q}`)).result[0];
  assert.deepEqual((await page('')).jobs.map((j: any) => j.kind), ['programMembers', 'leads', 'activities']);
  for (const [type, id] of [['activities', activityJob.exportId], ['leads', leadJob.job.exportId], ['programMembers', memberJob.job.exportId]]) {
    const only = await page(`type=${type}`);
    assert.deepEqual([only.total, only.jobs.map((j: any) => j.exportId)], [1, [id]], type);
  }
  assert.equal((await page('type=leads&status=Completed')).total, 1);

  const leadDetail = (await consoleJson(h, s, `/jobs/${leadJob.job.exportId}`)).result[0];
  assert.deepEqual([leadDetail.job.kind, leadDetail.job.numberOfRecords, leadDetail.shownStatus], ['leads', 2, 'Completed']);
  assert.deepEqual(leadDetail.createBody.fields, ['id', 'email']);
  assert.deepEqual(leadDetail.createBody.filter.createdAt, { startAt: '2026-01-14T00:00:00Z', endAt: '2026-01-16T00:00:00Z' });
  assert.deepEqual(leadDetail.timeline.map((x: any) => x.step), ['Created', 'Queued', 'Processing', 'Completed']);
  const leadPreview = (await consoleJson(h, s, `/jobs/${leadJob.job.exportId}/preview`)).result[0];
  assert.deepEqual([leadPreview.header, leadPreview.rows], [['id', 'email'], [['1', 'a@example.com'], ['2', 'b@example.com']]]);
  const leadFile = await h.call(`${CONSOLE}/jobs/${leadJob.job.exportId}/file`, { headers: { Cookie: s.cookie } });
  assert.ok(Buffer.from(await leadFile.arrayBuffer()).equals(leadJob.bytes), 'the bytes file.json serves');

  const memberDetail = (await consoleJson(h, s, `/jobs/${memberJob.job.exportId}`)).result[0];
  assert.deepEqual([memberDetail.job.kind, memberDetail.job.format, memberDetail.job.numberOfRecords], ['programMembers', 'TSV', 2]);
  assert.deepEqual(memberDetail.createBody.filter, { programId: 1001 });
  assert.match(memberDetail.job.filter, /1001/);
  const memberPreview = (await consoleJson(h, s, `/jobs/${memberJob.job.exportId}/preview`)).result[0];
  assert.deepEqual([memberPreview.header, memberPreview.rows], [['leadId', 'statusName'], [['1', 'Member'], ['2', 'Attended']]]);
  const memberFile = await h.call(`${CONSOLE}/jobs/${memberJob.job.exportId}/file`, { headers: { Cookie: s.cookie } });
  assert.match(memberFile.headers.get('content-disposition')!, /\.tsv"$/);
});

test('the live stream sends the overview at once and again when a job appears', async (t) => {
  const h = await startConsole(t.name);
  t.after(() => h.close());
  const s = await signIn(h);
  const ac = new AbortController();
  t.after(() => ac.abort());
  const res = await h.call(`${CONSOLE}/events`, { headers: { Cookie: s.cookie }, signal: ac.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
  const reader = res.body!.getReader();
  let text = '';
  const nextOverview = async (): Promise<any> => {
    for (;;) {
      const at = text.indexOf('event: overview\ndata: ');
      const end = at >= 0 ? text.indexOf('\n\n', at) : -1;
      if (end >= 0) {
        const data = JSON.parse(text.slice(at + 'event: overview\ndata: '.length, end));
        text = text.slice(end + 2);
        return data;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      text += Buffer.from(value).toString('utf8');
    }
  };
  assert.equal((await nextOverview()).jobs.Created, 0);
  await createJob(h, await h.token('read-write-activity'));
  assert.equal((await nextOverview()).jobs.Created, 1, 'pushed within the poll interval, no reload');
});
