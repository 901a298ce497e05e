/**
 * Security basics, checked: client secrets are stored only as scrypt hashes; no secret, access
 * token or admin token reaches a log line, at any level, through a full flow (identity by query and
 * by form, every spelling of the parameter names, Bearer and access_token calls, downloads, errors,
 * emulator calls); tokens and
 * secrets are random and well-formed; comparisons of secrets go through timingSafeEqual; and every
 * emulator control refuses a caller without the admin token.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { defaultConfig } from '../../src/config/config.js';
import { ManualClock } from '../../src/lib/clock.js';
import { newClientCredentials, newTokenNonce } from '../../src/lib/ids.js';
import { createLogger } from '../../src/lib/logger.js';
import { accessTokenFor, checkSecret, hashSecret, sameSecret, tokenDigest } from '../../src/lib/secrets.js';
import { createTidemark } from '../../src/server/main.js';
import { activity, startHarness, T0, tempDir } from '../helpers/harness.js';
import { BASE } from '../helpers/api.js';
import { ADMIN_TOKEN, startEmulator } from '../emulator/helpers.js';

const SRC = new URL('../../src/', import.meta.url);

test('client secrets are stored only as scrypt hashes: not in the users table, not anywhere in the SQLite file', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user('read-only-activity');
  const stored = await h.store.findUser(u.clientId);
  assert.match(stored!.secretHash, /^scrypt\$16384\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{40,}$/);
  assert.ok(!stored!.secretHash.includes(u.clientSecret));
  assert.equal((await checkSecret(u.clientSecret, stored!.secretHash)).ok, true);
  if (h.store.location.kind === 'sqlite') {
    // The main file and its WAL hold everything the store wrote.
    for (const f of readdirSync(h.dataDir).filter((n) => n.startsWith('tidemark.sqlite'))) {
      assert.ok(!readFileSync(join(h.dataDir, f)).includes(Buffer.from(u.clientSecret)), `${f} does not hold the secret`);
    }
  }
});

/** Runs a full flow against a server logging at `level` and returns the log and the secrets it must not hold. */
async function fullFlowLog(level: string, name: string): Promise<{ log: string; secrets: [string, string][] }> {
  const chunks: string[] = [];
  const sink = new Writable({ write(c: Buffer, _e, cb) { chunks.push(c.toString('utf8')); cb(); } });
  const clock = new ManualClock(T0);
  const config = defaultConfig({ dataDir: tempDir(name), port: 0, emulatorControls: true, adminToken: ADMIN_TOKEN, logLevel: level, allowQueryToken: true });
  const tm = await createTidemark(config, { clock, log: createLogger(level, sink), pollMs: 50 });
  try {
    const url = await tm.app.listen({ host: '127.0.0.1', port: 0 });
    const { clientId, clientSecret } = newClientCredentials();
    await tm.store.createUser({ clientId, name: 'sec@test', role: 'read-write-activity', secretHash: hashSecret(clientSecret), disabled: false, createdAt: T0 });
    await tm.store.importActivities([activity(), activity()]);
    const wrongAdmin = `${ADMIN_TOKEN}-wrong`;
    const wrongSecret = `${clientSecret}x`;
    const identity = `${url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}`;

    const byQuery = await (await fetch(`${identity}&client_secret=${clientSecret}`)).json() as { access_token: string };
    const byForm = await (await fetch(`${url}/identity/oauth/token`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
    })).json() as { access_token: string };
    const token = byQuery.access_token;
    assert.equal(byForm.access_token, token);
    // Every spelling of the secret's name: the percent-encoded one is read as client_secret (and works).
    const byEncodedName = await (await fetch(`${identity}&client%5Fsecret=${clientSecret}`)).json() as { access_token?: string };
    assert.equal(byEncodedName.access_token, token);
    for (const spelling of ['client_secret', 'client%5fsecret', 'client%255Fsecret', 'CLIENT_SECRET', 'client_secret[]', 'client_secret%5B%5D', 'clientSecret']) {
      await (await fetch(`${identity}&${spelling}=${wrongSecret}`)).text();
    }
    const auth = { Authorization: `Bearer ${token}` };
    const created = await (await fetch(`${url}${BASE}/create.json`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ filter: { createdAt: { startAt: '2026-01-14T00:00:00Z', endAt: '2026-01-16T00:00:00Z' } } }) })).json() as { result: [{ exportId: string }] };
    const id = created.result[0].exportId;
    await fetch(`${url}${BASE}/${id}/enqueue.json?access_token=${token}`, { method: 'POST' });
    assert.equal(await tm.scheduler.waitForJob(id), 'Completed');
    for (const spelling of ['access_token', 'access%5Ftoken', 'access%5ftoken', 'access_token[]', 'ACCESS_TOKEN', 'accessToken', 'access%255Ftoken']) {
      await (await fetch(`${url}${BASE}/${id}/status.json?${spelling}=${token}`)).text();
    }
    await (await fetch(`${url}${BASE}/${id}/file.json`, { headers: { ...auth, Range: 'bytes=0-9' } })).text();
    await (await fetch(`${url}${BASE}.json`, { headers: { Authorization: `Bearer ${token}x` } })).text(); // 601
    await (await fetch(`${url}/nope?access_token=${token}`)).text(); // 610
    await (await fetch(`${url}${BASE}/create.json`, { method: 'POST', headers: auth, body: '{bad json' })).text(); // 609
    await (await fetch(`${url}/tidemark/v1/emulator`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
    await (await fetch(`${url}/tidemark/v1/emulator/clock`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: '{"advance":"2h"}' })).text();
    await (await fetch(`${url}/tidemark/v1/emulator`, { headers: { Authorization: `Bearer ${wrongAdmin}` } })).text(); // 401
    // The admin token where it is not read: in the query, under any spelling.
    for (const spelling of ['access_token', 'admin_token', 'adminToken', 'access%5Ftoken', 'token']) {
      await (await fetch(`${url}/tidemark/v1/emulator?${spelling}=${ADMIN_TOKEN}`)).text();
    }
    await (await fetch(`${url}${BASE}.json`, { headers: auth })).text(); // 602 after the clock moved
    return {
      log: chunks.join(''),
      secrets: [['client secret', clientSecret], ['wrong client secret', wrongSecret], ['access token', token],
        ['access token uuid', token.split(':')[0]!], ['admin token', ADMIN_TOKEN], ['wrong admin token', wrongAdmin]],
    };
  } finally {
    await tm.close();
  }
}

