/**
 * Test harness: a real Tidemark (real SQLite file, real socket on 127.0.0.1:0) per test, with an
 * injectable clock, plus small helpers to make users, tokens and activities.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type Config } from '../../src/config/config.js';
import type { Activity } from '../../src/domain/activity.js';
import { ManualClock, type Clock } from '../../src/lib/clock.js';
import { newClientCredentials } from '../../src/lib/ids.js';
import { silentLogger, type Logger } from '../../src/lib/logger.js';
import { hashSecret } from '../../src/lib/secrets.js';
import { createTidemark, type Tidemark } from '../../src/server/main.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Role, Store } from '../../src/store/store.js';

/** A fresh directory under the OS temp dir, named after the test. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `tidemark-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40)}-`));
}

export interface Harness {
  tm: Tidemark;
  store: Store;
  clock: ManualClock;
  config: Config;
  baseUrl: string;
  dataDir: string;
  /** Creates an API user and returns its credentials. */
  user(role?: Role, name?: string): Promise<{ clientId: string; clientSecret: string; name: string }>;
  /** Creates a user (default read-only-activity) and returns a live access token for it. */
  token(role?: Role): Promise<string>;
  /** fetch against the server; `token` adds a Bearer header. */
  call(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /** JSON body of a call. */
  json(path: string, init?: RequestInit & { token?: string }): Promise<any>;
  close(): Promise<void>;
}

/** The manual clock starts here unless a test says otherwise: 2026-01-15T12:00:00Z. */
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export async function startHarness(
  name: string,
  overrides: Partial<Config> = {},
  options: { clock?: Clock; log?: Logger } = {},
): Promise<Harness> {
  const dataDir = tempDir(name);
  const databaseUrl = testDatabaseUrl(name);
  const config = defaultConfig({ dataDir, logLevel: 'silent', port: 0, ...(databaseUrl ? { databaseUrl } : {}), ...overrides });
  const clock = (options.clock as ManualClock) ?? new ManualClock(T0);
  const tm = await createTidemark(config, { clock, log: options.log ?? silentLogger, pollMs: 50 });
  const address = await tm.app.listen({ host: '127.0.0.1', port: 0 });
  let n = 0;
  const h: Harness = {
    tm, store: tm.store, clock, config, baseUrl: address, dataDir,
    async user(role = 'read-only-activity', userName) {
      const { clientId, clientSecret } = newClientCredentials();
      const nm = userName ?? `user${++n}@test`;
      await tm.store.createUser({ clientId, name: nm, role, secretHash: hashSecret(clientSecret), disabled: false, createdAt: clock.now() });
      return { clientId, clientSecret, name: nm };
    },
    async token(role = 'read-only-activity') {
      const u = await h.user(role);
      const r = await fetch(`${address}/identity/oauth/token?grant_type=client_credentials&client_id=${u.clientId}&client_secret=${u.clientSecret}`);
      return ((await r.json()) as { access_token: string }).access_token;
    },
    call(path, init = {}) {
      const { token, headers, ...rest } = init;
      return fetch(`${address}${path}`, {
        ...rest,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(headers as Record<string, string> | undefined) },
      });
    },
    async json(path, init) {
      return (await h.call(path, init)).json();
    },
    async close() {
      await tm.close();
      if (databaseUrl) await dropTestSchema(databaseUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

/**
 * With TIDEMARK_TEST_STORE=postgres (and TIDEMARK_TEST_DATABASE_URL), every harness runs on
 * PostgreSQL in a schema of its own, named after the test.
 */
export function testDatabaseUrl(name: string): string | undefined {
  const base = process.env.TIDEMARK_TEST_DATABASE_URL;
  if (process.env.TIDEMARK_TEST_STORE !== 'postgres' || !base) return undefined;
  const u = new URL(base);
  u.searchParams.set('schema', `h_${process.pid}_${++schemas}_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 30)}`);
  return u.toString();
}
let schemas = 0;

export async function dropTestSchema(url: string): Promise<void> {
  const store = new PostgresStore(url, { migrate: false, poolSize: 1 });
  await store.dropSchema().catch(() => undefined);
  await store.close();
}

let guid = 1_000_000;
/** An activity with sensible defaults; override what the test cares about. */
export function activity(overrides: Partial<Activity> = {}): Activity {
  return {
    marketoGUID: String(++guid),
    leadId: 5414087,
    activityDate: T0 - 3600_000,
    activityTypeId: 104,
    campaignId: 8497,
    primaryAttributeValueId: 1670,
    primaryAttributeValue: 'MembershipTest1',
    attributes: JSON.stringify({ 'Old Status': 'Not in Program', Success: false }),
    actionResult: 'succeeded',
    ...overrides,
  };
}

/** A create body for [start, end] (ISO strings) with extra keys merged in. */
export function createBody(startAt: string, endAt: string, extra: Record<string, unknown> = {}, filterExtra: Record<string, unknown> = {}) {
  return JSON.stringify({ format: 'CSV', ...extra, filter: { createdAt: { startAt, endAt }, ...filterExtra } });
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
