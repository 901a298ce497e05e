/** What the PostgreSQL store's data modules (activities, leads) need from the store: queries, transactions, a client for COPY. */
import type pg from 'pg';
import type { Row } from '../row-mappers.js';

export type Client = pg.PoolClient;

export interface PgAccess {
  /** A query on the pinned snapshot client while `inReadSnapshot` runs, else on the pool. */
  q(sql: string, params?: unknown[]): Promise<Row[]>;
  /** The same, each row as an array of its columns (names may repeat across joined tables). */
  arrays(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** Runs `fn` in a transaction on one client. */
  tx<T>(fn: (c: Client) => Promise<T>): Promise<T>;
  /** A client for a COPY: the pinned snapshot client (release does nothing), or one from the pool. */
  acquire(): Promise<{ client: Client; release(): void }>;
}

/**
 * PostgreSQL text cannot hold a NUL byte, and a parameter with one fails the whole query. Nothing
 * stored holds one (ids are generated, imported text is cleaned), so a lookup by such a value
 * (a token or export id from a request) finds nothing, as on SQLite.
 */
export function hasNul(value: string): boolean {
  return value.includes('\0');
}
