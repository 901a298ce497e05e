/**
 * Appending one downloaded window to the merged output, in order, dropping rows whose marketoGUID
 * was already written near the previous seam. CSV, TSV and SSV output is copied byte for byte
 * (byte-merge.ts, in a worker thread: merge-thread.ts); NDJSON output needs every row parsed
 * (text-merge.ts).
 */
import { appendWindowInThread } from './merge-thread.js';
import { appendWindowText } from './text-merge.js';
import type { WindowMerge, WindowMerged } from './types.js';

/**
 * Appends a window file to the output. Blank lines are skipped; a file with no rows adds nothing
 * (not even its header).
 * @example const { rows, nextSeam } = await appendWindow({ file: 'w0.csv', format: 'CSV', out: 'all.csv', output: 'raw', writeHeader: true, seam: new Set(), seamFrom: end - 3600_000 })
 */
export function appendWindow(m: WindowMerge): Promise<WindowMerged> {
  return m.output === 'raw' ? appendWindowInThread(m) : appendWindowText(m);
}
