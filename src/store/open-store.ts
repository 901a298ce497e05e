import type { Store, StoreLocation } from './store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Opens the backend a location names; worker threads use this to reopen the server's store. */
export async function openStore(location: StoreLocation, options: { readonly?: boolean } = {}): Promise<Store> {
  switch (location.kind) {
    case 'sqlite':
      return new SqliteStore(location.file, options);
    case 'postgres':
      // A worker thread needs one connection; a server a small pool.
      return new PostgresStore(location.url, { poolSize: options.readonly ? 1 : 10 });
  }
}
