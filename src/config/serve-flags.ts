/**
 * The serve flags and where the data dir keeps things, apart from the zod schema (config.ts) so
 * that every other command starts without loading zod (docs/performance.md).
 */
import { join } from 'node:path';

/** The serve flags: name, default, and help; `npx tidemark serve --help` and docs/config.md show the same. */
export const SERVE_FLAGS = [
  ['host', '127.0.0.1', 'interface to listen on'],
  ['port', '3000', 'port to listen on; 0 picks a free port'],
  ['data-dir', './tidemark-data', 'embedded store and export files'],
  ['database-url', undefined, 'postgres://...: use PostgreSQL instead of the embedded store (read as DATABASE_URL too)'],
  ['demo', undefined, 'on first start with an empty store, generate demo data and a demo API user; print a one-time console sign-in link'],
  ['max-processing', '2', 'jobs Processing at once'],
  ['max-queued', '10', 'jobs Queued + Processing at once'],
  ['daily-quota-mb', '500', 'daily export quota in MB (0 = unlimited)'],
  ['file-retention-days', '7', 'how long export files are kept'],
  ['rate-limit', '100/20', "calls per seconds per subscription ('off' to disable)"],
  ['max-concurrent-requests', '10', "requests in flight ('off' to disable)"],
  ['daily-call-quota', '50000', 'calls per day (0 = unlimited)'],
  ['identity-failure-limit', '30/60', "failed identity calls per client id and per address in SECONDS before HTTP 429 ('off' to disable)"],
  ['role', 'all', 'api (HTTP only), worker (exports only) or all'],
  ['lease-seconds', '30', 'how long a worker holds a Processing job without renewing; a dead worker loses its jobs after this'],
  ['strict', undefined, "reject datetimes with milliseconds, as Marketo's docs say"],
  ['allow-query-token', undefined, 'accept the access_token query parameter, which Marketo removed on 2026-08-31 (refused by default: 601)'],
  ['advanced-extract-filters', 'on', "on: lead updatedAt and smart list filters and program member updatedAt work; off: they answer 1035, as for a subscription without them"],
  ['log-level', 'info', 'fatal, error, warn, info, debug, trace or silent'],
  ['emulator-controls', undefined, 'serve the emulator controls under /tidemark/v1 (clock travel, faults, reset); needs --admin-token'],
  ['admin-token', undefined, 'the bearer token the emulator controls require, at least 16 characters; also turns on the web console at /console/ (prefer the variable: argv is visible to ps)'],
  ['tls', undefined, 'serve HTTPS on --port with a certificate from a local CA (`tidemark ca` prints its path)'],
  ['https-port', undefined, 'serve HTTP on --port and HTTPS on this port (implies --tls; 0 picks a free port)'],
  ['tls-cert', undefined, 'your own server certificate, PEM (chain allowed), instead of the local CA; needs --tls-key; implies --tls'],
  ['tls-key', undefined, 'the private key of --tls-cert, PEM'],
  ['tls-hosts', undefined, 'more names or IPs for the generated certificate, comma-separated (*.example.com allowed)'],
  ['tls-dir', undefined, 'where the local CA and the generated certificate live (default: <data-dir>/tls)'],
  ['timing', 'fast', "fast: jobs start when a slot is free and status shows each change at once; marketo: Marketo's timing (status refreshes once a minute, queue wait, processing time by rows; docs/timing.md)"],
  ['marketo-status-refresh', '60s', 'with --timing marketo: status and its fields change at most this often'],
  ['marketo-queue-wait', '60s', 'with --timing marketo: a queued job waits at least this long before it starts'],
  ['marketo-queue-jitter', '120s', 'with --timing marketo: up to this much more queue wait, fixed per export id'],
  ['marketo-rows-per-second', '30', 'with --timing marketo: processing takes rows / this many seconds...'],
  ['marketo-min-processing', '20m', '...but at least this long (with --timing marketo)'],
] as const;

/** Flags that take a value but have no default. */
const VALUE_FLAGS = new Set(['database-url', 'admin-token', 'https-port', 'tls-cert', 'tls-key', 'tls-hosts', 'tls-dir']);
/** True when `--flag` takes a value (otherwise it is a switch). */
export const takesValue = (flag: string, fallback: string | undefined): boolean => fallback !== undefined || VALUE_FLAGS.has(flag);

export const envName = (flag: string): string => `TIDEMARK_${flag.toUpperCase().replaceAll('-', '_')}`;

export const sqliteFile = (dataDir: string): string => join(dataDir, 'tidemark.sqlite');
export const exportDir = (dataDir: string): string => join(dataDir, 'exports');
export const tlsDir = (dataDir: string): string => join(dataDir, 'tls');
