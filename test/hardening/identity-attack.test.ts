/**
 * Issue 16, finding 2: anyone could stall the server through identity, without credentials. Each
 * call hashed a secret with scryptSync on the event loop (also for unknown clients), and failed
 * calls were not limited. Now:
 *   - hashing runs off the event loop, a bounded number at once with a bounded queue (429 beyond);
 *   - failed calls are limited per client id and per address (429 with Retry-After, no hashing);
 *   - unknown client ids take as long as known ones (hashed against a dummy);
 *   - a real `serve` keeps answering status calls while attackers hammer identity: the p99 is
 *     printed for docs/reliability.md (the same test on the previous build gives the "before").
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import { Api, BASE, createUser, percentile, startServe, tempDir } from '../e2e/cli.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const SCALE = process.env.TIDEMARK_STRESS ? 3 : 1;

async function identity(h: Harness, clientId: string, secret: string, remoteAddress = '127.0.0.1') {
  const r = await h.tm.app.inject({ url: `/identity/oauth/token?grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(secret)}`, remoteAddress });
  return { status: r.statusCode, body: r.json() as Record<string, unknown>, retryAfter: r.headers['retry-after'] };
}

test('failed identity calls are limited per client id and per address: 429 with Retry-After, refused without hashing, until the window ends', async (t) => {
  const h = await startHarness(t.name, { identityFailureLimit: { calls: 5, seconds: 60 } });
  t.after(() => h.close());
  const u = await h.user();
  // Per client id: five failures from five addresses, then even the right secret waits.
  for (let i = 0; i < 5; i++) assert.equal((await identity(h, u.clientId, 'wrong', `10.0.0.${i}`)).status, 401);
  const limited = await identity(h, u.clientId, u.clientSecret, '10.0.1.1');
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.body, { error: 'too_many_requests', error_description: 'Too many failed identity calls for this client or from this address; retry in 60 s' });
  assert.equal(limited.retryAfter, '60');
  assert.equal((await identity(h, randomUUID(), 'x', '10.0.1.1')).status, 401, 'another client id from that address is not limited');

  // Per address: five failures for five unknown client ids, then any client id from there waits.
  for (let i = 0; i < 5; i++) assert.equal((await identity(h, randomUUID(), 'x', '10.0.2.1')).status, 401);
  const other = await h.user();
  assert.equal((await identity(h, other.clientId, other.clientSecret, '10.0.2.1')).status, 429);
  assert.equal((await identity(h, other.clientId, other.clientSecret, '10.0.2.2')).status, 200, 'the user works from elsewhere');

  // An unknown client id is limited exactly as a known one: nothing tells them apart.
  const ghost = randomUUID();
  for (let i = 0; i < 5; i++) assert.equal((await identity(h, ghost, 'x', `10.0.3.${i}`)).status, 401);
  assert.deepEqual((await identity(h, ghost, 'x', '10.0.4.1')).body, limited.body);

  // A refusal does no hashing: 50 refused calls take less than a few hashes.
  const t0 = performance.now();
  for (let i = 0; i < 50; i++) assert.equal((await identity(h, u.clientId, 'wrong', '10.0.1.1')).status, 429);
  const refusedMs = (performance.now() - t0) / 50;
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) await identity(h, randomUUID(), 'x', `10.0.5.${i}`);
  const hashedMs = (performance.now() - t1) / 5;
  process.stdout.write(`# identity: a refused call ${refusedMs.toFixed(2)} ms, a checked one ${hashedMs.toFixed(1)} ms\n`);
  assert.ok(refusedMs * 5 < hashedMs, `a refusal (${refusedMs.toFixed(2)} ms) costs far less than a hash (${hashedMs.toFixed(1)} ms)`);

  // When the window ends the client may try again, and the right secret works.
  h.clock.advance(60_000);
  assert.equal((await identity(h, u.clientId, u.clientSecret, '10.0.1.1')).status, 200);
});

test('an unknown client id is refused in the time a known one with a wrong secret takes (no enumeration by timing)', async (t) => {
  const h = await startHarness(t.name, { identityFailureLimit: undefined });
  t.after(() => h.close());
  const u = await h.user();
  const known: number[] = [], unknown: number[] = [];
  await identity(h, u.clientId, 'warm-up');
  for (let i = 0; i < 20; i++) {
    // Alternating which goes first, so neither always follows the other's work.
    const pair = [[known, u.clientId], [unknown, randomUUID()]] as const;
    for (const [list, id] of i % 2 ? pair : [...pair].reverse()) {
      const t0 = performance.now();
      assert.equal((await identity(h, id, `wrong-${i}`)).status, 401);
      list.push(performance.now() - t0);
    }
  }
  // The fastest call of each kind is its cost without the machine's noise (other load only adds).
  const ratio = Math.min(...unknown) / Math.min(...known);
  process.stdout.write(`# identity timing: known client, wrong secret min ${Math.min(...known).toFixed(1)} ms p50 ${percentile(known, 50).toFixed(1)} ms; unknown client min ${Math.min(...unknown).toFixed(1)} ms p50 ${percentile(unknown, 50).toFixed(1)} ms (ratio of the minimums ${ratio.toFixed(2)})\n`);
  // Without the dummy hash an unknown id would be refused in about a millisecond: a ratio near 0.02.
  assert.ok(ratio > 0.5 && ratio < 2, `unknown/known ratio of the fastest calls ${ratio.toFixed(2)}`);
});

test('secrets are hashed off the event loop, a bounded number at once; a full queue answers 429 at once', async (t) => {
  const h = await startHarness(t.name, { identityFailureLimit: undefined });
  t.after(() => h.close());
  const u = await h.user();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => identity(h, i % 2 ? u.clientId : randomUUID(), 'wrong')));
  delay.disable();
  const statuses: Record<number, number> = {};
  for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  const p50 = delay.percentile(50) / 1e6, max = delay.max / 1e6;
  process.stdout.write(`# identity: 40 calls at once -> ${JSON.stringify(statuses)}; event-loop delay p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms\n`);
  // With scryptSync each hash held the loop for the whole hash (50-100 ms here), back to back.
  assert.ok(p50 < 30, `event-loop delay p50 ${p50.toFixed(1)} ms while secrets were hashed`);
  // The queue holds 32 behind the running hash(es); the rest are refused at once, documented.
  assert.ok((statuses[429] ?? 0) > 0, 'some calls found the queue full');
  for (const a of answers.filter((x) => x.status === 429)) {
    assert.deepEqual(a.body, { error: 'too_many_requests', error_description: 'Too many identity calls at once; retry in 1 s' });
    assert.equal(a.retryAfter, '1');
  }
  assert.equal((statuses[401] ?? 0) + (statuses[429] ?? 0), 40);
  assert.equal((await identity(h, u.clientId, u.clientSecret)).status, 200, 'the queue drains and identity works');
});

/** Attackers send bad credentials as fast as they are answered until `stop`; returns answer counts. */
async function attack(url: string, knownId: string, stop: () => boolean): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  while (!stop()) {
    const id = Math.random() < 0.5 ? knownId : randomUUID();
    try {
      const r = await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${id}&client_secret=${randomUUID()}`);
      await r.arrayBuffer();
      tally[r.status] = (tally[r.status] ?? 0) + 1;
    } catch {
      tally.error = (tally.error ?? 0) + 1;
    }
  }
  return tally;
}

async function statusLatencyUnderAttack(t: import('node:test').TestContext, dir: string, attackers: number, args: string[]) {
  const user = await createUser(dir, `attack-${attackers}-${args.length}@e2e`);
  const serve = await startServe(t, dir, ['--rate-limit', 'off', '--max-concurrent-requests', 'off', ...args]);
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);
  const id = await api.create('2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z');
  let done = false;
  const attacks = Array.from({ length: attackers }, () => attack(serve.url, user.clientId, () => done));
  await new Promise((r) => setTimeout(r, 500)); // the attack is under way
  const latencies: number[] = [];
  const until = Date.now() + 4000 * SCALE;
  while (Date.now() < until) {
    const t0 = performance.now();
    const env = await api.json(`${BASE}/${id}/status.json`);
    latencies.push(performance.now() - t0);
    assert.equal(env.success, true);
    await new Promise((r) => setTimeout(r, 20));
  }
  done = true;
  const tallies = await Promise.all(attacks);
  const answers: Record<string, number> = {};
  for (const tally of tallies) for (const [k, n] of Object.entries(tally)) answers[k] = (answers[k] ?? 0) + n;
  assert.equal((await serve.stop('SIGTERM')).code, 0);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies), calls: latencies.length, answers };
}

test('a real serve keeps answering status calls while attackers hammer identity (p99 recorded)', async (t) => {
  const dir = tempDir(t, 'identity-attack');
  const lines: string[] = [];
  for (const [attackers, args, label] of [
    [0, [], 'no attack'],
    [16, ['--identity-failure-limit', 'off'], '16 attackers, failure limit off'],
    [16, [], '16 attackers, failure limit 30/60'],
  ] as const) {
    const r = await statusLatencyUnderAttack(t, dir, attackers, [...args]);
    const line = `identity attack (${label}): status p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms over ${r.calls} calls; identity answers ${JSON.stringify(r.answers)}`;
    lines.push(line);
    process.stdout.write(`# ${line}\n`);
    // Loose for a shared 2-core machine; before the fix 16 attackers put the p50 alone at ~535 ms.
    assert.ok(r.p99 < 500, `status p99 ${r.p99.toFixed(0)} ms under attack (${label})`);
    if (attackers > 0) assert.ok(!('error' in r.answers), 'every attacker call was answered');
  }
  t.diagnostic(lines.join('\n'));
});
