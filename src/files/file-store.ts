/**
 * Export file bytes, kept apart from job metadata. The export worker writes `tempPath(id)` and
 * `commit` renames it into place, so a reader never sees a partial file.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OpenFiles } from './open-files.js';

export interface FileStore {
  /**
   * Where a running export writes; invisible to readers until `commit`. `tag` names the attempt,
   * so a stale worker and the one that took its job over never write the same file.
   */
  tempPath(exportId: string, tag: string): string;
  /** Atomically publishes the finished temp file. */
  commit(exportId: string, tag: string): void;
  /** Removes an attempt's temp files. */
  discard(exportId: string, tag: string): void;
  /** Size in bytes of a published file, or undefined when there is none. */
  size(exportId: string): number | undefined;
  /** Reads up to `length` bytes of a published file at `position` into `buf`; returns how many. */
  readAt(exportId: string, buf: Buffer, position: number, length: number): Promise<number>;
  /** Removes a published file. */
  remove(exportId: string): void;
  /** Removes temp files left by a crash; returns how many. */
  removeTemps(): number;
  /** Every published and temp export file there is now, by the job and attempt it belongs to. */
  list(): StoredFile[];
  /** Removes a file `list` named (a published one is closed for readers first). */
  removeListed(file: StoredFile): void;
  /** Removes every published and temp file (the emulator's reset); returns how many were published. */
  clear(): number;
}

/** A file of the export directory: a published export (no tag) or an attempt's temp file. */
export interface StoredFile {
  exportId: string;
  /** The attempt that writes it; absent for a published file. */
  tag?: string;
  /** The file's name in the directory. */
  name: string;
}

const ID = /^[0-9a-f-]{36}$/;
/**
 * `<id>.export` or `<id>.export.<tag>.part`, as `path` and `tempPath` make them; also
 * `<id>.export.<tag>.<n>.part`, the slice scratch files of earlier versions, so the sweep removes them.
 */
const FILE_NAME = /^([0-9a-f-]{36})\.export(?:\.([A-Za-z0-9-]{1,40})(?:\.\d+)?\.part)?$/;

export class FsFileStore implements FileStore {
  private readonly open = new OpenFiles();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private path(exportId: string): string {
    // Ids come from URLs; only ever turn a UUID into a path.
    if (!ID.test(exportId)) throw new Error(`not an export id: ${exportId}`);
    return join(this.dir, `${exportId}.export`);
  }

  tempPath(exportId: string, tag: string): string {
    if (!/^[A-Za-z0-9-]{1,40}$/.test(tag)) throw new Error(`not an attempt tag: ${tag}`);
    return `${this.path(exportId)}.${tag}.part`;
  }

  commit(exportId: string, tag: string): void {
    renameSync(this.tempPath(exportId, tag), this.path(exportId));
  }

  discard(exportId: string, tag: string): void {
    rmSync(this.tempPath(exportId, tag), { force: true });
  }

  size(exportId: string): number | undefined {
    if (!ID.test(exportId)) return undefined;
    try {
      return statSync(this.path(exportId)).size;
    } catch {
      return undefined;
    }
  }

  readAt(exportId: string, buf: Buffer, position: number, length: number): Promise<number> {
    return this.open.read(this.path(exportId), buf, position, length);
  }

  remove(exportId: string): void {
    this.open.close(this.path(exportId));
    rmSync(this.path(exportId), { force: true });
  }

  list(): StoredFile[] {
    const out: StoredFile[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = FILE_NAME.exec(name);
      if (m) out.push({ exportId: m[1]!, ...(m[2] ? { tag: m[2] } : {}), name });
    }
    return out;
  }

  removeListed(file: StoredFile): void {
    if (!FILE_NAME.test(file.name)) throw new Error(`not an export file: ${file.name}`);
    if (file.tag === undefined) this.open.close(this.path(file.exportId));
    rmSync(join(this.dir, file.name), { force: true });
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

  clear(): number {
    this.open.closeAll();
    let n = 0;
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.export') && !name.endsWith('.part')) continue;
      rmSync(join(this.dir, name), { force: true });
      if (name.endsWith('.export')) n++;
    }
    return n;
  }
}
