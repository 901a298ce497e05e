/**
 * argv + environment -> one validated, typed Config. Pure: no I/O beyond reading the objects it is
 * given. Every flag has a `TIDEMARK_<FLAG>` variable; the flag wins. docs/config.md lists them all.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { MARKETO_TIMING_DEFAULTS, type JobTiming } from '../domain/marketo-timing.js';
import { parseDuration } from '../lib/duration.js';
import { envName, SERVE_FLAGS, tlsDir } from './serve-flags.js';

export { envName, exportDir, SERVE_FLAGS, sqliteFile, takesValue, tlsDir } from './serve-flags.js';

export interface RateLimit {
  calls: number;
  seconds: number;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  demo: boolean;
  maxProcessing: number;
  maxQueued: number;
  /** 0 = unlimited. */
  dailyQuotaMb: number;
  fileRetentionDays: number;
  /** undefined = off. */
  rateLimit?: RateLimit;
  /** undefined = off. */
  maxConcurrentRequests?: number;
  /** 0 = unlimited. */
  dailyCallQuota: number;
  /** Failed identity calls per client id and per address in a window (HTTP 429 beyond); undefined = off. */
  identityFailureLimit?: RateLimit;
  /** Which parts of the server this process runs. */
  role: 'api' | 'worker' | 'all';
  leaseSeconds: number;
  /** Reject dates with milliseconds, as Marketo's docs say. */
  strict: boolean;
  /** Accept the `access_token` query parameter, which Marketo removed on 2026-08-31. */
  allowQueryToken: boolean;
  /**
   * The subscription has the infrastructure ("Corona") for lead `updatedAt` and smart list
   * filters and program member `updatedAt`; without it those answer 1035 (notes Q4).
   */
  advancedExtractFilters: boolean;
  logLevel: string;
  /** Mount the emulator controls under /tidemark/v1 (docs/emulator.md). */
  emulatorControls: boolean;
  /** What the emulator controls compare the bearer token with; required with emulatorControls. */
  adminToken?: string;
  /** Marketo constants, settings so tests can shorten them. */
  tokenTtlSeconds: number;
  statusRetentionDays: number;
  listWindowDays: number;
  /** Idle-socket and whole-request timeout (120 s); tests shorten it to watch slow clients go. */
  httpTimeoutMs: number;
  /** Present when HTTPS is served: --tls, or implied by --https-port or --tls-cert/--tls-key. */
  tls?: TlsConfig;
  /** `fast` (the default), or Marketo's timing with its parameters (docs/timing.md). */
  timing: JobTiming;
}

export interface TlsConfig {
  /** Where the local CA and the generated server certificate live (`<data-dir>/tls` by default). */
  dir: string;
  /** Set: HTTP stays on `port` and HTTPS is served here as well. Unset: `port` serves HTTPS only. */
  httpsPort?: number;
  /** Your own certificate and key (PEM files) instead of the local CA's. */
  certFile?: string;
  keyFile?: string;
  /** Names and IPs the generated certificate covers beyond localhost, loopback and *.mktorest.com. */
  hosts: string[];
}

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => ['true', '1', 'yes', ''].includes(v))]);
const offOr = <T extends z.ZodTypeAny>(inner: T) =>
  z.string().transform((v, ctx) => {
    if (v.toLowerCase() === 'off') return undefined;
    const r = inner.safeParse(v);
    if (!r.success) {
      ctx.addIssue({ code: 'custom', message: `expected 'off' or ${inner.description ?? 'a number'}` });
      return z.NEVER;
    }
    return r.data as z.infer<T>;
  });

/** A DNS name (a leading `*.` allowed) or an IP address, as a certificate can name it. */
const DNS_NAME = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;
export const isCertificateName = (name: string): boolean => isIP(name) !== 0 || (name.length <= 253 && DNS_NAME.test(name));

const certificateNames = z.string().transform((v, ctx) => {
  const names = v.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  const bad = names.find((n) => !isCertificateName(n));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `'${bad}' is not a DNS name (such as tidemark.test or *.example.com) or an IP address` });
    return z.NEVER;
  }
  return names;
});
const onOff = z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v),
  z.enum(['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'], "expected 'on' or 'off'")).transform((v) => ['on', 'true', '1', 'yes'].includes(v));

