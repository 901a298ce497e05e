/**
 * Helpers for the data-in tests (issue 3): run an export to its bytes over HTTP, run the real
 * `tidemark` CLI (bin/tidemark.js -> dist/, built by `tsc` before the tests) as a child process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config/config.js';
import { dropTestSchema, JSON_HEADERS, startHarness, testDatabaseUrl, type Harness } from '../helpers/harness.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'tidemark.js');
export const DAY = 86_400_000;

const cleanups = new WeakMap<TestContext, (() => Promise<void> | void)[]>();

/** Runs `fn` after the test, in reverse order of registration (t.after alone runs first-in first-out). */
export function defer(t: TestContext, fn: () => Promise<void> | void): void {
  let stack = cleanups.get(t);
  if (!stack) {
    const fresh: (() => Promise<void> | void)[] = [];
    cleanups.set(t, (stack = fresh));
    t.after(async () => {
      for (const f of fresh.reverse()) await f();
    });
  }
  stack.push(fn);
}

/**
 * The harness with the call rate limit off (the tests make many calls at one ManualClock instant).
 * Built on startHarness, so it runs on PostgreSQL too when the runner asks for it.
 */
export async function harness(t: TestContext, overrides: Partial<Config> = {}): Promise<Harness> {
  const h = await startHarness(t.name, { rateLimit: undefined, dailyQuotaMb: 0, ...overrides });
  defer(t, () => h.close());
  return h;
}

/** A temp dir removed after the test. */
export function tempDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tidemark-datain-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}-`));
  defer(t, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A fresh, empty store that the CLI writes and a harness then serves: a data dir (SQLite), or,
 * when the suites run on PostgreSQL (TIDEMARK_TEST_STORE=postgres), a schema of its own as well.
 */
export interface StoreTarget {
  /** For the CLI: `--data-dir DIR` and, on PostgreSQL, `--database-url URL`. */
  args: string[];
  /** For `harness(t, target.config)`. */
  config: Partial<Config>;
  /** Where files the test writes go. */
  dir: string;
}

export function storeTarget(t: TestContext, name: string): StoreTarget {
  const dir = tempDir(t, name);
  const databaseUrl = testDatabaseUrl(`${name}_${t.name}`);
  if (databaseUrl) defer(t, () => dropTestSchema(databaseUrl));
  return {
    dir,
    args: ['--data-dir', dir, ...(databaseUrl ? ['--database-url', databaseUrl] : [])],
    config: { dataDir: dir, ...(databaseUrl ? { databaseUrl } : {}) },
  };
}

export interface ExportResult {
  exportId: string;
  numberOfRecords: number;
  fileChecksum: string;
  bytes: Buffer;
  text: string;
}

/** create -> enqueue -> wait -> download; asserts each step succeeds and the bytes match the checksum. */
export async function runExport(h: Harness, token: string, body: Record<string, unknown>): Promise<ExportResult> {
  const created = await h.json('/bulk/v1/activities/export/create.json', {
    method: 'POST', token, headers: JSON_HEADERS, body: JSON.stringify(body),
  });
  assert.equal(created.success, true, `create failed: ${JSON.stringify(created)}`);
  const exportId = created.result[0].exportId as string;
  const queued = await h.json(`/bulk/v1/activities/export/${exportId}/enqueue.json`, { method: 'POST', token });
  assert.equal(queued.success, true, `enqueue failed: ${JSON.stringify(queued)}`);
  assert.equal(await h.tm.scheduler.waitForJob(exportId), 'Completed');
  const status = (await h.json(`/bulk/v1/activities/export/${exportId}/status.json`, { token })).result[0];
  const res = await h.call(`/bulk/v1/activities/export/${exportId}/file.json`, { token });
  assert.equal(res.status, 200);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(bytes.length, status.fileSize);
  assert.equal(`sha256:${createHash('sha256').update(bytes).digest('hex')}`, status.fileChecksum);
  return { exportId, numberOfRecords: status.numberOfRecords, fileChecksum: status.fileChecksum, bytes, text: bytes.toString('utf8') };
}

/** A create body: the window, the filter keys and the top-level keys (format, fields). */
export function exportBody(startAt: string, endAt: string, filter: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { format: 'CSV', ...extra, filter: { createdAt: { startAt, endAt }, ...filter } };
}

/** The data lines of a CSV export whose values hold no newlines (the demo's). */
export function dataLines(text: string): string[] {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'the file ends with LF');
  return lines.slice(1);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/tidemark.js ...args` with no TIDEMARK_* / DATABASE_URL from our environment. */
export function cli(args: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TIDEMARK_') && k !== 'DATABASE_URL') env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the CLI and asserts exit code 0. */
export async function cliOk(args: string[], options: { input?: string } = {}): Promise<CliRun> {
  const r = await cli(args, options);
  assert.equal(r.code, 0, `tidemark ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
