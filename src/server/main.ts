/** Wires store, files, scheduler and app; used by `tidemark serve` and by the tests. */
import type { FastifyInstance } from 'fastify';
import { exportDir, sqliteFile, type Config } from '../config/config.js';
import { Scheduler } from '../export/scheduler.js';
import { FsFileStore } from '../files/file-store.js';
import { OffsetClock, systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openStore, upgradeNote } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { ConsoleAccess } from './console/console-auth.js';
import { EmulatorState } from './emulator-state.js';
import { closeHttps, createHttpsTwin, listenHttps, logHandshakeFailures, servedCertificate } from './tls/https.js';

export interface Tidemark {
  app: FastifyInstance;
  store: Store;
  scheduler: Scheduler;
  /** Listens on --host/--port, and on --https-port too when set; the URLs, --port's first. */
  listen(): Promise<string[]>;
  /** With --tls and no --tls-cert: the local CA certificate clients must trust. */
  caFile?: string;
  /** What setting up TLS did that the user should hear of (a CA made, a certificate renewed). */
  tlsNotes: string[];
  /** The web console's access (sign-in codes, sessions); present when an admin token is set. */
  console?: ConsoleAccess;
  /** Stops taking requests, lets in-flight ones finish, puts running jobs back in the queue. */
  close(): Promise<void>;
}

export interface CreateOptions {
  clock?: Clock;
  log?: Logger;
  /** Scheduler poll interval; tests shorten it. */
  pollMs?: number;
}

/**
 * A running Tidemark: the store opened, the export scheduler started, the HTTP app built (call
 * `app.listen` to serve it). `tidemark serve` is this plus a listen; tests and programs that embed
 * Tidemark use it directly.
 * @example
 * const tm = await createTidemark(defaultConfig({ dataDir: './tidemark-data', port: 0 }));
 * const url = await tm.app.listen({ host: '127.0.0.1', port: 0 });
 * await tm.close();
 */
export async function createTidemark(config: Config, options: CreateOptions = {}): Promise<Tidemark> {
  // With the emulator controls the clock can travel: the system clock plus an offset that grows.
  const clock = options.clock ?? (config.emulatorControls ? new OffsetClock() : systemClock);
  const emulator = config.emulatorControls ? new EmulatorState(clock) : undefined;
  const log = options.log ?? createLogger(config.logLevel);
  // First, so a certificate that cannot be served stops the start before the store is opened.
  const tlsNotes: string[] = [];
  // Certificates are dated by the real clock: clients check them against theirs, not the emulator's.
  const served = config.tls && config.role !== 'worker' ? await servedCertificate(config.tls, config.host, Date.now(), { notes: tlsNotes }) : undefined;
  const store = await openStore(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', file: sqliteFile(config.dataDir) }, {
    onUpgrade: (upgrade) => log.info(upgrade, `${upgradeNote(upgrade)}; the server starts when it is done`),
  });
  const files = new FsFileStore(exportDir(config.dataDir));
  const scheduler = new Scheduler({
    store, files, clock, log, maxProcessing: config.maxProcessing, fileRetentionDays: config.fileRetentionDays,
    statusRetentionDays: config.statusRetentionDays, pollMs: options.pollMs, leaseMs: config.leaseSeconds * 1000,
    ...(emulator ? { faults: emulator.jobs } : {}), timing: config.timing,
  });
  // The console is on whenever there is an admin token to sign in with (docs/console.md).
  const consoleAccess = config.adminToken && config.role !== 'worker' ? new ConsoleAccess(config.adminToken) : undefined;
  const both = served !== undefined && config.tls?.httpsPort !== undefined;
  const app = buildApp({
    config, store, files, scheduler, clock, log, ...(emulator ? { emulator } : {}),
    ...(served && !both ? { https: served } : {}), ...(consoleAccess ? { console: consoleAccess } : {}),
  });
  const https = both ? createHttpsTwin(app, served, log) : undefined;
  if (served && !both) logHandshakeFailures(app.server, log);
  // An api-only process leaves exports to the worker processes that share its store.
  if (config.role !== 'api') await scheduler.start();
  let closing: Promise<void> | undefined;
  return {
    app, store, scheduler, tlsNotes, ...(served?.caFile ? { caFile: served.caFile } : {}),
    ...(consoleAccess ? { console: consoleAccess } : {}),
    listen: () => listenAll(app, config, https),
    close: () => (closing ??= (async () => {
      await Promise.all([app.close(), https ? closeHttps(https) : undefined]);
      await scheduler.stop();
      await store.close();
    })()),
  };
}

async function listenAll(app: FastifyInstance, config: Config, https: ReturnType<typeof createHttpsTwin> | undefined): Promise<string[]> {
  const urls = [await app.listen({ host: config.host, port: config.port })];
  if (https) {
    urls.push(await listenHttps(https, config.host, config.tls!.httpsPort!));
    app.log.info(`Server listening at ${urls[1]}`); // as Fastify logs its own listener
  }
  return urls;
}
