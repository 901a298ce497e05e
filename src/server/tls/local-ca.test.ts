import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fingerprint, RENEW_BEFORE_DAYS, SERVER_VALID_DAYS, serverNames } from './certificates.js';
import { ensureLocalCa, ensureServerCertificate, LocalCaError, localCaFiles } from './local-ca.js';

const DAY = 86_400_000;
const NOW = Date.now();
const dirs: string[] = [];
const freshDir = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'tidemark-tls-')), 'tls');
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => rmSync(join(d, '..'), { recursive: true, force: true })));

const mode = (path: string) => statSync(path).mode & 0o777;
const notes = () => ({ notes: [] as string[] });

describe('the local CA and its server certificate', () => {
  const dir = freshDir();
  const files = localCaFiles(dir);
  let caPrint = '';
  let serverPrint = '';
  const later = NOW + (SERVER_VALID_DAYS - RENEW_BEFORE_DAYS + 1) * DAY;

  test('first use makes a CA and a server certificate for loopback and *.mktorest.com; keys are 0600', async () => {
    const report = notes();
    const { server } = await ensureServerCertificate(dir, serverNames([]), NOW, report);
    assert.match(report.notes.join('\n'), /Created a local CA at .*ca\.pem/);
    assert.equal(mode(files.caKey), 0o600);
    assert.equal(mode(files.serverKey), 0o600);
    assert.equal(mode(files.caCert), 0o644);
    assert.equal(server.certPem, readFileSync(files.serverCert, 'utf8'));

    const ca = new X509Certificate(readFileSync(files.caCert));
    const cert = new X509Certificate(server.certPem);
    assert.equal(ca.ca, true);
    assert.equal(cert.ca, false);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'signed by the CA');
    assert.equal(cert.checkHost('123-ABC-456.mktorest.com'), '*.mktorest.com');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('a.b.mktorest.com'), undefined, 'a wildcard covers one label only');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.ok(Math.abs(Date.parse(cert.validTo) - (NOW + SERVER_VALID_DAYS * DAY)) < 2000);
    caPrint = ca.fingerprint256;
    serverPrint = cert.fingerprint256;
  });

  test('a second start reuses both, and says nothing', async () => {
    const report = notes();
    const { server } = await ensureServerCertificate(dir, serverNames([]), NOW + DAY, report);
    assert.deepEqual(report.notes, []);
    assert.equal(fingerprint(server.certPem), serverPrint);
    assert.equal(fingerprint(readFileSync(files.caCert, 'utf8')), caPrint);
  });

  test('other names (--tls-hosts, a specific --host) renew the server certificate, never the CA', async () => {
    const report = notes();
    const { server } = await ensureServerCertificate(dir, serverNames(['tidemark.test', '*.corp.example', '10.1.2.3'], '192.0.2.7'), NOW, report);
    assert.match(report.notes.join('\n'), /Renewed the server certificate .*names/);
    const cert = new X509Certificate(server.certPem);
    assert.equal(cert.checkHost('tidemark.test'), 'tidemark.test');
    assert.equal(cert.checkHost('api.corp.example'), '*.corp.example');
    assert.equal(cert.checkIP('10.1.2.3'), '10.1.2.3');
    assert.equal(cert.checkIP('192.0.2.7'), '192.0.2.7');
    assert.equal(cert.checkHost('123-ABC-456.mktorest.com'), '*.mktorest.com', 'the defaults stay');
    assert.equal(fingerprint(readFileSync(files.caCert, 'utf8')), caPrint);
    serverPrint = cert.fingerprint256;
  });

  test(`a server certificate within ${RENEW_BEFORE_DAYS} days of its end is renewed; the CA stays`, async () => {
    const names = serverNames(['tidemark.test', '*.corp.example', '10.1.2.3'], '192.0.2.7');
    const early = notes();
    await ensureServerCertificate(dir, names, NOW + (SERVER_VALID_DAYS - RENEW_BEFORE_DAYS - 2) * DAY, early);
    assert.deepEqual(early.notes, [], 'not yet');
    const late = notes();
    const { server } = await ensureServerCertificate(dir, names, later, late);
    assert.match(late.notes.join('\n'), /Renewed the server certificate .*: it ends on/);
    assert.notEqual(fingerprint(server.certPem), serverPrint);
    assert.ok(Date.parse(new X509Certificate(server.certPem).validTo) > later + 300 * DAY);
    assert.equal(fingerprint(readFileSync(files.caCert, 'utf8')), caPrint);
  });

  test('a key file others can read is narrowed back to 0600', async () => {
    chmodSync(files.serverKey, 0o644);
    const report = notes();
    await ensureServerCertificate(dir, serverNames(['tidemark.test', '*.corp.example', '10.1.2.3'], '192.0.2.7'), later, report);
    assert.equal(mode(files.serverKey), 0o600);
    assert.match(report.notes.join('\n'), /server-key\.pem was readable by others \(mode 644\); it is now 0600/);
  });
});

