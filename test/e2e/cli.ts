/**
 * End-to-end helpers: run the REAL `tidemark` CLI (bin/tidemark.js -> dist/, built by `tsc` before
 * the tests) as child processes, and talk to a live `tidemark serve` over HTTP.
 *
 * Every process started here is registered with `t.after`, so it is killed (SIGKILL) even when the
 * test fails half-way; every temp dir from `tempDir` is removed the same way.
 *
 * Two stores. On the PostgreSQL pass (TIDEMARK_TEST_STORE=postgres with TIDEMARK_TEST_DATABASE_URL,
 * see scripts/run-tests.mjs) every data dir from `tempDir` also stands for a PostgreSQL schema of
 * its own (`testDatabaseUrl`): every CLI call that names the dir with `--data-dir` (serve, users,
 * import, demo) gets `--database-url` for that schema as well, the dir keeps the export files, and
 * the schema is dropped when the test ends. Tests keep passing the dir around as on SQLite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExportJob } from '@tidemark/client';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dropTestSchema, testDatabaseUrl } from '../helpers/harness.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'tidemark.js');

const MAX_CAPTURE = 4 * 1024 * 1024;

/** The environment a child gets: ours without any TIDEMARK_* or DATABASE_URL, plus `extra`. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TIDEMARK_') && k !== 'DATABASE_URL') env[k] = v;
  }
  return { ...env, ...extra };
}

/** Which store the CLI processes of this run use. */
export const E2E_STORE: 'sqlite' | 'postgres' = testDatabaseUrl('probe') ? 'postgres' : 'sqlite';

/** Data dir -> the PostgreSQL URL (`?schema=` of its own) its store lives at, on the PostgreSQL pass. */
const databaseUrls = new Map<string, string>();
/** Data dir -> how to kill each `serve` process started on it (a no-op once it has exited). */
const servers = new Map<string, Set<() => Promise<void>>>();

/**
 * A temp dir removed after the test (also when it fails). On the PostgreSQL pass it also gets a
 * schema; the cleanup kills the dir's servers first, so nothing holds the schema when it is dropped.
 */
export function tempDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tidemark-e2e-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 30)}-`));
  const url = testDatabaseUrl(`e2e_${name}`);
  if (url) {
    databaseUrls.set(dir, url);
    t.diagnostic(`store of ${name}: PostgreSQL schema ${new URL(url).searchParams.get('schema')}`);
  }
  t.after(async () => {
    await Promise.all([...(servers.get(dir) ?? [])].map((kill) => kill()));
    servers.delete(dir);
    if (url) {
      await dropTestSchema(url);
      databaseUrls.delete(dir);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** The PostgreSQL URL of a data dir's store on the PostgreSQL pass; undefined on SQLite. */
export function databaseUrlOf(dataDir: string): string | undefined {
  return databaseUrls.get(dataDir);
}

/** `--data-dir DIR`, plus `--database-url URL` when the dir's store is in PostgreSQL. */
export function storeArgs(dataDir: string): string[] {
  const url = databaseUrls.get(dataDir);
  return ['--data-dir', dataDir, ...(url ? ['--database-url', url] : [])];
}

/** `args` with `--database-url` added after `--data-dir DIR` when DIR's store is in PostgreSQL. */
function withStore(args: string[]): string[] {
  const i = args.indexOf('--data-dir');
  if (i < 0 || i + 1 >= args.length || args.includes('--database-url')) return args;
  return [...args.slice(0, i), ...storeArgs(args[i + 1]!), ...args.slice(i + 2)];
}

/** Collects a stream into a string, keeping at most the last MAX_CAPTURE characters. */
class Capture {
  text = '';
  constructor(stream: NodeJS.ReadableStream | null, onData?: (s: string) => void) {
    stream?.setEncoding('utf8');
    stream?.on('data', (s: string) => {
      this.text += s;
      if (this.text.length > MAX_CAPTURE) this.text = this.text.slice(-MAX_CAPTURE);
      onData?.(s);
    });
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServeProcess {
  /** `http://127.0.0.1:PORT` (`https://` with --tls), from the first `listening on` line. */
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<Exit>;
  /** Sends a signal and waits for the exit (SIGKILL after `graceMs` if it has not exited). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface ServeOptions {
  env?: Record<string, string>;
  /** How long to wait for the `listening on` line. */
  timeoutMs?: number;
}

