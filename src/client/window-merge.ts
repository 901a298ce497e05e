/**
 * Appending one downloaded window to the merged output, in order, dropping rows whose marketoGUID
 * was already written near the previous seam. CSV, TSV and SSV output is copied byte for byte
 * (byte-merge.ts, in a worker thread: merge-thread.ts); NDJSON output needs every row parsed
 * (text-merge.ts).
 */
import { appendWindowInThread } from './merge-thread.js';
import { appendWindowText } from './text-merge.js';
import type { ExportFormat } from './types.js';

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

/**
 * Appends a window file to the output. Blank lines are skipped; a file with no rows adds nothing
 * (not even its header).
 * @example const { rows, nextSeam } = await appendWindow({ file: 'w0.csv', format: 'CSV', out: 'all.csv', output: 'raw', writeHeader: true, seam: new Set(), seamFrom: end - 3600_000 })
 */
export function appendWindow(m: WindowMerge): Promise<WindowMerged> {
  return m.output === 'raw' ? appendWindowInThread(m) : appendWindowText(m);
}
