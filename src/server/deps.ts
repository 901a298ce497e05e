import type { Config } from '../config/config.js';
import type { Scheduler } from '../export/scheduler.js';
import type { FileStore } from '../files/file-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import type { ConsoleAccess } from './console/console-auth.js';
import type { EmulatorState } from './emulator-state.js';

/** Everything the HTTP app needs, built by main.ts (or by a test). */
export interface AppDeps {
  config: Config;
  store: Store;
  files: FileStore;
  scheduler: Scheduler;
  clock: Clock;
  log: Logger;
  /** Present with --emulator-controls: the state the /tidemark/v1/emulator routes change. */
  emulator?: EmulatorState;
  /** With `serve --tls` on one port: the server is HTTPS with this certificate (PEM). */
  https?: { key: string; cert: string };
  /** Present when an admin token is set: who may use the web console (/console/, docs/console.md). */
  console?: ConsoleAccess;
}