/**
 * Starts `tidemark serve --port 0 --data-dir DIR ...args` and waits for its `listening on` line.
 * The process is SIGKILLed in t.after unless it already exited.
 */
export async function startServe(t: TestContext, dataDir: string, args: string[] = [], o: ServeOptions = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...storeArgs(dataDir), ...args], {
    cwd: ROOT, env: childEnv(o.env), stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exitInfo: Exit | undefined;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  let stopping = false;
  // The data dir's cleanup (tempDir) may run first: then it is this test's end, not a crash.
  if (!servers.has(dataDir)) servers.set(dataDir, new Set());
  servers.get(dataDir)!.add(async () => {
    if (exitInfo) return;
    stopping = true;
    child.kill('SIGKILL');
    await exited;
  });
  t.after(async () => {
    if (!exitInfo) {
      child.kill('SIGKILL');
      await exited;
    } else if (!stopping) {
      // It ended on its own: show why, next to whatever assertion failed because of it.
      t.diagnostic(`tidemark serve exited unexpectedly (code ${exitInfo.code}, signal ${exitInfo.signal}); stderr tail:\n${err.text.slice(-3000)}`);
    }
  });
  let onLine: (() => void) | undefined;
  const out = new Capture(child.stdout, () => onLine?.());
  const err = new Capture(child.stderr);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no 'listening on' line within ${o.timeoutMs ?? 60_000} ms`), o.timeoutMs ?? 60_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`tidemark serve ${args.join(' ')}: ${why}\nstdout:\n${out.text}\nstderr:\n${err.text.slice(-4000)}`));
    };
    onLine = () => {
      const m = /listening on (https?:\/\/\S+)/.exec(out.text); // https with serve --tls
      if (m) {
        clearTimeout(timer);
        onLine = undefined;
        resolve(m[1]!.replace(/\/$/, ''));
      }
    };
    void exited.then((e) => fail(`exited early with code ${e.code} signal ${e.signal}`));
  });
  return {
    url, child, exited,
    stdout: () => out.text,
    stderr: () => err.text,
    async stop(signal = 'SIGTERM', graceMs = 30_000) {
      stopping = true;
      if (exitInfo) return exitInfo;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const e = await exited;
      clearTimeout(timer);
      return e;
    },
  };
}

export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

/**
 * Runs `tidemark ...args` to completion; `input` is written to its stdin. Killed after timeoutMs.
 * `--data-dir DIR` of a `tempDir` brings `--database-url` along on the PostgreSQL pass.
 */
export function runCli(rawArgs: string[], o: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const args = withStore(rawArgs);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT, env: childEnv(o.env), stdio: [o.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out = new Capture(child.stdout);
    const err = new Capture(child.stderr);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tidemark ${args.join(' ')} did not finish within ${o.timeoutMs ?? 60_000} ms\nstderr:\n${err.text}`));
    }, o.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.text, stderr: err.text });
    });
    if (o.input !== undefined) child.stdin!.end(o.input);
  });
}

