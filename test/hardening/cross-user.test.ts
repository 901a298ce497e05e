/**
 * Cross-user matrix: every job endpoint (status, enqueue, cancel, file GET and HEAD, list with
 * every status filter), called by another API user on jobs of the owner in every status, with the
 * token as Bearer header and as access_token (served with --allow-query-token). Every answer must be exactly the answer for an id
 * that does not exist (same HTTP status, same body once the id and requestId are masked), and the
 * owner's jobs must be unchanged afterwards. Figures go to docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { activity } from '../helpers/harness.js';
import { BASE, cancel, completedJob, createJob, enqueue, oneJob, status, userWithToken } from '../helpers/api.js';
import { startEmulator } from '../emulator/helpers.js';

type Call = { name: string; method: 'GET' | 'POST' | 'HEAD'; path: (id: string) => string };
const CALLS: Call[] = [
  { name: 'status', method: 'GET', path: (id) => `${BASE}/${id}/status.json` },
  { name: 'enqueue', method: 'POST', path: (id) => `${BASE}/${id}/enqueue.json` },
  { name: 'cancel', method: 'POST', path: (id) => `${BASE}/${id}/cancel.json` },
  { name: 'file', method: 'GET', path: (id) => `${BASE}/${id}/file.json` },
  { name: 'file HEAD', method: 'HEAD', path: (id) => `${BASE}/${id}/file.json` },
  { name: 'file Range', method: 'GET', path: (id) => `${BASE}/${id}/file.json` },
];

const mask = (text: string, id: string) => text.replaceAll(id, '<id>').replace(/"requestId":"[^"]+"/, '"requestId":"<rid>"');

test('another user learns nothing about, and changes nothing of, the owner\'s jobs in any status', async (t) => {
  const h = await startEmulator(t.name, { maxProcessing: 1, allowQueryToken: true, rateLimit: undefined, maxConcurrentRequests: undefined, dailyCallQuota: 0 });
  t.after(() => h.close());
  await h.store.importActivities([activity(), activity(), activity()]);
  const owner = await userWithToken(h, 'read-write-activity');
  const intruders = [await userWithToken(h, 'read-write-activity'), await userWithToken(h, 'read-only-activity')];

  const jobs = {} as Record<'Completed' | 'Failed' | 'Cancelled' | 'Processing' | 'Queued' | 'Created', string>;
  jobs.Completed = (await completedJob(h, owner.token)).exportId;
  await h.emu.failNextJobs(1, 'Export failed: injected for the matrix');
  const failed = await createJob(h, owner.token);
  oneJob(await enqueue(h, owner.token, failed.exportId));
  assert.equal(await h.tm.scheduler.waitForJob(failed.exportId), 'Failed');
  jobs.Failed = failed.exportId;
  jobs.Cancelled = (await createJob(h, owner.token)).exportId;
  oneJob(await cancel(h, owner.token, jobs.Cancelled));
  await h.emu.delayJobs('1h'); // holds the next job in Processing, so the one after stays Queued
  jobs.Processing = (await createJob(h, owner.token)).exportId;
  oneJob(await enqueue(h, owner.token, jobs.Processing));
  jobs.Queued = (await createJob(h, owner.token)).exportId;
  oneJob(await enqueue(h, owner.token, jobs.Queued));
  jobs.Created = (await createJob(h, owner.token)).exportId;
  for (let i = 0; i < 200 && oneJob(await status(h, owner.token, jobs.Processing)).status !== 'Processing'; i++) await new Promise((r) => setTimeout(r, 10));

  const views = async (): Promise<Record<string, any>> =>
    Object.fromEntries(await Promise.all(Object.entries(jobs).map(async ([s, id]) => [s, oneJob(await status(h, owner.token, id))])));
  const before = await views();
  for (const [s, view] of Object.entries(before)) assert.equal(view.status, s, `the ${s} job is set up`);
  const fileBefore = Buffer.from(await (await h.call(`${BASE}/${jobs.Completed}/file.json`, { token: owner.token })).arrayBuffer());

  const answer = async (call: Call, id: string, token: string, viaQuery: boolean) => {
    const sep = call.path(id).includes('?') ? '&' : '?';
    const res = await h.call(viaQuery ? `${call.path(id)}${sep}access_token=${token}` : call.path(id), {
      method: call.method, ...(viaQuery ? {} : { token }), headers: call.name === 'file Range' ? { Range: 'bytes=0-9' } : {},
    });
    const body = await res.text();
    const type = res.headers.get('content-type') ?? '';
    // A JSON answer's length varies with the requestId (4 or 5 hex digits); the masked body is compared instead.
    return { status: res.status, type, length: type.includes('json') ? '-' : res.headers.get('content-length'), body: mask(body, id) };
  };

  let cells = 0;
  const leaks: string[] = [];
  for (const intruder of intruders) {
    for (const viaQuery of [false, true]) {
      for (const call of CALLS) {
        const unknownId = randomUUID();
        const reference = await answer(call, unknownId, intruder.token, viaQuery);
        for (const [state, id] of Object.entries(jobs)) {
          cells++;
          const got = await answer(call, id, intruder.token, viaQuery);
          if (JSON.stringify(got) !== JSON.stringify(reference)) {
            leaks.push(`${call.name} on a ${state} job (${viaQuery ? 'query' : 'header'} token): ${JSON.stringify(got)} vs unknown id ${JSON.stringify(reference)}`);
          }
        }
      }
      // The list, with every status filter, shows none of the owner's jobs.
      for (const filter of ['', '?status=Created', '?status=Queued,Processing', '?status=Completed', '?status=Failed', '?status=Cancelled', '?status=canceled', '?batchSize=1']) {
        cells++;
        const sep = filter ? '&' : '?';
        const res = await h.call(viaQuery ? `${BASE}.json${filter}${sep}access_token=${intruder.token}` : `${BASE}.json${filter}`, viaQuery ? {} : { token: intruder.token });
        const body = await res.json() as { success: boolean; result?: unknown[]; nextPageToken?: string };
        if (!body.success || body.result?.length !== 0 || body.nextPageToken) leaks.push(`list ${filter}: ${JSON.stringify(body)}`);
      }
    }
  }
  t.diagnostic(`cross-user matrix: ${cells} cells (${intruders.length} users x 2 token forms x (${CALLS.length} calls x ${Object.keys(jobs).length} statuses + 8 list filters)), ${leaks.length} leaks`);
  assert.deepEqual(leaks, []);
  process.stdout.write(`# cross-user matrix: ${cells} cells, ${leaks.length} leaks\n`);

  // The reference answers are the documented ones: 1003 not found, and a plain 404 for files.
  const statusAnswer = await answer(CALLS[0]!, jobs.Completed, intruders[0]!.token, false);
  assert.match(statusAnswer.body, /"code":"1003","message":"Export job '<id>' not found"/);
  const fileAnswer = await answer(CALLS[3]!, jobs.Completed, intruders[0]!.token, false);
  assert.equal(fileAnswer.status, 404);

  // Nothing changed for the owner.
  const afterViews = await views();
  assert.deepEqual(afterViews, before);
  const fileAfter = Buffer.from(await (await h.call(`${BASE}/${jobs.Completed}/file.json`, { token: owner.token })).arrayBuffer());
  assert.ok(fileAfter.equals(fileBefore));
  assert.equal(`sha256:${createHash('sha256').update(fileAfter).digest('hex')}`, before.Completed!.fileChecksum);
  const listed = (await h.json(`${BASE}.json`, { token: owner.token })).result.map((j: { exportId: string }) => j.exportId).sort();
  assert.deepEqual(listed, Object.values(jobs).sort(), 'the owner still sees all six jobs');
});