test('access tokens are stored only as a digest: the store holds no token, and what it holds opens nothing', async (t) => {
  const h = await startHarness(t.name);
  t.after(() => h.close());
  const u = await h.user('read-only-activity');
  const token = (await (await h.call(`/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${u.clientSecret}`)).json()).access_token as string;
  assert.equal((await h.json(`${BASE}.json`, { token })).success, true);
  const row = await h.store.findLiveToken(u.clientId, h.clock.now());
  assert.ok(row);
  assert.equal(row.tokenHash, tokenDigest(token));
  assert.ok(!JSON.stringify(row).includes(token.slice(0, 36)), 'the row holds no part of the token');
  // What a copy of the store holds is no token: neither the digest nor the nonce is accepted.
  for (const stolen of [row.tokenHash, row.nonce, `${row.tokenHash}:tm`]) {
    assert.equal((await h.json(`${BASE}.json`, { token: stolen })).errors?.[0]?.code, '601', stolen);
  }
  if (h.store.location.kind === 'sqlite') {
    for (const f of readdirSync(h.dataDir).filter((n) => n.startsWith('tidemark.sqlite'))) {
      const bytes = readFileSync(join(h.dataDir, f));
      assert.ok(!bytes.includes(Buffer.from(token)) && !bytes.includes(Buffer.from(token.slice(0, 36))), `${f} does not hold the token`);
    }
  }
  // Asking again still returns the same token (decisions.md), derived again from the secret.
  const again = (await (await h.call(`/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${u.clientSecret}`)).json()).access_token;
  assert.equal(again, token);
});

test('no secret, access token or admin token is ever logged, at any log level, whatever the spelling of its parameter', async (t) => {
  let total = 0;
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal']) {
    const { log, secrets } = await fullFlowLog(level, `${t.name}-${level}`);
    const lines = log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; url?: string });
    total += lines.length;
    if (level === 'trace' || level === 'debug') {
      const requestLines = lines.filter((l) => l.msg === 'request');
      assert.ok(requestLines.length >= 32, `every request was logged at ${level} (${requestLines.length} lines)`);
      assert.ok(requestLines.some((l) => l.url?.startsWith('/identity/oauth/token?') && l.url.includes('client_secret=[redacted]')));
      assert.ok(requestLines.some((l) => l.url?.includes('client%5Fsecret=[redacted]')));
      assert.ok(requestLines.some((l) => l.url?.includes('access_token[]=[redacted]')));
    }
    if (level === 'info') assert.ok(lines.some((l) => l.msg === 'emulator: clock advanced'));
    for (const [what, secret] of secrets) assert.ok(!log.includes(secret), `the ${what} appears in the log at ${level}`);
  }
  process.stdout.write(`# log capture: 6 levels, ${total} lines, 0 secrets or tokens\n`);
});