describe('a CA that cannot be used is never replaced silently', () => {
  test('a missing CA key stops with a message that says what to do', async () => {
    const dir = freshDir();
    await ensureLocalCa(dir, NOW, notes());
    rmSync(localCaFiles(dir).caKey);
    await assert.rejects(ensureServerCertificate(dir, serverNames([]), NOW, notes()), (err: Error) =>
      err instanceof LocalCaError && /incomplete \(.*ca-key\.pem is missing\)/.test(err.message) && /remove/.test(err.message));
  });

  test('a CA key of another CA stops the start', async () => {
    const [a, b] = [freshDir(), freshDir()];
    await Promise.all([ensureLocalCa(a, NOW, notes()), ensureLocalCa(b, NOW, notes())]);
    writeFileSync(localCaFiles(a).caKey, readFileSync(localCaFiles(b).caKey));
    await assert.rejects(ensureLocalCa(a, NOW, notes()), /cannot be used: the CA key does not belong to the CA certificate/);
  });

  test('an expired CA is replaced, and the note says clients must trust the new one', async () => {
    const dir = freshDir();
    await ensureLocalCa(dir, NOW, notes());
    const before = fingerprint(readFileSync(localCaFiles(dir).caCert, 'utf8'));
    const report = notes();
    await ensureServerCertificate(dir, serverNames([]), NOW + 3651 * DAY, report);
    assert.match(report.notes.join('\n'), /The local CA had expired .*Clients must trust the new file/);
    assert.notEqual(fingerprint(readFileSync(localCaFiles(dir).caCert, 'utf8')), before);
  });
});

describe('several processes starting on one directory', () => {
  test('concurrent first starts end with one CA and one server certificate', async () => {
    const dir = freshDir();
    const results = await Promise.all([1, 2, 3].map(() => ensureServerCertificate(dir, serverNames([]), NOW, notes())));
    const prints = new Set(results.map((r) => fingerprint(r.server.certPem)));
    assert.equal(prints.size, 1, 'every process serves the same certificate');
    const ca = new X509Certificate(readFileSync(localCaFiles(dir).caCert));
    assert.ok(new X509Certificate(results[0]!.server.certPem).checkIssued(ca));
  });

  test('a lock left by a crashed process is taken over once stale', async () => {
    const dir = freshDir();
    await ensureLocalCa(dir, NOW, notes());
    const lock = join(dir, '.lock');
    writeFileSync(lock, '999999\n');
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(lock, old, old);
    await ensureServerCertificate(dir, serverNames([]), NOW, notes());
    assert.throws(() => statSync(lock), /ENOENT/, 'the lock is released');
  });
});

describe('serverNames', () => {
  test('the defaults, then --tls-hosts, then a specific --host; duplicates in any spelling once', () => {
    assert.deepEqual(serverNames([]), ['localhost', '127.0.0.1', '::1', '*.mktorest.com']);
    assert.deepEqual(serverNames(['LOCALHOST', '0:0:0:0:0:0:0:1', 'tidemark.test'], '0.0.0.0'), ['localhost', '127.0.0.1', '::1', '*.mktorest.com', 'tidemark.test']);
    assert.deepEqual(serverNames([], '::'), ['localhost', '127.0.0.1', '::1', '*.mktorest.com']);
    assert.deepEqual(serverNames([], '10.0.0.5'), ['localhost', '127.0.0.1', '::1', '*.mktorest.com', '10.0.0.5']);
  });
});
