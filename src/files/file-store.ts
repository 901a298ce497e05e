/**
 * Export file bytes, kept apart from job metadata. The export worker writes `tempPath(id)` and
 * `commit` renames it into place, so a reader never sees a partial file.
 */
import { createReadStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface FileStore {
  /** Where a running export writes; invisible to readers until `commit`. */
  tempPath(exportId: string): string;
  /** Atomically publishes the finished temp file. */
  commit(exportId: string): void;
  /** Size in bytes of a published file, or undefined when there is none. */
  size(exportId: string): number | undefined;
  /** Streams bytes `start..end` inclusive of a published file. */
  read(exportId: string, start: number, end: number): Readable;
  /** Removes a published file and any temp file of the job. */
  remove(exportId: string): void;
  /** Removes temp files left by a crash; returns how many. */
  removeTemps(): number;
}

const ID = /^[0-9a-f-]{36}$/;

export class FsFileStore implements FileStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(exportId: string): string {
    // Ids come from URLs; only ever turn a UUID into a path.
    if (!ID.test(exportId)) throw new Error(`not an export id: ${exportId}`);
    return join(this.dir, `${exportId}.export`);
  }

  tempPath(exportId: string): string {
    return `${this.path(exportId)}.part`;
  }

  commit(exportId: string): void {
    renameSync(this.tempPath(exportId), this.path(exportId));
  }

  size(exportId: string): number | undefined {
    if (!ID.test(exportId)) return undefined;
    try {
      return statSync(this.path(exportId)).size;
    } catch {
      return undefined;
    }
  }

  read(exportId: string, start: number, end: number): Readable {
    return createReadStream(this.path(exportId), { start, end, highWaterMark: 1 << 20 });
  }

  remove(exportId: string): void {
    rmSync(this.path(exportId), { force: true });
    rmSync(this.tempPath(exportId), { force: true });
  }

  removeTemps(): number {
    let n = 0;
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.part')) {
        rmSync(join(this.dir, name), { force: true });
        n++;
      }
    }
    return n;
  }
}
