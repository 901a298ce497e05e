/**
 * Downloads an export file to disk: streamed (never held in memory), resumed by Range after a
 * dropped connection, and verified against `fileChecksum` before it is given its final name.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { MarketoClient } from '../api/client.js';
import { MarketoTransportError } from '../api/errors.js';

/**
 * Bytes gathered before a write. Socket chunks are ~16-128 KiB; writing each with its own await
 * (and progress event) cost more than the bytes themselves.
 */
const WRITE_BYTES = 1 << 20;

export interface DownloadOptions {
  /** From the job's status; fetched when not given. */
  fileSize?: number;
  fileChecksum?: string;
  /** Called as bytes reach the file (about every MiB): `bytes` of it are written. */
  onProgress?: (bytes: number, total: number) => void;
  /** Resumes allowed after dropped connections (default 10). */
  maxResumes?: number;
  signal?: AbortSignal;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  checksum: string;
  /** How many times the download resumed by Range. */
  resumes: number;
}

/**
 * Downloads a Completed job's file to `dest`: streamed to `dest.part`, resumed by Range after a
 * dropped connection, verified against `fileSize` and `fileChecksum`, then renamed to `dest`.
 * @example
 * const { bytes } = await downloadExport(client, exportId, './march.csv', { onProgress: (b, t) => console.log(b, t) })
 */
export async function downloadExport(client: MarketoClient, exportId: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  let { fileSize, fileChecksum } = options;
  if (fileSize === undefined || fileChecksum === undefined) {
    const job = await client.exportStatus(exportId);
    if (job.status !== 'Completed') throw new MarketoTransportError(`export ${exportId} is ${job.status}, not Completed`);
    fileSize = job.fileSize ?? 0;
    fileChecksum = job.fileChecksum;
  }
  const part = `${dest}.part`;
  let have = await sizeOf(part);
  if (have > fileSize) {
    await rm(part, { force: true });
    have = 0;
  }
  let hash = createHash('sha256');
  if (have > 0) await hashFile(part, hash);
  let resumes = 0;
  const path = `/bulk/v1/activities/export/${encodeURIComponent(exportId)}/file.json`;

  while (have < fileSize || !(await exists(part))) {
    options.signal?.throwIfAborted();
    const res = await client.rawRequest('GET', path, have > 0 ? { Range: `bytes=${have}-` } : {}, options.signal);
    if (res.status === 404) {
      // The window will be run again as a new job: bytes of this one must not be resumed into it.
      await rm(part, { force: true });
      throw new MarketoTransportError(`export file ${exportId} is not available (expired, cancelled or not Completed)`, 404);
    }
    if (res.status !== 200 && res.status !== 206) throw new MarketoTransportError(`file download answered HTTP ${res.status}`, res.status);
    if (res.status === 200) {
      // A whole file (first request, or a server that ignored the Range): start from zero.
      have = 0;
      hash = createHash('sha256');
    }
    const fh = await open(part, res.status === 206 ? 'a' : 'w');
    const cause = await appendBody(res, fh, (chunks, n) => {
      for (const c of chunks) hash.update(c);
      have += n;
      options.onProgress?.(have, fileSize!);
    }, options.signal);
    // A dropped connection, or a body that ended early without an error (a proxy closed it
    // cleanly): resume by Range. Counting both keeps a server that always cuts short from looping forever.
    if ((cause !== undefined || have < fileSize) && ++resumes > (options.maxResumes ?? 10)) {
      throw new MarketoTransportError(`download of ${exportId} kept failing after ${resumes - 1} resumes`, undefined, cause);
    }
  }
  const checksum = `sha256:${hash.digest('hex')}`;
  if (have !== fileSize || (fileChecksum && checksum !== fileChecksum)) {
    await rm(part, { force: true });
    throw new MarketoTransportError(`download of ${exportId} does not match the job: got ${have} bytes ${checksum}, expected ${fileSize} bytes ${fileChecksum}`);
  }
  await rename(part, dest);
  return { path: dest, bytes: have, checksum, resumes };
}

/**
 * Appends a response body to `fh` and closes it. Chunks are gathered into one write, which runs
 * while the next ones arrive; `written` is told of bytes once they are in the file, where a resume
 * continues from. Returns the error that cut the body or a write short (undefined when it ended);
 * an abort is thrown.
 */
async function appendBody(res: Response, fh: FileHandle, written: (chunks: Uint8Array[], bytes: number) => void, signal?: AbortSignal): Promise<unknown> {
  let cause: unknown;
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  let writing = Promise.resolve();
  const flush = () => {
    const chunks = batch;
    const n = batchBytes;
    batch = [];
    batchBytes = 0;
    writing = writing.then(async () => {
      await fh.writev(chunks);
      written(chunks, n);
    });
  };
  try {
    if (!res.body) throw new MarketoTransportError('file download had no body');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      batch.push(chunk);
      batchBytes += chunk.byteLength;
      if (batchBytes >= WRITE_BYTES) {
        await writing;
        flush();
      }
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    cause = err;
  } finally {
    // Bytes that arrived before a cut are kept: the resume asks for what follows them.
    if (batchBytes > 0) flush();
    // A failed write is handled like a dropped connection: resumed from the bytes counted.
    await writing.catch((err: unknown) => {
      cause ??= err;
    });
    await fh.close();
  }
  return cause;
}

async function sizeOf(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch {
    return 0;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function hashFile(p: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
}
