/**
 * A full disk during an export, on a real `tidemark serve`: the job ends Failed with a clear
 * errorMsg, no partial file is left or served, and the server keeps serving (a small export right
 * after completes and downloads with a matching checksum). Two ways to fill the disk:
 *   - a 4 MB tmpfs mounted on the export directory (ENOSPC; needs root and mount, else skipped);
 *   - RLIMIT_FSIZE of 8 MB on the running serve process (`prlimit --fsize`; EFBIG; skipped
 *     without prlimit).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { exportDir } from '../../src/config/config.js';
import { seedBulk } from '../e2e/bulk-seed.js';
import { Api, createUser, sha256, startServe, tempDir, type ServeProcess } from '../e2e/cli.js';

const ROWS = 200_000;
const MONTH = ['2025-01-01T00:00:00Z', '2025-01-31T00:00:00Z'] as const;
const ONE_HOUR = ['2025-01-01T00:00:00Z', '2025-01-01T01:00:00Z'] as const;

function tryMountTmpfs(dir: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `mount refused: ${(err as Error).message.split('\n')[0]}`;
  }
}

async function fillTheDisk(t: TestContext, dir: string, limit: (serve: ServeProcess) => void, expectedMessage: string): Promise<void> {
  const user = await createUser(dir, 'disk@e2e');
  const serve = await startServe(t, dir, ['--rate-limit', 'off']);
  limit(serve);
  const api = await Api.login(serve.url, user.clientId, user.clientSecret);

  const big = await api.create(...MONTH);
  await api.enqueue(big);
  const failed = await api.waitFor(big, ['Failed'], { timeoutMs: 60_000 });
  assert.equal(failed.errorMsg, expectedMessage);
  assert.ok(failed.finishedAt, 'a failed job has finishedAt');
  assert.equal(failed.fileSize, undefined);
  assert.equal((await api.file(big)).status, 404, 'nothing is served for the failed job');
  assert.deepEqual(readdirSync(exportDir(dir)).filter((f) => f.startsWith(big)), [], 'the partial output is gone');

  // The server keeps serving: status, list, and a small export that fits.
  assert.equal((await api.status(big)).status, 'Failed');
  assert.equal((await api.json('/bulk/v1/activities/export.json')).success, true);
  const small = await api.create(...ONE_HOUR);
  await api.enqueue(small);
  const done = await api.waitFor(small, ['Completed'], { timeoutMs: 60_000 });
  const file = await api.file(small);
  assert.equal(file.status, 200);
  assert.equal(file.bytes.length, done.fileSize);
  assert.equal(sha256(file.bytes), done.fileChecksum);
  assert.match(serve.stderr(), /export failed/);
  assert.equal((await serve.stop('SIGTERM')).code, 0, 'a clean exit after the failure');
  process.stdout.write(`# full disk (${expectedMessage}): job Failed, small job Completed (${done.fileSize} bytes), server kept serving\n`);
}

test('export volume full (4 MB tmpfs): Failed "no space left", the server keeps serving', async (t) => {
  const dir = tempDir(t, 'disk-tmpfs');
  await seedBulk(dir, { rows: ROWS, startMs: Date.UTC(2025, 0, 1), days: 30 });
  mkdirSync(exportDir(dir), { recursive: true });
  const refused = tryMountTmpfs(exportDir(dir), '4m');
  if (refused) {
    t.skip(refused);
    return;
  }
  try {
    await fillTheDisk(t, dir, () => undefined, 'Export failed: no space left on the export volume');
  } finally {
    // Before the temp dir's own cleanup (after hooks run later), and lazily: a killed server may still hold it.
    execFileSync('umount', ['-l', exportDir(dir)]);
  }
});

test('file size limit (RLIMIT_FSIZE 8 MB): Failed "file size limit reached", the server keeps serving', async (t) => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'pipe' });
  } catch {
    t.skip('prlimit (util-linux) is not installed');
    return;
  }
  const dir = tempDir(t, 'disk-fsize');
  await seedBulk(dir, { rows: ROWS, startMs: Date.UTC(2025, 0, 1), days: 30 });
  // 8 MB: the export (about 25 MB) cannot be written, but the store can. RLIMIT_FSIZE limits write
  // offsets, and the few rows a test writes (a token, jobs) land on pages near the start of the
  // SQLite file and in a WAL far below 8 MB; on PostgreSQL another process writes the store.
  const limitBytes = 8 * 1024 * 1024;
  const limit = (serve: ServeProcess) => execFileSync('prlimit', ['--pid', String(serve.child.pid), `--fsize=${limitBytes}`]);
  await fillTheDisk(t, dir, limit, 'Export failed: file size limit reached');
});
