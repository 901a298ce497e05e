/**
 * Load on loopback: 50 concurrent pollers against a real `tidemark serve` while two exports run.
 *   1. With Marketo's limits (100 calls / 20 s, 10 in flight) every answer is a success or a
 *      documented 606/615, never anything else.
 *   2. With the limits off every call succeeds, and the status latency (p50/p99/max) is recorded;
 *      p99 must stay under 2 s even on a loaded 2-core machine (it is far lower; see the figures).
 * Bounded: at most POLLS polls per poller and a 60 s deadline per phase. TIDEMARK_STRESS=1 polls
 * five times as long. Figures go to docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedBulk } from '../e2e/bulk-seed.js';
import { Api, BASE, createUser, percentile, sleep, startServe, tempDir } from '../e2e/cli.js';

const SCALE = process.env.TIDEMARK_STRESS ? 5 : 1;
const POLLERS = 50;
const POLLS = 40 * SCALE;
const ROWS = 1_200_000;
const HALVES = [['2025-01-01T00:00:00Z', '2025-01-16T00:00:00Z'], ['2025-01-16T00:00:01Z', '2025-01-31T00:00:00Z']] as const; // both ends are inclusive

interface Tally {
  latencies: number[];
  answers: Record<string, number>;
  other: string[];
}

/** One poller: alternates status of both jobs and the list, `POLLS` times, ~20 ms apart. */
async function poll(api: Api, ids: string[], deadline: number, tally: Tally): Promise<void> {
  for (let i = 0; i < POLLS && Date.now() < deadline; i++) {
    const path = i % 3 === 2 ? `${BASE}.json` : `${BASE}/${ids[i % 2]}/status.json`;
    const t0 = performance.now();
    const res = await api.call(path);
    const text = await res.text();
    const ms = performance.now() - t0;
    let key: string;
    try {
      const body = JSON.parse(text) as { success?: boolean; errors?: { code: string }[] };
      key = res.status !== 200 ? `HTTP ${res.status}` : body.success ? 'success' : body.errors?.[0]?.code ?? 'no code';
    } catch {
      key = `HTTP ${res.status} not JSON`;
    }
    tally.answers[key] = (tally.answers[key] ?? 0) + 1;
    if (key === 'success' && path.endsWith('status.json')) tally.latencies.push(ms);
    if (!['success', '606', '615'].includes(key)) tally.other.push(`${path}: ${key} ${text.slice(0, 200)}`);
    await sleep(20);
  }
}

async function phase(t: import('node:test').TestContext, dir: string, user: { clientId: string; clientSecret: string }, args: string[]) {
  const serve = await startServe(t, dir, args);
  const owner = await Api.login(serve.url, user.clientId, user.clientSecret);
  const ids: string[] = [];
  for (const [start, end] of HALVES) ids.push(await owner.create(start, end));
  for (const id of ids) await owner.enqueue(id);
  const tally: Tally = { latencies: [], answers: {}, other: [] };
  const started = Date.now();
  await Promise.all(Array.from({ length: POLLERS }, () => poll(owner, ids, started + 60_000, tally)));
  const ms = Date.now() - started;
  // Both exports finish (wait out the rate window if the limits are on).
  const done = [];
  for (const id of ids) {
    for (;;) {
      const env = await owner.json(`${BASE}/${id}/status.json`);
      if (env.success && ['Completed', 'Failed', 'Cancelled'].includes(env.result[0].status)) {
        done.push(env.result[0]);
        break;
      }
      assert.ok(Date.now() - started < 120_000, 'the exports finish within 2 minutes');
      await sleep(env.success ? 100 : 1000);
    }
  }
  assert.equal((await serve.stop('SIGTERM')).code, 0);
  return { tally, ms, done };
}

test('50 concurrent pollers while two exports run: only 606/615 under the limits, p99 recorded without them', async (t) => {
  const dir = tempDir(t, 'load');
  await seedBulk(dir, { rows: ROWS, startMs: Date.UTC(2025, 0, 1), days: 30 });
  const user = await createUser(dir, 'load@e2e');

  const limited = await phase(t, dir, user, []);
  const line1 = `with Marketo's limits: ${POLLERS} pollers, ${Object.values(limited.tally.answers).reduce((a, b) => a + b, 0)} calls in ${limited.ms} ms: ${JSON.stringify(limited.tally.answers)}`;
  t.diagnostic(line1);
  process.stdout.write(`# load ${line1}\n`);
  assert.deepEqual(limited.tally.other, [], 'every answer is a success, 606 or 615');
  assert.ok((limited.tally.answers['606'] ?? 0) + (limited.tally.answers['615'] ?? 0) > 0, 'the limits were reached');
  for (const job of limited.done) assert.equal(job.status, 'Completed');

  const open = await phase(t, dir, user, ['--rate-limit', 'off', '--max-concurrent-requests', 'off']);
  const lat = open.tally.latencies;
  const p50 = percentile(lat, 50), p99 = percentile(lat, 99), max = Math.max(...lat);
  const line2 = `without limits: ${Object.values(open.tally.answers).reduce((a, b) => a + b, 0)} calls in ${open.ms} ms, ${JSON.stringify(open.tally.answers)}; status latency over ${lat.length} calls: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`;
  t.diagnostic(line2);
  process.stdout.write(`# load ${line2}\n`);
  assert.deepEqual(open.tally.other, []);
  assert.equal(open.tally.answers['606'] ?? 0, 0);
  assert.equal(open.tally.answers['615'] ?? 0, 0);
  assert.ok(lat.length >= POLLERS * POLLS * 0.5, `only ${lat.length} status calls answered`);
  assert.ok(p99 < 2000, `status p99 ${p99.toFixed(0)} ms (bound 2000 ms, loose for a loaded 2-core CI machine)`);
  for (const job of open.done) assert.equal(job.status, 'Completed');
  assert.equal(open.done.reduce((n, j) => n + j.numberOfRecords, 0), ROWS, 'the two halves hold every row once');
});
