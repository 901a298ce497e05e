/**
 * The window merge that parses every record (CsvReader): needed for NDJSON output, where each row
 * becomes a JSON object. For raw output byte-merge.ts does the same job without the strings; this
 * is also the reference its tests compare it with.
 */
import { appendFile } from 'node:fs/promises';
import { readExportRecords, toRow } from '../files/rows.js';
import type { WindowMerge, WindowMerged } from './types.js';

/** @example const merged = await appendWindowText({ ...merge, output: 'ndjson' }) */
export async function appendWindowText(m: WindowMerge): Promise<WindowMerged> {
  const nextSeam: string[] = [];
  let buf = '';
  let rows = 0;
  let duplicates = 0;
  let wroteHeader = !m.writeHeader;
  for await (const { header, record, headerRaw } of readExportRecords(m.file, m.format)) {
    if (!wroteHeader) {
      buf += headerRaw;
      wroteHeader = true;
    }
    const guid = record.fields[header.indexOf('marketoGUID')];
    if (guid !== undefined) {
      if (m.seam.has(guid)) {
        duplicates++;
        continue;
      }
      const date = Date.parse(record.fields[header.indexOf('activityDate')] ?? '');
      if (!(date < m.seamFrom)) nextSeam.push(guid);
    }
    buf += m.output === 'ndjson' ? JSON.stringify(toRow(header, record)) + '\n' : record.raw;
    rows++;
    if (buf.length > 1 << 20) {
      await appendFile(m.out, buf);
      buf = '';
    }
  }
  if (buf) await appendFile(m.out, buf);
  return { rows, duplicates, nextSeam };
}
