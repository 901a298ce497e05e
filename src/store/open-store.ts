import { withUnavailability } from './store-errors.js';
import type { Store, StoreLocation, StoreUpgrade } from './store.js';

/**
 * Opens the backend a location names; worker threads use this to reopen the server's store. Each
 * backend is imported only when used: an export worker thread on SQLite need not load `pg`
 * (8 MB of the thread's memory). Driver errors that mean the store cannot serve now (a full
 * disk, an unreachable server) come out as the domain's StoreUnavailable (store-errors.ts).
 */
export async function openStore(location: StoreLocation, options: { readonly?: boolean; onUpgrade?: (upgrade: StoreUpgrade) => void } = {}): Promise<Store> {
  switch (location.kind) {
    case 'sqlite': {
      const { SqliteStore } = await import('./sqlite/sqlite-store.js');
      return withUnavailability(new SqliteStore(location.file, options));
    }
    case 'postgres': {
      const { PostgresStore } = await import('./postgres/postgres-store.js');
      // A worker thread needs one connection; a server a small pool.
      return withUnavailability(new PostgresStore(location.url, { poolSize: options.readonly ? 1 : 10 }));
    }
  }
}

/**
 * What a user is told before an older store is upgraded: a long pause at start is otherwise a
 * mystery (the file-text columns rewrite every activity, about 10 s a million on the bench machine).
 */
export function upgradeNote(u: StoreUpgrade): string {
  const seconds = Math.ceil((u.activities / 1e6) * 10);
  return `upgrading the store from schema ${u.fromVersion} to ${u.toVersion} (${u.activities.toLocaleString('en-US')} activities; ` +
    `once only${u.activities >= 1e6 ? `, about ${seconds} s` : ''})`;
}
