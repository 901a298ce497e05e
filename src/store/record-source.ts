/**
 * What an import reads: records one at a time (a demo day's array, a generator), or in batches as
 * a file reader produces them. Batches matter for speed: passing a million records one by one
 * through a few async generators cost about 2 s of the import's CPU (docs/performance.md), where
 * a batch costs what one record did.
 */

/** Records, or arrays of records (each array a batch, in order), or a plain iterable of records. */
export type RecordSource<T> = AsyncIterable<T | readonly T[]> | Iterable<T>;

/**
 * The records of `source` in order, in batches of at least `size` (the last may be smaller);
 * small batches are joined, and a plain iterable is read without awaiting each record.
 * @example for await (const batch of batchesOf(records, 10_000)) insertAll(batch)
 */
export async function* batchesOf<T>(source: RecordSource<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  if (Symbol.iterator in source) {
    for (const r of source) {
      batch.push(r);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  } else {
    for await (const item of source) {
      if (Array.isArray(item)) {
        for (const r of item as readonly T[]) batch.push(r);
      } else batch.push(item as T);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
