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
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { exportDir } from '../../src/config/config.js';
import { seedBulk } from '../e2e/bulk-seed.js';
import { Api, createUser, E2E_STORE, sha256, sleep, startServe, tempDir, type ServeProcess } from '../e2e/cli.js';

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

/** Writes a filler file until the volume refuses more; returns the filler's path. */
function fillVolume(dir: string, name = 'filler'): string {
  const path = join(dir, name);
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(1 << 16);
  try {
    for (const size of [1 << 16, 4096, 512]) {
      try {
        for (;;) writeSync(fd, chunk, 0, size);
      } catch (err) {
        if ((err as { code?: string }).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

test('one full volume for SQLite and the exports (issue 16, finding 4): 608 while full, the job settles once space is back, no file without a job, no restart', async (t) => {
  if (E2E_STORE !== 'sqlite') {
    t.skip('the embedded store shares the volume with the exports only on SQLite');
    return;
  }
  const dir = tempDir(t, 'disk-shared');
  const refused = tryMountTmpfs(dir, '64m');
  if (refused) {
    t.skip(refused);
    return;
  }
  try {
    await seedBulk(dir, { rows: 100_000, startMs: Date.UTC(2025, 0, 1), days: 30 });
    const user = await createUser(dir, 'shared-disk@e2e');
    const serve = await startServe(t, dir, ['--rate-limit', 'off']);
    const api = await Api.login(serve.url, user.clientId, user.clientSecret);
    const month = ['2025-01-01T00:00:00Z', '2025-01-31T00:00:00Z'] as const;

    // The job is queued while there is room; the volume fills up while it runs.
    const id = await api.create(...month);
    await api.enqueue(id);
    const filler = fillVolume(dir);
    // Its worker is done with the files (finished, or stopped by the full volume).
    for (const deadline = Date.now() + 30_000; readdirSync(exportDir(dir)).some((f) => f.endsWith('.part'));) {
      assert.ok(Date.now() < deadline, 'the export settled its files');
      await sleep(50);
    }
    fillVolume(dir, 'filler-2'); // whatever the export gave back

    // Creates and enqueues: 608, never 611, while the store cannot write.
    const answers: Record<string, number> = {};
    for (let i = 0; i < 10; i++) {
      const env = await api.createRaw({ format: 'CSV', filter: { createdAt: { startAt: month[0], endAt: '2025-01-02T00:00:00Z' } } });
      const key = env.success ? 'success' : env.errors[0].code;
      answers[key] = (answers[key] ?? 0) + 1;
    }
    assert.ok((answers['608'] ?? 0) > 0, `the full store answered 608: ${JSON.stringify(answers)}`);
    assert.deepEqual(Object.keys(answers).filter((k) => k !== '608' && k !== 'success'), [], JSON.stringify(answers));
    const during = await api.status(id);

    // Space comes back: the job settles within seconds (its lease is 30 s), the server serves again.
    rmSync(filler);
    rmSync(join(dir, 'filler-2'));
    const freed = Date.now();
    let settled = await api.status(id);
    while (!['Completed', 'Failed'].includes(settled.status)) {
      assert.ok(Date.now() - freed < 15_000, `still ${settled.status} 15 s after space came back`);
      await sleep(100);
      settled = await api.status(id);
    }
    const waited = Date.now() - freed;
    if (settled.status === 'Completed') {
      const file = await api.fileDigest(id);
      assert.equal(file.checksum, settled.fileChecksum);
      assert.equal(settled.startedAt, during.startedAt, 'recorded, not run again');
    } else {
      assert.equal(settled.errorMsg, "Export failed: no space left on the export volume", serve.stderr().split("\n").filter((l) => l.includes("export failed")).join("\n").slice(0, 3000));
    }
    const small = await api.create(month[0], '2025-01-01T06:00:00Z');
    await api.enqueue(small);
    await api.waitFor(small, ['Completed'], { timeoutMs: 30_000 });
    // Files follow jobs: exactly the Completed jobs' files, nothing else (no .part, no orphan).
    const expected = [...(settled.status === 'Completed' ? [id] : []), small].map((x) => `${x}.export`).sort();
    assert.deepEqual(readdirSync(exportDir(dir)).sort(), expected);
    assert.match(serve.stderr(), /store unavailable \(full\)/);
    assert.equal((await serve.stop('SIGTERM')).code, 0);
    process.stdout.write(`# shared full volume: creates ${JSON.stringify(answers)}; the job was ${during.status} while full, ${settled.status} ${waited} ms after space came back\n`);
  } finally {
    execFileSync('umount', ['-l', dir]);
  }
});
