/** File-order keys of an export; shared by every store. */
import type { ExportKey } from './store.js';

/** Whether the key (dateSec, guid) comes after `key` in file order (activityDate, then GUID as a number). */
export function isAfter(dateSec: number, guid: bigint, key: ExportKey): boolean {
  return dateSec > key.dateSec || (dateSec === key.dateSec && guid > BigInt(key.guid));
}
