/** Wires store, files, scheduler and app; used by `tidemark serve` and by the tests. */
import type { FastifyInstance } from 'fastify';
import { exportDir, sqliteFile, type Config } from '../config/config.js';
import { Scheduler } from '../export/scheduler.js';
import { FsFileStore } from '../files/file-store.js';
import { OffsetClock, systemClock, type Clock } from '../lib/clock.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { EmulatorState } from './emulator-state.js';

export interface Tidemark {
  app: FastifyInstance;
  store: Store;
  scheduler: Scheduler;
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
  const store = await openStore(config.databaseUrl ? { kind: 'postgres', url: config.databaseUrl } : { kind: 'sqlite', file: sqliteFile(config.dataDir) });
  const files = new FsFileStore(exportDir(config.dataDir));
  const scheduler = new Scheduler({
    store, files, clock, log, maxProcessing: config.maxProcessing, fileRetentionDays: config.fileRetentionDays,
    statusRetentionDays: config.statusRetentionDays, pollMs: options.pollMs, leaseMs: config.leaseSeconds * 1000,
    ...(emulator ? { faults: emulator.jobs } : {}),
  });
  const app = buildApp({ config, store, files, scheduler, clock, log, ...(emulator ? { emulator } : {}) });
  // An api-only process leaves exports to the worker processes that share its store.
  if (config.role !== 'api') await scheduler.start();
  let closing: Promise<void> | undefined;
  return {
    app, store, scheduler,
    close: () => (closing ??= (async () => {
      await app.close();
      await scheduler.stop();
      await store.close();
    })()),
  };
}
