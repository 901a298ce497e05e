import type { Store } from '../../store/store.js';

const MAX_ENTRIES = 10_000;

/**
 * A store read by key, kept while the store's `readVersion` stays the same (SQLite). The version
 * moves with every write to the store, by this process or any other (`tidemark users disable`,
 * `import`, another server), so a kept value is always what the read would answer now, as if
 * nothing were kept. Each read asks for the version (one cheap statement) instead of the
 * look-up itself. Where the store has no version (PostgreSQL), every read goes to the store.
 *
 * Only values found are kept (unknown keys cannot fill the cache); callers must not change them.
 */
export function readCache<V>(store: Store, load: (key: string) => Promise<V | undefined>): (key: string) => Promise<V | undefined> {
  if (!store.readVersion) return load;
  let version: string | undefined;
  const kept = new Map<string, V>();
  return async (key) => {
    const now = store.readVersion!();
    if (now !== version) {
      kept.clear();
      version = now;
    }
    const hit = kept.get(key);
    if (hit !== undefined) return hit;
    const value = await load(key);
    // Kept under the version read before loading, unless another read has seen a newer one
    // meanwhile. Versions only grow: a value read partly after a write is never served.
    if (value !== undefined && version === now) {
      if (kept.size >= MAX_ENTRIES) kept.clear();
      kept.set(key, value);
    }
    return value;
  };
}
