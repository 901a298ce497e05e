/**
 * The local CA and the server certificate it signs, as PEM text. No file I/O here (local-ca.ts
 * keeps the files); node-forge builds and signs the certificates (docs/decisions/2026-12-03-tls.md
 * says why), Node's crypto makes the keys and checks what was made.
 *
 * Both are RSA 2048 with SHA-256, as mkcert makes them: every TLS client there is accepts that.
 * The extensions are the ones strict verifiers ask for (OpenSSL's -x509_strict, Python 3.13's
 * VERIFY_X509_STRICT, Apple's rules for locally trusted certificates): a critical CA
 * basicConstraints and keyUsage on the CA, subject and authority key ids, serverAuth, names only in
 * subjectAltName, and a server certificate valid 397 days.
 */
import { createPrivateKey, generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import forge from 'node-forge';

const { pki } = forge;
const DAY = 86_400_000;
export const CA_VALID_DAYS = 3650;
export const SERVER_VALID_DAYS = 397;
/** A server certificate this close to its end is renewed at start. */
export const RENEW_BEFORE_DAYS = 30;
/** Certificates start an hour early, so a client whose clock is a little behind still accepts them. */
const BACKDATE_MS = 3_600_000;

/** Names every generated server certificate covers, before `--tls-hosts` and a specific `--host`. */
export const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1', '*.mktorest.com'] as const;

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

const newKey = async (): Promise<{ forgeKey: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey; keyPem: string }> => {
  // Node makes the key natively (forge's pure-JS key generation takes seconds); forge only signs.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return {
    keyPem,
    forgeKey: pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()),
    forgePublic: pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
};

/** 16 random bytes, positive as DER reads them (RFC 5280 asks for a positive serial of at most 20 bytes). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: number, days: number): void {
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + days * DAY);
}

/**
 * A new self-signed CA that may sign server certificates only (pathLen 0).
 * @example const ca = await createCa(Date.now());
 */
export async function createCa(now: number): Promise<KeyPairPem> {
  const key = await newKey();
  const cert = pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serialNumber();
  validity(cert, now, CA_VALID_DAYS);
  // The host and date tell apart the CAs of several machines in one trust store.
  const name = [
    { name: 'commonName', value: `Tidemark local CA ${hostname().slice(0, 32)} ${new Date(now).toISOString().slice(0, 10)}` },
    { name: 'organizationName', value: 'Tidemark local development CA' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.forgeKey, forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: key.keyPem };
}

const altName = (name: string) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name.toLowerCase() });

/**
 * A server certificate for `names` (DNS names, `*.` wildcards, IPv4 or IPv6), signed by `ca`.
 * @example await createServerCertificate(ca, [...DEFAULT_NAMES], Date.now())
 */
export async function createServerCertificate(ca: KeyPairPem, names: readonly string[], now: number): Promise<KeyPairPem> {
  const caCert = pki.certificateFromPem(ca.certPem);
  // forge reads PKCS#1 RSA keys; the file holds PKCS#8, as `openssl genpkey` and most tools write it.
  const caKey = pki.privateKeyFromPem(createPrivateKey(ca.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString());
  const key = await newKey();
  const cert = pki.createCertificate();
  cert.publicKey = key.forgePublic;
  cert.serialNumber = serialNumber();
  validity(cert, now, SERVER_VALID_DAYS);
  cert.setSubject([{ name: 'commonName', value: 'Tidemark server' }, { name: 'organizationName', value: 'Tidemark' }]);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map(altName) },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: key.keyPem };
}

/** An IP in the one form the WHATWG URL parser gives it, so 0:0:0:0:0:0:0:1 and ::1 compare equal. */
const canonicalIp = (ip: string): string => new URL(`http://${isIP(ip) === 6 ? `[${ip}]` : ip}/`).hostname;

/** A certificate's names as sorted `dns:<lower case>` and `ip:<canonical>` keys, for comparing sets. */
export function nameKeys(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => (isIP(n) ? `ip:${canonicalIp(n)}` : `dns:${n.toLowerCase()}`)))].sort();
}

function certificateNameKeys(certPem: string): string[] {
  type AltName = { type: number; value: string; ip?: string };
  const ext = pki.certificateFromPem(certPem).getExtension('subjectAltName') as { altNames?: AltName[] } | undefined;
  const keys = (ext?.altNames ?? []).map((a) =>
    a.type === 7 && a.ip ? `ip:${canonicalIp(a.ip)}` : a.type === 2 ? `dns:${a.value.toLowerCase()}` : `other:${a.type}:${a.value}`);
  return [...new Set(keys)].sort();
}

/** True when the private key in `keyPem` belongs to the certificate. */
export function keyMatches(certPem: string, keyPem: string): boolean {
  const cert = new X509Certificate(certPem);
  return cert.checkPrivateKey(createPrivateKey(keyPem));
}

/** Why the CA cannot be used any more (undefined: it can). Never renewed silently: clients trust it. */
export function caProblem(ca: KeyPairPem, now: number): string | undefined {
  const cert = new X509Certificate(ca.certPem);
  if (!cert.ca) return 'the CA certificate is not a CA';
  if (!keyMatches(ca.certPem, ca.keyPem)) return 'the CA key does not belong to the CA certificate';
  if (Date.parse(cert.validTo) <= now) return `the CA expired on ${new Date(cert.validTo).toISOString()}`;
  return undefined;
}

/**
 * Why the server certificate must be made again (undefined: it still fits): another CA signed it,
 * its key is not its own, its names differ from `names`, or it ends within RENEW_BEFORE_DAYS.
 */
export function serverCertificateProblem(server: KeyPairPem, ca: KeyPairPem, names: readonly string[], now: number): string | undefined {
  const cert = new X509Certificate(server.certPem);
  const caCert = new X509Certificate(ca.certPem);
  if (!cert.checkIssued(caCert) || !cert.verify(caCert.publicKey)) return 'it was not signed by the current CA';
  if (!keyMatches(server.certPem, server.keyPem)) return 'its key does not belong to it';
  const have = certificateNameKeys(server.certPem);
  const want = nameKeys(names);
  if (have.join() !== want.join()) return 'the names it must cover changed';
  if (Date.parse(cert.validFrom) > now) return 'it is not valid yet';
  if (Date.parse(cert.validTo) - now < RENEW_BEFORE_DAYS * DAY) return `it ends on ${new Date(cert.validTo).toISOString()}`;
  return undefined;
}

/** The names a generated server certificate covers: the defaults, `--tls-hosts`, and `--host` unless it is a wildcard address. */
export function serverNames(extra: readonly string[], listenHost?: string): string[] {
  const host = listenHost && !['0.0.0.0', '::', '[::]'].includes(listenHost) ? [listenHost.replace(/^\[|\]$/g, '')] : [];
  const all = [...DEFAULT_NAMES, ...extra, ...host];
  const seen = new Set<string>();
  return all.filter((n) => {
    const k = nameKeys([n])[0]!;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** SHA-256 fingerprint of a PEM certificate, as `openssl x509 -fingerprint -sha256` prints it. */
export const fingerprint = (certPem: string): string => new X509Certificate(certPem).fingerprint256;
