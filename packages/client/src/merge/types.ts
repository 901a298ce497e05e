/**
 * What a window merge is given and what it answers. A leaf: the merges (byte-merge.ts,
 * text-merge.ts), the worker thread that runs one (merge-thread.ts, merge-worker.ts) and the
 * dispatch (window-merge.ts) all import these types and nothing imports back.
 */
import type { ExportFormat } from '../api/types.js';

export interface WindowMerge {
  /** The window's downloaded export file. */
  file: string;
  /** The file's format. */
  format: ExportFormat;
  /** The merged output, appended to. */
  out: string;
  /** Rows as the file has them, or as NDJSON (one parsed row a line). */
  output: 'raw' | 'ndjson';
  /** Whether the output still needs a header: the file's header goes in before its first row. */
  writeHeader: boolean;
  /** GUIDs written near the previous seam; rows with one of them are dropped. */
  seam: ReadonlySet<string>;
  /** Rows dated at or after this instant (epoch ms), or not dated at all, are near the next seam. */
  seamFrom: number;
}

export interface WindowMerged {
  rows: number;
  duplicates: number;
  /** GUIDs of the rows written near the next seam, in file order. */
  nextSeam: string[];
}

/** What the merge worker thread is given (a Set does not cross threads, so the seam is a list). */
export interface MergeJob {
  merge: Omit<WindowMerge, 'seam'> & { seam: string[] };
  /** Whether a download is still writing `merge.file` (its news arrive as messages). */
  follow: boolean;
}

/** What the merge worker answers, once. */
export type MergeReply = { result: WindowMerged } | { broken: true } | { error: string };