test('tokens and secrets are random: well-formed UUID v4 tokens, no repeats, every random bit near 50 %', () => {
  const N = 4000;
  // As identity makes them: a MAC of the client id and a fresh nonce under the client's token key.
  const key = randomBytes(32);
  const tokens = Array.from({ length: N }, () => accessTokenFor(key, 'c-1', newTokenNonce()));
  assert.equal(new Set(tokens).size, N);
  for (const tk of tokens) assert.match(tk, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:tm$/);
  // The 122 random bits of a v4 UUID: each must be set in roughly half the tokens (6 sigma bounds).
  const hex = tokens.map((tk) => tk.slice(0, 36).replaceAll('-', ''));
  const fixed = new Set([48, 49, 50, 51, 64, 65]); // version nibble (4) and variant bits (10)
  let checked = 0;
  for (let bit = 0; bit < 128; bit++) {
    if (fixed.has(bit)) continue;
    const ones = hex.filter((x) => (parseInt(x[bit >> 2]!, 16) >> (3 - (bit & 3))) & 1).length;
    assert.ok(Math.abs(ones - N / 2) < 6 * Math.sqrt(N / 4), `bit ${bit} is set in ${ones} of ${N}`);
    checked++;
  }
  assert.equal(checked, 122, '122 bits of MAC output: a guess succeeds with probability 2^-122 per live token');
  const secrets = Array.from({ length: 1000 }, () => newClientCredentials());
  assert.equal(new Set(secrets.map((s) => s.clientSecret)).size, 1000);
  for (const s of secrets) assert.match(s.clientSecret, /^[A-Za-z0-9]{32}$/, '32 letters and digits');
});

test('secret comparisons are constant-time: timingSafeEqual in the helpers, and the code paths use the helpers', () => {
  const secrets = readFileSync(new URL('lib/secrets.ts', SRC), 'utf8');
  assert.equal((secrets.match(/timingSafeEqual\(/g) ?? []).length, 2, 'checkSecret and sameSecret both compare with timingSafeEqual');
  assert.match(readFileSync(new URL('server/api/identity.ts', SRC), 'utf8'), /checkSecret\(/);
  assert.match(readFileSync(new URL('server/http/admin-auth.ts', SRC), 'utf8'), /sameSecret\(/);
  // Nothing compares a secret or the admin token with == anywhere in src/.
  const files = (dir: URL): URL[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(new URL(`${e.name}/`, dir)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [new URL(e.name, dir)] : []);
  const offenders: string[] = [];
  for (const f of files(SRC)) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (/(adminToken|secretHash|clientSecret|client_secret)\s*[!=]==?|[!=]==?\s*(config\.)?(adminToken|secretHash|clientSecret)\b/.test(line)) offenders.push(`${f.pathname}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offenders, []);
  // sameSecret works for any lengths (timingSafeEqual alone throws on a length mismatch).
  assert.equal(sameSecret('a', 'a'.repeat(1000)), false);
  assert.equal(sameSecret('', ''), true);
  assert.equal(sameSecret(ADMIN_TOKEN, ADMIN_TOKEN), true);
});

test('every emulator control (as the OpenAPI document lists them) refuses callers without the admin token', async (t) => {
  const h = await startEmulator(t.name);
  t.after(() => h.close());
  const doc = await (await h.call('/tidemark/v1/openapi.json')).json() as { paths: Record<string, Record<string, { security: Record<string, unknown>[] }>> };
  const controls = Object.entries(doc.paths).flatMap(([p, ms]) => Object.entries(ms).filter(([, op]) => op.security.some((s) => 'adminToken' in s)).map(([m]) => [m.toUpperCase(), p] as const));
  assert.ok(controls.length >= 8, `${controls.length} admin operations`);
  assert.ok(controls.every(([, p]) => p.startsWith('/tidemark/v1/emulator')), 'admin routes live only under /tidemark/v1/emulator');
  const apiToken = await h.token('read-write-activity');
  const before = await h.emu.state();
  for (const [method, path] of controls) {
    for (const headers of [{}, { Authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` }, { Authorization: `Bearer ${apiToken}` }, { Authorization: ADMIN_TOKEN }] as Record<string, string>[]) {
      const r = await h.call(path, { method, headers, ...(method === 'POST' ? { body: '{"advance":"1d","fail":1,"code":"606","activities":true}' } : {}) });
      assert.equal(r.status, 401, `${method} ${path} with ${JSON.stringify(headers)}`);
    }
  }
  const after = await h.emu.state();
  assert.deepEqual(after, { ...before, offsetMs: after.offsetMs }, 'nothing changed');
  // With the controls off the same paths do not exist at all.
  const off = await startHarness(`${t.name} off`);
  t.after(() => off.close());
  for (const [method, path] of controls) {
    const r = await off.call(path, { method, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    assert.match(await r.text(), /"code":"610"/, `${method} ${path} without controls`);
  }
});
