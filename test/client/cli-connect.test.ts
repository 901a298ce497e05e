/**
 * A wrong endpoint with the real `tidemark extract`: it fails within seconds naming the cause
 * (refused, unknown host, TLS) after a short retry that is shown, and leaves nothing behind. No
 * server store is involved, so this suite runs once.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { extractArgs, runCli, tempDir } from './helpers.js';

const CREDS = { clientId: 'a', clientSecret: 'b' };

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

test('an endpoint that refuses connections: two retries shown as events, then exit 1 naming ECONNREFUSED, nothing left behind', async (t) => {
  const dir = tempDir(t, 'refused');
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const started = Date.now();
  const r = await runCli(t, extractArgs(endpoint, CREDS, join(dir, 'x.csv'), join(dir, 's.json')));
  const took = Date.now() - started;
  assert.equal(r.code, 1, r.stderr);
  assert.ok(took < 15_000, `gave up after ${took} ms`);
  const retries = r.events.filter((e) => e.event === 'retry');
  assert.deepEqual(retries.map((e) => [e.attempt, e.retries, e.code]), [[1, 2, 'ECONNREFUSED'], [2, 2, 'ECONNREFUSED']]);
  assert.ok(retries.every((e) => typeof e.delayMs === 'number' && e.delayMs > 0 && e.delayMs < 2000));
  const failed = r.events.at(-1)!;
  assert.equal(failed.event, 'failed');
  assert.equal(failed.code, 'ECONNREFUSED');
  assert.match(r.stderr, new RegExp(`^tidemark: GET /identity/oauth/token: cannot connect to ${endpoint} \\(ECONNREFUSED: connect ECONNREFUSED [^)]+\\); check --endpoint ${endpoint}\\n$`));
  assert.deepEqual(readdirSync(dir), [], 'no state file, work dir or empty output');
});

test('an unknown host and a TLS failure: the retries are printed on the terminal, the cause is in the error', async (t) => {
  const dir = tempDir(t, 'dns-tls');
  const plain = createServer((_req, res) => res.end('not TLS'));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => plain.close(resolve)));
  const port = (plain.address() as AddressInfo).port;
  const noJson = (args: string[]) => args.filter((a) => a !== '--json');
  const [dns, tls] = await Promise.all([
    runCli(t, noJson(extractArgs('http://no-such-host.invalid', CREDS, join(dir, 'a.csv'), join(dir, 'a.json')))),
    runCli(t, noJson(extractArgs(`https://127.0.0.1:${port}`, CREDS, join(dir, 'b.csv'), join(dir, 'b.json')))),
  ]);
  assert.equal(dns.code, 1, dns.stderr);
  assert.match(dns.stderr, /^retry 1 of 2 in \d\.\d s: GET \/identity\/oauth\/token: cannot resolve the host of http:\/\/no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN)/m);
  assert.match(dns.stderr, /^retry 2 of 2 in /m);
  assert.match(dns.stderr, /^tidemark: .*cannot resolve the host of http:\/\/no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN).*check --endpoint/m);
  assert.equal(tls.code, 1, tls.stderr);
  assert.match(tls.stderr, /^tidemark: GET \/identity\/oauth\/token: TLS failed with https:\/\/127\.0\.0\.1:\d+ \(ERR_SSL_WRONG_VERSION_NUMBER: wrong version number\); check --endpoint/m);
  assert.equal(dns.stdout, '');
});
