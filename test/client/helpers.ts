/**
 * Helpers for the client end-to-end tests: seeded activities (demo data plus hand-made ones on
 * every window seam and range edge, with values that need quoting), the expected output computed
 * from the store itself, and the REAL `tidemark` CLI (bin/tidemark.js -> dist/) as a child process.
 * Every child is SIGKILLed in t.after unless it already exited; temp dirs are removed there too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoActivities } from '../../src/demo/generate.js';
import type { Activity } from '../../src/domain/activity.js';
import { DEFAULT_FIELDS, type ExportFilter } from '../../src/domain/export-request.js';
import { formatHeader, formatRow } from '../../src/domain/file-format.js';
import type { Store } from '../../src/store/store.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'tidemark.js');
export const DAY = 86_400_000;
export const WINDOW = 31 * DAY;

/** The 100-day range every test extracts: 2025-09-01 .. 2025-12-09 inclusive, 4 windows. */
export const SINCE = '2025-09-01T00:00:00Z';
export const UNTIL = '2025-12-09';
export const SINCE_MS = Date.parse(SINCE);
export const UNTIL_MS = Date.parse('2025-12-09T23:59:59Z');
export const WINDOW_STARTS = [0, 1, 2, 3].map((k) => SINCE_MS + k * WINDOW);

export function tempDir(t: TestContext, name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tidemark-client-${name}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Activities for the range: `perDay` demo activities a day from 10 days before it to 10 days after
 * it, and hand-made ones at since - 1 s, since, each seam - 1 s and seam, until and until + 1 s,
 * with commas, quotes, CR, LF, unicode and nulls in them.
 */
export function activities(perDay: number, seed = 7): Activity[] {
  const out = [...demoActivities({ days: 120, activitiesPerDay: perDay, seed, endMs: SINCE_MS + 110 * DAY })];
  let guid = 900_000_000;
  const edge = (date: number, over: Partial<Activity> = {}): Activity => ({
    marketoGUID: String(++guid),
    leadId: 4242,
    activityDate: date,
    activityTypeId: 1,
    campaignId: null,
    primaryAttributeValueId: 1001,
    primaryAttributeValue: 'www.example.com/pricing',
    attributes: JSON.stringify({ 'Webpage URL': '/pricing', 'Client IP Address': '203.0.113.9' }),
    actionResult: null,
    ...over,
  });
  const odd = [
    'Example, Inc.', 'say "hi"', 'two\nlines', 'carriage\rreturn', 'crlf\r\nline', 'Ünïcødé ✓ 😀', '', ' leading space',
  ];
  const instants = [SINCE_MS - 1000, SINCE_MS, UNTIL_MS, UNTIL_MS + 1000];
  for (let k = 1; k < 4; k++) instants.push(SINCE_MS + k * WINDOW - 1000, SINCE_MS + k * WINDOW);
  instants.forEach((t, i) => {
    out.push(edge(t, { primaryAttributeValue: odd[i % odd.length]!, attributes: JSON.stringify({ Note: odd[(i + 3) % odd.length], n: i, ok: i % 2 === 0 }) }));
    out.push(edge(t, { activityTypeId: 2, primaryAttributeValueId: 2001, primaryAttributeValue: 'GL_OP_ALL_2026.MPS Outbound', campaignId: 77 }));
    out.push(edge(t, { activityTypeId: 12, primaryAttributeValue: 'excluded by --types' }));
  });
  return out;
}

/** The createdAt filter of the range, with the given types. */
export function rangeFilter(types?: number[]): ExportFilter {
  return { startMs: SINCE_MS, endMs: UNTIL_MS, ...(types ? { activityTypeIds: types } : {}) };
}

/** What the store holds for the filter, as one CSV (or TSV, SSV) file with the 8 default columns. */
export async function expectedCsv(store: Store, filter: ExportFilter, format: 'CSV' | 'TSV' | 'SSV' = 'CSV'): Promise<{ text: string; activities: Activity[] }> {
  const fields = [...DEFAULT_FIELDS];
  let text = formatHeader({ fields, columnHeaderNames: {}, format });
  const list: Activity[] = [];
  for await (const a of store.exportRows(filter)) {
    text += formatRow(a, fields, format);
    list.push(a);
  }
  return { text, activities: list };
}

/** The environment a child gets: ours without TIDEMARK_* or DATABASE_URL, plus `extra`. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TIDEMARK_') && k !== 'DATABASE_URL') env[k] = v;
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Cli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON lines printed on stdout so far (--json). */
  events(): Record<string, unknown>[];
  /** Resolves with the first event matching `pred` (rejects if the process exits first or after timeoutMs). */
  waitForEvent(pred: (e: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the first match of `re` in stdout. */
  waitForText(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<Exit>;
}

/** Starts `tidemark ...args`; SIGKILLed in t.after if still running. */
export function startCli(t: TestContext, args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Cli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(o.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let done: Exit | undefined;
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => {
    done = { code, signal };
    for (const l of listeners) l();
    resolve(done);
  }));
  const killer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 90_000);
  void exited.then(() => clearTimeout(killer));
  t.after(async () => {
    clearTimeout(killer);
    if (!done) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  const events = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    try {
      return JSON.parse(l) as Record<string, unknown>;
    } catch {
      return {}; // a line still being written
    }
  });
  /** Resolves with the first truthy `probe()`, checked on every stdout chunk; rejects on exit or timeout. */
  const waitUntil = <T>(what: string, probe: () => T | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs);
      const finish = (e?: Error, v?: T) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (e) reject(new Error(`${e.message}\nstdout:\n${out.slice(-3000)}\nstderr:\n${err.slice(-3000)}`));
        else resolve(v as T);
      };
      const check = () => {
        const v = probe();
        if (v) finish(undefined, v);
        else if (done) finish(new Error(`exited (${done.code ?? done.signal}) before ${what}`));
      };
      listeners.add(check);
      check();
    });
  return {
    child, exited, events,
    stdout: () => out,
    stderr: () => err,
    waitForEvent: (pred, timeoutMs = 60_000) => waitUntil('matching event', () => events().find(pred), timeoutMs),
    waitForText: (re, timeoutMs = 60_000) => waitUntil(`output matching ${re}`, () => re.exec(out) ?? undefined, timeoutMs),
  };
}

/** Runs `tidemark ...args` to its end. */
export async function runCli(t: TestContext, args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  const cli = startCli(t, args, o);
  const exit = await cli.exited;
  return { ...exit, stdout: cli.stdout(), stderr: cli.stderr(), events: cli.events() };
}

/** The `tidemark extract` arguments every test shares. */
export function extractArgs(endpoint: string, creds: { clientId: string; clientSecret: string }, out: string, state: string, extra: string[] = []): string[] {
  return [
    'extract', '--endpoint', endpoint, '--client-id', creds.clientId, '--client-secret', creds.clientSecret,
    '--since', SINCE, '--until', UNTIL, '--out', out, '--state', state, '--json', ...extra,
  ];
}

/** Which window (0-3) a job's createdAt filter starts. */
export const windowOf = (startMs: number): number => WINDOW_STARTS.indexOf(startMs);