/** A duration with its unit (`60s`, `20m`, `1h30m`); `0` is none. A bare number is refused: seconds or ms? */
const duration = (min: number) => z.string().transform((v, ctx) => {
  const ms = v.trim() === '0' ? 0 : /^\s*\d+(\.\d+)?\s*$/.test(v) ? undefined : parseDuration(v);
  if (ms === undefined || ms < min) {
    ctx.addIssue({ code: 'custom', message: `expected a duration with its unit such as 90s, 20m or 1h30m${min > 0 ? `, at least ${min / 1000} s` : ''}` });
    return z.NEVER;
  }
  return ms;
});

const rateLimit = z
  .string()
  .regex(/^\d+\/\d+$/, "expected CALLS/SECONDS such as 100/20, or 'off'")
  .transform((v) => {
    const [calls, seconds] = v.split('/').map(Number) as [number, number];
    return { calls, seconds };
  })
  .refine((r) => r.calls > 0 && r.seconds > 0, 'calls and seconds must be positive')
  // Last in the chain: offOr() reads the description of the schema it is given.
  .describe('CALLS/SECONDS with both positive, such as 100/20');

const schema = z
  .object({
    host: z.string().min(1),
    port: int(0).max(65535),
    'data-dir': z.string().min(1),
    'database-url': z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL').optional(),
    demo: bool.default(false),
    'max-processing': int(1),
    'max-queued': int(1),
    'daily-quota-mb': int(0),
    'file-retention-days': z.coerce.number().positive(),
    'rate-limit': offOr(rateLimit),
    'max-concurrent-requests': offOr(int(1).describe('a positive integer')),
    'daily-call-quota': int(0),
    'identity-failure-limit': offOr(rateLimit),
    role: z.enum(['api', 'worker', 'all']),
    'lease-seconds': int(2),
    strict: bool.default(false),
    'allow-query-token': bool.default(false),
    'advanced-extract-filters': onOff,
    'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'emulator-controls': bool.default(false),
    'admin-token': z.string().min(16, 'must be at least 16 characters').optional(),
    tls: bool.default(false),
    'https-port': int(0).max(65535).optional(),
    'tls-cert': z.string().min(1).optional(),
    'tls-key': z.string().min(1).optional(),
    'tls-hosts': certificateNames.optional(),
    'tls-dir': z.string().min(1).optional(),
    timing: z.enum(['fast', 'marketo'], "expected 'fast' or 'marketo'"),
    'marketo-status-refresh': duration(1000),
    'marketo-queue-wait': duration(0),
    'marketo-queue-jitter': duration(0),
    'marketo-rows-per-second': z.coerce.number().positive(),
    'marketo-min-processing': duration(0),
  })
  .refine((c) => c['max-queued'] >= c['max-processing'], {
    message: '--max-queued must be at least --max-processing',
    path: ['max-queued'],
  })
  .refine((c) => !c['emulator-controls'] || c['admin-token'] !== undefined, {
    message: '--emulator-controls needs --admin-token (TIDEMARK_ADMIN_TOKEN)',
    path: ['emulator-controls'],
  })
  // The controls act on this process's clock, faults and scheduler; a split deployment would
  // see them in one process only.
  .refine((c) => !c['emulator-controls'] || c.role === 'all', {
    message: '--emulator-controls needs --role all',
    path: ['emulator-controls'],
  })
  .refine((c) => (c['tls-cert'] === undefined) === (c['tls-key'] === undefined), {
    message: '--tls-cert and --tls-key go together',
    path: ['tls-cert'],
  })
  .refine((c) => c['https-port'] === undefined || c['https-port'] === 0 || c['https-port'] !== c.port, {
    message: '--https-port must differ from --port (which serves HTTP when --https-port is set)',
    path: ['https-port'],
  });

export class ConfigError extends Error {}

/**
 * Builds the serve Config. `flags` holds what commander parsed (camelCase or kebab keys), `env`
 * the process environment.
 * @example loadServeConfig({ port: '0' }, process.env)
 */
