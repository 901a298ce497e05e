/**
 * `serve --tls` from the outside: unmodified clients reach https://123-ABC-456.mktorest.com:PORT,
 * trusting only the CA that `tidemark ca` names, and complete a whole export (identity, create,
 * enqueue, poll, file in Range parts). The recipes of docs/clients.md, run for real:
 *
 *   Node fetch           NODE_EXTRA_CA_CERTS; the name resolves through a `--import` hook
 *   tidemark extract     the same, through the CLI
 *   node-marketo-rest    the same, through the npm package
 *   Python requests      REQUESTS_CA_BUNDLE (Debian's python3-requests, /usr/bin/python3);
 *                        the name resolves through a getaddrinfo override that wraps the script
 *   curl                 --cacert and --resolve
 *   Java                 a keytool trust store; the name from -Djdk.net.hosts.file
 *
 * and clients that do not trust the CA fail with a TLS error. The resolver overrides stand in for
 * the hosts-file line of the recipes; the client code is the same as against Marketo.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { connect } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { countStored, seedBulk } from '../e2e/bulk-seed.js';
import { createUser, ROOT, runCli, startServe, tempDir } from '../e2e/cli.js';

const CLIENTS = join(ROOT, 'test', 'tls', 'clients');
const HOST = '123-ABC-456.mktorest.com';
const START = Date.UTC(2025, 0, 1);
const WINDOW = ['2025-01-01T00:00:00Z', '2025-01-02T00:00:00Z'] as const;
/** Node children resolve *.mktorest.com to 127.0.0.1 through this hook (the hosts-file line of docs/clients.md). */
const RESOLVE = `--import=${pathToFileURL(join(CLIENTS, 'resolve-mktorest.mjs')).href}`;
const PYTHON = '/usr/bin/python3';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client to its end with exactly `env` on top of a clean environment (no inherited CA settings). */
function runClient(command: string, args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<Run> {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TIDEMARK_|NODE_EXTRA_CA_CERTS$|NODE_OPTIONS$|REQUESTS_CA_BUNDLE$|SSL_CERT_FILE$|CURL_CA_BUNDLE$)/.test(k)) base[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const summaryOf = (run: Run, label: string) => {
  assert.equal(run.code, 0, `${label} failed:\n${run.stderr.slice(-3000)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
};

/** What every whole-export client must have seen: the job's life, both Range parts, the exact bytes. */
function assertWholeExport(s: any, expected: number) {
  assert.equal(s.tokenType, 'bearer');
  assert.deepEqual(s.statuses, ['Created', 'Queued', 'Completed']);
  assert.equal(s.numberOfRecords, expected);
  assert.equal(s.lines, expected + 1, 'a header and one line per record');
  const half = Math.floor(s.fileSize / 2);
  assert.deepEqual(s.ranges, [
    { status: 206, contentRange: `bytes 0-${half - 1}/${s.fileSize}`, length: half },
    { status: 206, contentRange: `bytes ${half}-${s.fileSize - 1}/${s.fileSize}`, length: s.fileSize - half },
  ]);
  assert.equal(s.sha256, s.fileChecksum, 'the reassembled file hashes to fileChecksum');
}

/** Python with Debian's requests: .ci/run installs it; elsewhere its absence skips, with the reason. */
function pythonRequests(t: TestContext): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import requests'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  if (process.env.CI) assert.fail(`${PYTHON} cannot import requests (.ci/run installs python3-requests): ${probe.stderr ?? probe.error}`);
  t.skip(`${PYTHON} with requests is missing: apt-get install python3-requests`);
  return false;
}

/** The certificate a TLS server presents for `servername`, verified against `ca` (throws when it does not verify). */
function presented(port: number, servername: string, ca: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, ca }, () => {
      const cert = socket.getPeerX509Certificate()!;
      socket.end();
      resolve(cert);
    });
    socket.once('error', reject);
  });
}

test('serve --tls --https-port: unmodified clients complete a whole export on https://123-ABC-456.mktorest.com', async (t) => {
  const dir = tempDir(t, 'tls-clients');
  await seedBulk(dir, { rows: 6000, startMs: START, days: 2 });
  const expected = await countStored(dir, START, START + 86_400_000);
  assert.ok(expected > 2000, `rows in the window: ${expected}`);
  const user = await createUser(dir, 'https@e2e');

  // `tidemark ca` makes the CA, says so on stderr, and prints its path alone on stdout.
  const made = await runCli(['ca', '--data-dir', dir]);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(made.stdout, `${join(dir, 'tls', 'ca.pem')}\n`);
  assert.match(made.stderr, /Created a local CA at /);
  const caFile = made.stdout.trim();
  assert.equal(statSync(join(dir, 'tls', 'ca-key.pem')).mode & 0o777, 0o600);
  const pem = await runCli(['ca', '--pem', '--data-dir', dir]);
  assert.equal(pem.stdout, readFileSync(caFile, 'utf8'));
  assert.equal(pem.stderr, '', 'nothing made the second time, so nothing said');
  assert.ok(new X509Certificate(pem.stdout).ca);

  const serve = await startServe(t, dir, ['--tls', '--https-port', '0']);
  const [httpUrl, httpsUrl] = [...serve.stdout().matchAll(/listening on (\S+)/g)].map((m) => m[1]!);
  assert.match(httpUrl!, /^http:\/\/127\.0\.0\.1:\d+$/, serve.stdout());
  assert.match(httpsUrl!, /^https:\/\/127\.0\.0\.1:\d+$/, serve.stdout());
  assert.match(serve.stderr(), new RegExp(`signed by the local CA ${caFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const port = Number(new URL(httpsUrl!).port);
  const base = `https://${HOST}:${port}`;
  const args = [base, user.clientId, user.clientSecret, ...WINDOW];
  const node = (script: string, env: Record<string, string>) => runClient(process.execPath, [join(CLIENTS, script), ...args], { NODE_OPTIONS: RESOLVE, ...env });

  await t.test('HTTP keeps answering on --port', async () => {
    assert.equal((await fetch(`${httpUrl}/tidemark/v1/health`)).status, 200);
  });

  await t.test('Node fetch with NODE_EXTRA_CA_CERTS', async () => {
    assertWholeExport(summaryOf(await node('fetch-export.mjs', { NODE_EXTRA_CA_CERTS: caFile }), 'fetch'), expected);
  });

  await t.test('Node fetch that does not trust the CA fails with a TLS error', async () => {
    const run = await node('fetch-export.mjs', {});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /TLS error: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });

  await t.test('Node fetch trusting another Tidemark CA fails too', async () => {
    const other = tempDir(t, 'tls-other-ca');
    const otherCa = (await runCli(['ca', '--data-dir', other])).stdout.trim();
    const run = await node('fetch-export.mjs', { NODE_EXTRA_CA_CERTS: otherCa });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /TLS error: /);
  });

  await t.test('tidemark extract with NODE_EXTRA_CA_CERTS', async () => {
    const out = join(dir, 'extract.csv');
    const run = await runCli(['extract', '--endpoint', `${base}/rest`, '--client-id', user.clientId, '--client-secret', user.clientSecret,
      '--since', WINDOW[0], '--until', WINDOW[1], '--out', out], { env: { NODE_OPTIONS: RESOLVE, NODE_EXTRA_CA_CERTS: caFile }, timeoutMs: 90_000 });
    assert.equal(run.code, 0, run.stderr);
    const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, expected + 1, 'a header and every record of the window');
  });

  await t.test('node-marketo-rest with NODE_EXTRA_CA_CERTS', async () => {
    const s = summaryOf(await node('node-marketo-rest-export.cjs', { NODE_EXTRA_CA_CERTS: caFile }), 'node-marketo-rest');
    assert.equal(s.status, 'Completed');
    assert.equal(s.numberOfRecords, expected);
    assert.equal(s.bytes, s.fileSize);
    assert.equal(s.sha256, s.fileChecksum);
  });

  await t.test('Python requests with REQUESTS_CA_BUNDLE', async (tt) => {
    if (!pythonRequests(tt)) return;
    const run = await runClient(PYTHON, [join(CLIENTS, 'resolve_mktorest.py'), join(CLIENTS, 'requests_export.py'), ...args], { REQUESTS_CA_BUNDLE: caFile });
    assertWholeExport(summaryOf(run, 'requests'), expected);
  });

  await t.test('Python requests that does not trust the CA fails with a TLS error', async (tt) => {
    if (!pythonRequests(tt)) return;
    const run = await runClient(PYTHON, [join(CLIENTS, 'resolve_mktorest.py'), join(CLIENTS, 'requests_export.py'), ...args], {});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /TLS error: .*CERTIFICATE_VERIFY_FAILED/);
  });

  await t.test('curl with --cacert and --resolve; without --cacert it refuses', async () => {
    const resolveArg = ['--resolve', `${HOST}:${port}:127.0.0.1`];
    const query = new URLSearchParams({ grant_type: 'client_credentials', client_id: user.clientId, client_secret: user.clientSecret });
    const identity = await runClient('curl', ['-sS', '--cacert', caFile, ...resolveArg, `${base}/identity/oauth/token?${query}`], {});
    assert.equal(identity.code, 0, identity.stderr);
    const token = JSON.parse(identity.stdout).access_token as string;
    const list = await runClient('curl', ['-sS', '--cacert', caFile, ...resolveArg, '-H', `Authorization: Bearer ${token}`, `${base}/bulk/v1/activities/export.json`], {});
    assert.equal(JSON.parse(list.stdout).success, true, list.stdout);
    const refused = await runClient('curl', ['-sS', ...resolveArg, `${base}/identity/oauth/token?${query}`], {});
    assert.equal(refused.code, 60, `curl's "peer certificate cannot be authenticated": ${refused.stderr}`);
  });

  await t.test('Java with a keytool trust store (java.net.http, the name from -Djdk.net.hosts.file)', async (tt) => {
    if (spawnSync('java', ['-version']).status !== 0 || spawnSync('keytool', ['-help']).status !== 0) {
      tt.skip('no java or keytool on this machine');
      return;
    }
    const store = join(dir, 'tidemark.jks');
    const imported = await runClient('keytool', ['-importcert', '-noprompt', '-alias', 'tidemark', '-file', caFile, '-keystore', store, '-storepass', 'changeit'], {});
    assert.equal(imported.code, 0, imported.stderr + imported.stdout);
    const hosts = join(dir, 'hosts');
    writeFileSync(hosts, `127.0.0.1 ${HOST}\n`);
    const java = (trust: string[]) => runClient('java', [`-Djdk.net.hosts.file=${hosts}`, ...trust, join(CLIENTS, 'TrustStoreCheck.java'), base, user.clientId, user.clientSecret], {});
    const ok = await java([`-Djavax.net.ssl.trustStore=${store}`, '-Djavax.net.ssl.trustStorePassword=changeit']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^200 \{"requestId":"[^"]+","result":\[/);
    const refused = await java([]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /TLS error: .*PKIX path building failed/);
  });

  await t.test('the same certificate on the HTTPS port for any name it covers; Host headers pick nothing', async () => {
    const ca = readFileSync(caFile, 'utf8');
    for (const name of [HOST, '999-XYZ-000.mktorest.com', 'localhost']) {
      const cert = await presented(port, name, ca);
      assert.ok(cert.checkHost(name), `${name} is covered`);
    }
    await assert.rejects(presented(port, 'tidemark.test', ca), /Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  assert.equal(serve.child.exitCode, null, 'the server is still running');
  assert.equal((await serve.stop()).code, 0, 'SIGTERM closes both listeners and exits cleanly');
});

test('serve --tls keeps its CA across restarts, renews the certificate for new --tls-hosts, and serves --tls-cert/--tls-key', async (t) => {
  const dir = tempDir(t, 'tls-restart');
  const first = await startServe(t, dir, ['--tls']);
  assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/, 'HTTPS on --port: the ready line says https');
  assert.match(first.stderr(), /Created a local CA/);
  const caFile = join(dir, 'tls', 'ca.pem');
  const ca = readFileSync(caFile, 'utf8');
  const served = await presented(Number(new URL(first.url).port), HOST, ca);
  assert.equal((await first.stop()).code, 0);

  const again = await startServe(t, dir, ['--tls']);
  assert.doesNotMatch(again.stderr(), /Created|Renewed/, 'nothing made again');
  assert.equal(readFileSync(caFile, 'utf8'), ca, 'the same CA');
  assert.equal((await presented(Number(new URL(again.url).port), HOST, ca)).fingerprint256, served.fingerprint256, 'the same certificate');
  assert.equal((await again.stop()).code, 0);

  const renamed = await startServe(t, dir, ['--tls'], { env: { TIDEMARK_TLS_HOSTS: 'tidemark.test' } });
  assert.match(renamed.stderr(), /Renewed the server certificate .*names/);
  assert.equal(readFileSync(caFile, 'utf8'), ca, 'the CA stays');
  assert.ok((await presented(Number(new URL(renamed.url).port), 'tidemark.test', ca)).checkHost('tidemark.test'));
  assert.equal((await renamed.stop()).code, 0);

  // Your own certificate: here the pair the local CA made, copied elsewhere; the CA dir is not touched.
  const own = await startServe(t, dir, ['--tls-cert', join(dir, 'tls', 'server.pem'), '--tls-key', join(dir, 'tls', 'server-key.pem'), '--tls-dir', join(dir, 'unused')]);
  assert.doesNotMatch(own.stderr(), /local CA/);
  assert.ok((await presented(Number(new URL(own.url).port), 'tidemark.test', ca)).checkHost('tidemark.test'));
  assert.throws(() => statSync(join(dir, 'unused')), /ENOENT/, 'no CA is made with --tls-cert');
  assert.equal((await own.stop()).code, 0);

  const wrong = await runCli(['serve', '--port', '0', '--data-dir', dir, '--tls-cert', caFile, '--tls-key', join(dir, 'tls', 'server-key.pem')], { timeoutMs: 30_000 });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /--tls-cert .* with --tls-key .*: .*key values mismatch/);
  assert.doesNotMatch(wrong.stderr, /\n\s+at /, 'no stack trace');
});