/** `tidemark users create --json`; returns the credentials it printed. */
export async function createUser(dataDir: string, name = 'e2e@test', role = 'read-write-activity'): Promise<{ name: string; role: string; clientId: string; clientSecret: string }> {
  const r = await runCli(['users', 'create', '--name', name, '--role', role, '--json', '--data-dir', dataDir]);
  if (r.code !== 0) throw new Error(`users create failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------- HTTP

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const sha256 = (bytes: Uint8Array | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export const BASE = '/bulk/v1/activities/export';

/** A job as the API shows it (the SDK's wire type). */
export type Job = ExportJob;

/** A small API client for one server and one token. */
export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  static async login(url: string, clientId: string, clientSecret: string): Promise<Api> {
    const r = await fetch(`${url}/identity/oauth/token?grant_type=client_credentials&client_id=${encodeURIComponent(clientId)}&client_secret=${encodeURIComponent(clientSecret)}`);
    const body = (await r.json()) as { access_token?: string };
    if (r.status !== 200 || !body.access_token) throw new Error(`token request failed: ${r.status} ${JSON.stringify(body)}`);
    return new Api(url, body.access_token);
  }

  call(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      ...init, headers: { Authorization: `Bearer ${this.token}`, ...(init.headers as Record<string, string> | undefined) },
    });
  }

  /** Any JSON call; returns the parsed envelope. */
  async json(path: string, init: RequestInit = {}): Promise<any> {
    const r = await this.call(path, init);
    const text = await r.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${r.status}, not JSON: ${text.slice(0, 300)}`);
    }
  }

  /** POST create.json with `body` (an object, sent as JSON); returns the whole envelope. */
  createRaw(body: unknown): Promise<any> {
    return this.json(`${BASE}/create.json`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Creates a CSV job for [startAt, endAt] and returns its id (throws on success:false). */
  async create(startAt: string, endAt: string, extra: Record<string, unknown> = {}): Promise<string> {
    const env = await this.createRaw({ format: 'CSV', ...extra, filter: { createdAt: { startAt, endAt } } });
    if (!env.success) throw new Error(`create failed: ${JSON.stringify(env.errors)}`);
    return env.result[0].exportId;
  }

  enqueueRaw(id: string): Promise<any> {
    return this.json(`${BASE}/${id}/enqueue.json`, { method: 'POST' });
  }

  async enqueue(id: string): Promise<Job> {
    const env = await this.enqueueRaw(id);
    if (!env.success) throw new Error(`enqueue failed: ${JSON.stringify(env.errors)}`);
    return env.result[0];
  }

  async cancel(id: string): Promise<any> {
    return this.json(`${BASE}/${id}/cancel.json`, { method: 'POST' });
  }

  async status(id: string): Promise<Job> {
    const env = await this.json(`${BASE}/${id}/status.json`);
    if (!env.success) throw new Error(`status failed: ${JSON.stringify(env.errors)}`);
    return env.result[0];
  }

  /** Polls status until it is one of `want`; fails at once on another settled status. */
  async waitFor(id: string, want: string[], o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Job> {
    const deadline = Date.now() + (o.timeoutMs ?? 120_000);
    let last: Job | undefined;
    for (;;) {
      last = await this.status(id);
      if (want.includes(last.status)) return last;
      if (['Completed', 'Failed', 'Cancelled'].includes(last.status)) {
        throw new Error(`job ${id} is ${last.status}, waiting for ${want.join('/')}: ${JSON.stringify(last)}`);
      }
      if (Date.now() > deadline) throw new Error(`job ${id} still ${last.status} after ${o.timeoutMs ?? 120_000} ms`);
      await sleep(o.intervalMs ?? 100);
    }
  }

  /** GET file.json streamed through SHA-256 (for files too big to hold comfortably). */
  async fileDigest(id: string): Promise<{ status: number; size: number; checksum: string }> {
    const r = await this.call(`${BASE}/${id}/file.json`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of (r.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { status: r.status, size, checksum: `sha256:${hash.digest('hex')}` };
  }

  /** GET file.json; the whole body as bytes. */
  async file(id: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const r = await this.call(`${BASE}/${id}/file.json`, { headers });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  }
}

/** A minimal RFC 4180 CSV parser (quoted fields, doubled quotes, LF line ends) for checking files. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Percentile (0..100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