export function loadServeConfig(flags: Record<string, unknown>, env: Record<string, string | undefined>): Config {
  const raw: Record<string, unknown> = {};
  for (const [flag, fallback] of SERVE_FLAGS) {
    const camel = flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    const fromFlag = flags[flag] ?? flags[camel];
    const fromEnv = env[envName(flag)] ?? (flag === 'database-url' ? env.DATABASE_URL : undefined);
    const value = fromFlag ?? fromEnv ?? fallback;
    if (value !== undefined) raw[flag] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = String(issue.path[0] ?? '');
    const shown = flag === 'admin-token' ? '<hidden>' : String(raw[flag]); // a secret never goes to a terminal or log
    throw new ConfigError(`invalid --${flag} (${envName(flag)}=${shown}): ${issue.message}`);
  }
  const c = parsed.data;
  return {
    host: c.host,
    port: c.port,
    dataDir: c['data-dir'],
    ...(c['database-url'] ? { databaseUrl: c['database-url'] } : {}),
    demo: c.demo,
    maxProcessing: c['max-processing'],
    maxQueued: c['max-queued'],
    dailyQuotaMb: c['daily-quota-mb'],
    fileRetentionDays: c['file-retention-days'],
    ...(c['rate-limit'] ? { rateLimit: c['rate-limit'] } : {}),
    ...(c['max-concurrent-requests'] ? { maxConcurrentRequests: c['max-concurrent-requests'] } : {}),
    dailyCallQuota: c['daily-call-quota'],
    ...(c['identity-failure-limit'] ? { identityFailureLimit: c['identity-failure-limit'] } : {}),
    role: c.role,
    leaseSeconds: c['lease-seconds'],
    strict: c.strict,
    allowQueryToken: c['allow-query-token'],
    advancedExtractFilters: c['advanced-extract-filters'],
    logLevel: c['log-level'],
    emulatorControls: c['emulator-controls'],
    ...(c['admin-token'] ? { adminToken: c['admin-token'] } : {}),
    tokenTtlSeconds: 3600,
    statusRetentionDays: 30,
    listWindowDays: 7,
    httpTimeoutMs: 120_000,
    ...tlsConfig(c),
    timing: c.timing === 'fast' ? { mode: 'fast' } : {
      mode: 'marketo',
      refreshMs: c['marketo-status-refresh'],
      queueWaitMs: c['marketo-queue-wait'],
      queueJitterMs: c['marketo-queue-jitter'],
      rowsPerSecond: c['marketo-rows-per-second'],
      minProcessingMs: c['marketo-min-processing'],
    },
  };
}

/**
 * Marketo's timing with the documented defaults (MARKETO_TIMING_DEFAULTS) and overrides; for tests.
 * @example defaultConfig({ timing: marketoTiming({ queueJitterMs: 0 }) })
 */
export function marketoTiming(overrides: Partial<Omit<Extract<JobTiming, { mode: 'marketo' }>, 'mode'>> = {}): JobTiming {
  return { mode: 'marketo', ...MARKETO_TIMING_DEFAULTS, ...overrides };
}

type Parsed = z.infer<typeof schema>;

/** HTTPS is on with --tls, and also when a flag that only makes sense with it is given. */
function tlsConfig(c: Parsed): { tls?: TlsConfig } {
  const on = c.tls || c['https-port'] !== undefined || c['tls-cert'] !== undefined;
  if (!on) return {};
  return {
    tls: {
      dir: c['tls-dir'] ?? tlsDir(c['data-dir']),
      ...(c['https-port'] !== undefined ? { httpsPort: c['https-port'] } : {}),
      ...(c['tls-cert'] !== undefined ? { certFile: c['tls-cert'], keyFile: c['tls-key']! } : {}),
      hosts: c['tls-hosts'] ?? [],
    },
  };
}

/**
 * Config for tests and embedding: the defaults with overrides.
 * @example const config = defaultConfig({ dataDir: '/tmp/tm', maxProcessing: 1 })
 */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadServeConfig({}, {}), ...overrides };
}

