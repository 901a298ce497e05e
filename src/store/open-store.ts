import { withUnavailability } from './store-errors.js';
import type { Store, StoreLocation } from './store.js';

/**
 * Opens the backend a location names; worker threads use this to reopen the server's store. Each
 * backend is imported only when used: an export worker thread on SQLite need not load `pg`
 * (8 MB of the thread's memory). Driver errors that mean the store cannot serve now (a full
 * disk, an unreachable server) come out as the domain's StoreUnavailable (store-errors.ts).
 */
export async function openStore(location: StoreLocation, options: { readonly?: boolean } = {}): Promise<Store> {
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
