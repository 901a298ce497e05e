/**
 * The Bulk Lead and Program Member Extracts end to end over HTTP: lifecycle, the file byte for
 * byte against the oracle (formatHeader + formatRecord over store.exportRecords) with the
 * served fileSize and fileChecksum, Range, cancel, lists per kind, ids under another kind's
 * path, privacy, and lists or programs deleted before Processing. A server suite (startHarness
 * through ./helpers.ts), so it runs on PostgreSQL too.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { ExportValue, RecordExportRequest } from '../../src/domain/export-kind.js';
import type { LeadRecord } from '../../src/domain/lead-record.js';
import { formatHeader, formatRecord } from '../../src/domain/file-format.js';
import { LEAD_CATALOG, member, trickyLeads } from '../../src/store/conformance/lead-fixtures.js';
import type { Harness } from '../helpers/harness.js';
import { ACTIVITIES, createAt, errorOf, jobCall, jobOf, leadHarness, LEADS, LEAD_ROLE, loadCatalog, MEMBERS, runJob } from './helpers.js';

const WINDOW = { startAt: '2026-01-01T00:00:00Z', endAt: '2026-01-31T23:59:59Z' };

/** The file as the oracle writes it for a job's request, and its rows' values. */
async function oracle(h: Harness, exportId: string): Promise<{ text: string; rows: ExportValue[][] }> {
  const request = (await h.store.getJob(exportId))!.request as RecordExportRequest;
  let text = formatHeader(request);
  const rows: ExportValue[][] = [];
  for await (const values of h.store.exportRecords(request)) {
    rows.push(values);
    text += formatRecord(values, request.format);
  }
  return { text, rows };
}

async function seeded(t: Parameters<typeof leadHarness>[0]): Promise<{ h: Harness; token: string; leads: LeadRecord[] }> {
  const h = await leadHarness(t, { maxProcessing: 4, maxQueued: 50 });
  await loadCatalog(h, LEAD_CATALOG);
  const leads = trickyLeads(300, 7);
  await h.store.importLeads(leads);
  await h.store.importProgramMembers(leads.slice(0, 120).map((l, i) => member({
    programId: [1001, 1002, 1003][i % 3], leadId: l.id, statusName: i % 2 ? 'Registered' : 'Attended, "late"', webinarUrl: `https://e.com/${i}`,
  })));
  return { h, token: await h.token(LEAD_ROLE), leads };
}

