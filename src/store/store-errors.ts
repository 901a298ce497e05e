/**
 * Driver errors that mean "the store cannot serve now" become the domain's StoreUnavailable, in
 * one place for every caller of a store (openStore wraps each store it opens). Everything else
 * passes through unchanged.
 */
import { StoreUnavailable } from '../domain/errors.js';
import type { Store } from './store.js';

/** SQLite result codes (better-sqlite3 `code`) and PostgreSQL SQLSTATE classes that are not the caller's fault. */
export function unavailability(err: unknown): StoreUnavailable['reason'] | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY') return 'full';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'busy';
  if (code === '53100') return 'full'; // disk_full
  if (code.startsWith('53') || code === '57P03' || code === '55P03') return 'busy'; // out of memory/connections; cannot connect now; lock not available
  if (code.startsWith('08') || code === '57P01' || code === '57P02') return 'unreachable'; // connection exception; shutdown
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return 'unreachable';
  return undefined;
}

function translated(err: unknown): unknown {
  if (err instanceof StoreUnavailable) return err;
  const reason = unavailability(err) ?? (/Connection terminated/.test(String((err as Error | null)?.message)) ? 'unreachable' : undefined);
  return reason ? new StoreUnavailable(reason, { cause: err }) : err;
}

/** Methods that run the caller's code inside: its errors (an export file's ENOSPC) are not the store's. */
const RUNS_CALLER_CODE = new Set<PropertyKey>(['inReadSnapshot']);

/**
 * The same store, whose methods reject (or throw) StoreUnavailable instead of the driver's error
 * when the store cannot serve now. Iterables (exports) are passed through as they are: an export
 * that fails is a Failed job, not an answer.
 */
export function withUnavailability<S extends Store>(store: S): S {
  // Keyed by the method itself, not its name: a method replaced on the store (a test's fault
  // injection) gets a wrapper of its own.
  const wrapped = new WeakMap<(...a: unknown[]) => unknown, (...a: unknown[]) => unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || RUNS_CALLER_CODE.has(prop)) return value;
      const method = value as (...a: unknown[]) => unknown;
      let fn = wrapped.get(method);
      if (!fn) {
        fn = (...args: unknown[]) => {
          let out: unknown;
          try {
            out = method.apply(target, args);
          } catch (err) {
            throw translated(err);
          }
          return out instanceof Promise ? out.catch((err: unknown) => Promise.reject(translated(err))) : out;
        };
        wrapped.set(method, fn);
      }
      return fn;
    },
  });
}
