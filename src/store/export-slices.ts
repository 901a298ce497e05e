/** Cutting an export into slices by file-order keys; shared by every store. */
import type { ExportKey, PlannedSlice } from './store.js';

/**
 * The slices of `rows` rows between consecutive cut keys (before the first, between each pair,
 * after the last); `offsets` are the row numbers of the cut keys, as `cutOffsets` gave them.
 */
export function slicesBetween(cuts: readonly ExportKey[], offsets: readonly number[], rows: number): PlannedSlice[] {
  if (cuts.length === 0) return [{ rows }];
  const ends = [...offsets, rows - 1];
  return ends.map((end, i) => ({
    ...(i > 0 ? { after: cuts[i - 1] } : {}),
    ...(i < cuts.length ? { upTo: cuts[i] } : {}),
    rows: end - (i > 0 ? offsets[i - 1]! : -1),
  }));
}

/** How many parts a selection of `rows` rows is worth: at most `parts`, each at least `minRowsPerPart`. */
export function partsFor(rows: number, parts: number, minRowsPerPart: number): number {
  return Math.max(1, Math.min(parts, Math.floor(rows / minRowsPerPart)));
}

/** The row numbers (0-based, in file order) that end each slice but the last. */
export function cutOffsets(rows: number, parts: number): number[] {
  return Array.from({ length: parts - 1 }, (_, i) => Math.floor((rows * (i + 1)) / parts) - 1);
}

/** Whether the key (dateSec, guid) comes after `key` in file order (activityDate, then GUID as a number). */
export function isAfter(dateSec: number, guid: bigint, key: ExportKey): boolean {
  return dateSec > key.dateSec || (dateSec === key.dateSec && guid > BigInt(key.guid));
}