test('a lead export: Created, Queued, Completed; the file is the oracle\'s bytes, described by numberOfRecords, fileSize and fileChecksum; Range and HEAD', async (t) => {
  const { h, token } = await seeded(t);
  const body = { fields: ['id', 'email', 'company', 'annualRevenue', 'isLead', 'createdAt', 'updatedAt'], format: 'TSV',
    columnHeaderNames: { id: 'Marketo Id', company: 'Company Name' }, filter: { createdAt: WINDOW } };
  const created = jobOf(await createAt(h, token, LEADS, body));
  const queued = jobOf(await jobCall(h, token, LEADS, created.exportId, 'enqueue'));
  assert.deepEqual(Object.keys(queued), ['exportId', 'format', 'status', 'createdAt', 'queuedAt']);
  assert.equal(queued.status, 'Queued');
  assert.equal(await h.tm.scheduler.waitForJob(created.exportId), 'Completed');
  const job = jobOf(await jobCall(h, token, LEADS, created.exportId, 'status'));
  assert.deepEqual(Object.keys(job), ['exportId', 'format', 'status', 'createdAt', 'queuedAt', 'startedAt', 'finishedAt', 'numberOfRecords', 'fileSize', 'fileChecksum']);
  const file = await h.call(`${LEADS}/${created.exportId}/file.json`, { token });
  assert.equal(file.headers.get('content-type'), 'text/tab-separated-values; charset=utf-8');
  const bytes = Buffer.from(await file.arrayBuffer());
  const expected = await oracle(h, created.exportId);
  assert.equal(bytes.toString('utf8'), expected.text);
  assert.ok(expected.text.startsWith('Marketo Id\temail\tCompany Name\tannualRevenue\tisLead\tcreatedAt\tupdatedAt\n'));
  assert.equal(job.numberOfRecords, expected.rows.length);
  assert.ok(job.numberOfRecords > 50);
  assert.equal(job.fileSize, bytes.length);
  assert.equal(job.fileChecksum, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  // tap-marketo's resume probe, and HEAD.
  const first = await h.call(`${LEADS}/${created.exportId}/file.json`, { token, headers: { Range: 'bytes=0-0' } });
  assert.equal(first.status, 206);
  assert.equal(first.headers.get('content-range'), `bytes 0-0/${bytes.length}`);
  assert.equal(Buffer.from(await first.arrayBuffer()).toString(), 'M');
  const head = await h.call(`${LEADS}/${created.exportId}/file.json`, { token, method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(bytes.length));
});

test('every lead filter and a program member export with programIds: files equal the oracle', async (t) => {
  const { h, token, leads } = await seeded(t);
  for (const filter of [{ updatedAt: WINDOW }, { staticListId: 3001 }, { staticListName: 'VIP' }, { smartListId: 4001 }, { smartListName: 'Engaged' }]) {
    const { job, text } = await runJob(h, token, LEADS, { fields: ['id', 'firstName', 'textField', 'leadScore'], filter });
    assert.equal(text, (await oracle(h, job.exportId)).text, JSON.stringify(filter));
    assert.ok(job.numberOfRecords > 0, JSON.stringify(filter));
  }
  const { job, text } = await runJob(h, token, MEMBERS, {
    fields: ['leadId', 'program', 'statusName', 'webinarUrl', 'membershipDate', 'firstName', 'email'], format: 'SSV',
    filter: { programIds: [1003, 1001], statusNames: ['Registered', 'Attended, "late"'] },
  });
  const expected = await oracle(h, job.exportId);
  assert.equal(text, expected.text);
  assert.ok(text.startsWith('programId leadId program statusName webinarUrl membershipDate firstName email\n'));
  assert.deepEqual([...new Set(expected.rows.map((r) => r[0]))], [1003, 1001], 'rows by program in programIds order');
  const active = leads.slice(0, 120).filter((l, i) => i % 3 !== 1 && l.state === 'active').length;
  assert.equal(job.numberOfRecords, active, 'memberships of 1001 and 1003 whose lead is active');
});

test('lists show each kind its own jobs; an id under another kind\'s path is unknown; jobs stay private; cancel', async (t) => {
  const { h } = await seeded(t);
  // Both permissions, so that paths of another kind are reached (not refused with 603).
  const token = await h.token('read-only-lead,read-only-activity');
  const leadJob = await runJob(h, token, LEADS, { fields: ['id'], filter: { staticListId: 3002 } });
  const memberJob = jobOf(await createAt(h, token, MEMBERS, { fields: ['leadId'], filter: { programId: 1002 } }));
  const activityJob = jobOf(await createAt(h, token, ACTIVITIES, { filter: { createdAt: WINDOW } }));
  const listed = async (base: string, tk: string) => (await h.json(`${base}.json`, { token: tk })).result.map((j: { exportId: string }) => j.exportId);
  assert.deepEqual(await listed(LEADS, token), [leadJob.job.exportId]);
  assert.deepEqual(await listed(MEMBERS, token), [memberJob.exportId]);
  assert.deepEqual(await listed(ACTIVITIES, token), [activityJob.exportId]);
  const other = await h.token('read-only-activity,read-only-lead');
  assert.deepEqual(await listed(LEADS, other), [], 'another user sees none of them');

  const id = leadJob.job.exportId;
  for (const base of [ACTIVITIES, MEMBERS]) {
    for (const action of ['status', 'enqueue', 'cancel'] as const) {
      assert.equal(errorOf(await jobCall(h, token, base, id, action), '1003'), `Export job '${id}' not found`, `${base} ${action}`);
    }
    assert.equal((await h.call(`${base}/${id}/file.json`, { token })).status, 404);
  }
  assert.equal(errorOf(await jobCall(h, other, LEADS, id, 'status'), '1003'), `Export job '${id}' not found`);
  assert.equal((await h.call(`${LEADS}/${id}/file.json`, { token: other })).status, 404);

  // Cancel from Created, again (idempotent), then enqueue is refused naming the status.
  assert.equal(jobOf(await jobCall(h, token, MEMBERS, memberJob.exportId, 'cancel')).status, 'Cancelled');
  assert.equal(jobOf(await jobCall(h, token, MEMBERS, memberJob.exportId, 'cancel')).status, 'Cancelled');
  assert.equal(errorOf(await jobCall(h, token, MEMBERS, memberJob.exportId, 'enqueue'), '1003'),
    `Cannot enqueue export job '${memberJob.exportId}': its status is Cancelled`);
  const statuses = await h.json(`${MEMBERS}.json?status=Canceled`, { token });
  assert.deepEqual(statuses.result.map((j: { status: string }) => j.status), ['Cancelled']);
});

test('a static list, smart list or program deleted before the job starts Processing fails the job with errorMsg', async (t) => {
  const { h, token } = await seeded(t);
  const cases: [string, unknown, () => Promise<boolean>, string][] = [
    [LEADS, { fields: ['id'], filter: { staticListName: 'Newsletter' } }, () => h.store.deleteAsset('staticList', 3001), 'Static list 3001 no longer exists'],
    [LEADS, { fields: ['id'], filter: { smartListId: 4001 } }, () => h.store.deleteAsset('smartList', 4001), 'Smart list 4001 no longer exists'],
    [MEMBERS, { fields: ['leadId'], filter: { programIds: [1001, 1003] } }, () => h.store.deleteAsset('program', 1003), 'Program 1003 no longer exists'],
  ];
  for (const [base, body, remove, message] of cases) {
    const job = jobOf(await createAt(h, token, base, body));
    assert.equal(await remove(), true);
    jobOf(await jobCall(h, token, base, job.exportId, 'enqueue'));
    assert.equal(await h.tm.scheduler.waitForJob(job.exportId), 'Failed');
    const failed = jobOf(await jobCall(h, token, base, job.exportId, 'status'));
    assert.equal(failed.errorMsg, message);
    assert.equal((await h.call(`${base}/${job.exportId}/file.json`, { token })).status, 404);
  }
});
