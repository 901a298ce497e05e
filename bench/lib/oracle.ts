/**
 * The byte-exact check: the plain TypeScript formatter (src/domain/file-format.ts) over
 * store.exportRows, hashed; an export file is right when its checksum equals this one.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { validateActivityExportRequest, type ActivityExportRequest } from '../../src/domain/export-request.js';
import { formatHeader, formatRow } from '../../src/domain/file-format.js';
import type { Store } from '../../src/store/store.js';
import { iso } from './server.js';

export function csvRequest(window: { start: number; end: number }): ActivityExportRequest {
  return validateActivityExportRequest({ format: 'CSV', filter: { createdAt: { startAt: iso(window.start), endAt: iso(window.end) } } });
}

/** sha256 (as `sha256:<hex>`), size and line count of `header` followed by `lines`, hashed a MB at a time. */
export async function hashLines(header: string, lines: AsyncIterable<string>): Promise<{ checksum: string; bytes: number; rows: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let rows = 0;
  let buf = header;
  const flush = () => {
    const b = Buffer.from(buf, 'utf8');
    hash.update(b);
    bytes += b.length;
    buf = '';
  };
  for await (const line of lines) {
    buf += line;
    rows++;
    if (buf.length > 1 << 20) flush();
  }
  flush();
  return { checksum: `sha256:${hash.digest('hex')}`, bytes, rows };
}

/** sha256 (as `sha256:<hex>`) and size of the file the formatter writes for `request`. */
export async function oracleChecksum(store: Store, request: ActivityExportRequest): Promise<{ checksum: string; bytes: number; rows: number }> {
  async function* lines() {
    for await (const a of store.exportRows(request.filter)) yield formatRow(a, request.fields, request.format);
  }
  return hashLines(formatHeader(request), lines());
}

/** sha256 of `prefix` followed by a file's bytes: a reference tool's output behind Tidemark's header line. */
export async function fileChecksum(path: string, prefix = ''): Promise<string> {
  const hash = createHash('sha256');
  hash.update(prefix);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}
