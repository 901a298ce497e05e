import type { Store, StoreLocation } from './store.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

/** Opens the backend a location names; worker threads use this to reopen the server's store. */
export async function openStore(location: StoreLocation, options: { readonly?: boolean } = {}): Promise<Store> {
  switch (location.kind) {
    case 'sqlite':
      return new SqliteStore(location.file, options);
    case 'postgres':
      throw new Error('The PostgreSQL store is not available yet (--database-url); use the embedded store.');
  }
}
