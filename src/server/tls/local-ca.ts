/**
 * The local CA's files: made on first use, kept across restarts, the server certificate made again
 * when its names or dates no longer fit. Layout of the TLS directory (`<data-dir>/tls` by default):
 *
 *   ca.pem            the CA certificate: what clients trust (`tidemark ca` prints this path)
 *   ca-key.pem        its private key, mode 0600
 *   server.pem        the server certificate, signed by the CA
 *   server-key.pem    its private key, mode 0600
 *   .lock             held while files are made, so processes that share the directory (several
 *                     `serve --role api` on one PostgreSQL) end up with one CA, not one each
 *
 * Reading needs no lock; only a reader that finds something missing or unfit takes it, reads
 * again (another process may have just written), and writes. Every file is written under a
 * temporary name and renamed, so no reader ever sees half a PEM.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { caProblem, createCa, createServerCertificate, serverCertificateProblem, type KeyPairPem } from './certificates.js';

export interface LocalCaFiles {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export const localCaFiles = (dir: string): LocalCaFiles => ({
  dir,
  caCert: join(dir, 'ca.pem'),
  caKey: join(dir, 'ca-key.pem'),
  serverCert: join(dir, 'server.pem'),
  serverKey: join(dir, 'server-key.pem'),
});

/** What happened while making sure the files exist, for the command to tell its user. */
export interface LocalCaReport {
  /** Sentences for stderr: a CA made or replaced, a certificate renewed, a key file's mode fixed. */
  notes: string[];
}

/** A CA file that exists but cannot be used: never replaced silently, since clients may trust it. */
export class LocalCaError extends Error {}

const LOCK_WAIT_MS = 30_000;
/** A lock older than this was left by a process that died while making keys (which takes seconds). */
const STALE_LOCK_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function readPair(certPath: string, keyPath: string): { pair?: KeyPairPem; missing: string[] } {
  const certPem = readIfPresent(certPath);
  const keyPem = readIfPresent(keyPath);
  const missing = [certPem === undefined ? certPath : '', keyPem === undefined ? keyPath : ''].filter(Boolean);
  return certPem !== undefined && keyPem !== undefined ? { pair: { certPem, keyPem }, missing } : { missing };
}

/** Writes under a temporary name and renames: a reader sees the old file or the new one, whole. */
function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode); // the umask may have taken bits away from a certificate's 0644; a key stays 0600
  renameSync(tmp, path);
}

function writePair(certPath: string, keyPath: string, pair: KeyPairPem): void {
  writeAtomically(keyPath, pair.keyPem, 0o600);
  writeAtomically(certPath, pair.certPem, 0o644);
}

/** A key file others can read is narrowed to 0600 (or reported when the mount is read-only). */
function guardKeyMode(path: string, report: LocalCaReport): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  try {
    chmodSync(path, 0o600);
    report.notes.push(`${path} was readable by others (mode ${mode.toString(8)}); it is now 0600.`);
  } catch {
    report.notes.push(`${path} is readable by others (mode ${mode.toString(8)}) and could not be changed; make it 0600.`);
  }
}

async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new LocalCaError(`${lock} has been held by another process for ${Math.round(age / 1000)} s; remove it if no Tidemark process is starting`);
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** The CA, made if missing; the caller holds the lock. */
async function caUnderLock(files: LocalCaFiles, now: number, report: LocalCaReport): Promise<KeyPairPem> {
  const { pair, missing } = readPair(files.caCert, files.caKey);
  if (!pair && missing.length === 1) {
    throw new LocalCaError(`the local CA in ${files.dir} is incomplete (${missing[0]} is missing). Restore it, or remove ${files.caCert} and ${files.caKey} to make a new CA that clients must then trust instead.`);
  }
  if (pair) {
    const problem = usableCa(pair, files, now);
    if (!problem) return pair;
    if (!problem.startsWith('the CA expired')) throw new LocalCaError(`the local CA in ${files.dir} cannot be used: ${problem}. Remove ${files.caCert} and ${files.caKey} to make a new one.`);
    report.notes.push(`The local CA had expired (${problem}); made a new one at ${files.caCert}. Clients must trust the new file.`);
  } else {
    report.notes.push(`Created a local CA at ${files.caCert} (its key: ${files.caKey}, mode 0600). Clients trust it with NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE or SSL_CERT_FILE; see docs/clients.md.`);
  }
  const ca = await createCa(now);
  writePair(files.caCert, files.caKey, ca);
  return ca;
}

function usableCa(pair: KeyPairPem, files: LocalCaFiles, now: number): string | undefined {
  try {
    return caProblem(pair, now);
  } catch (err) {
    return `${files.caCert} or ${files.caKey} does not parse (${(err as Error).message})`;
  }
}

function serverProblem(server: KeyPairPem | undefined, ca: KeyPairPem, names: readonly string[], now: number): string | undefined {
  if (!server) return 'there is none yet';
  try {
    return serverCertificateProblem(server, ca, names, now);
  } catch (err) {
    return `it does not parse (${(err as Error).message})`;
  }
}

/**
 * The CA certificate's path, the CA made first if there is none (`tidemark ca`).
 * @example const { caCert } = await ensureLocalCa('/var/lib/tidemark/tls', Date.now(), report);
 */
export async function ensureLocalCa(dir: string, now: number, report: LocalCaReport): Promise<LocalCaFiles> {
  const files = localCaFiles(dir);
  const { pair } = readPair(files.caCert, files.caKey);
  if (pair && !usableCa(pair, files, now)) {
    guardKeyMode(files.caKey, report);
    return files;
  }
  mkdirSync(dir, { recursive: true });
  await withLock(dir, () => caUnderLock(files, now, report));
  return files;
}

/**
 * The server certificate and key to serve, signed by the local CA and covering `names`; made (and
 * the CA with it) when missing, and made again when it no longer fits.
 * @example const { server } = await ensureServerCertificate(dir, serverNames([]), Date.now(), report);
 */
export async function ensureServerCertificate(dir: string, names: readonly string[], now: number, report: LocalCaReport): Promise<{ server: KeyPairPem; files: LocalCaFiles }> {
  const files = localCaFiles(dir);
  const ca = readPair(files.caCert, files.caKey).pair;
  const current = readPair(files.serverCert, files.serverKey).pair;
  if (ca && current && !usableCa(ca, files, now) && !serverProblem(current, ca, names, now)) {
    guardKeyMode(files.caKey, report);
    guardKeyMode(files.serverKey, report);
    return { server: current, files };
  }
  mkdirSync(dir, { recursive: true });
  const server = await withLock(dir, async () => {
    const lockedCa = await caUnderLock(files, now, report);
    const again = readPair(files.serverCert, files.serverKey).pair;
    const problem = serverProblem(again, lockedCa, names, now);
    if (!problem) return again!;
    const made = await createServerCertificate(lockedCa, names, now);
    writePair(files.serverCert, files.serverKey, made);
    if (again) report.notes.push(`Renewed the server certificate ${files.serverCert}: ${problem}.`);
    return made;
  });
  guardKeyMode(files.caKey, report);
  return { server, files };
}
