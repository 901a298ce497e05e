/**
 * Published export files kept open for a few seconds after use. A ranged download is many short
 * requests for one file; opening and closing it for each cost two thread-pool round trips a
 * request. Safe because a published file never changes: it is only ever removed, and the handler
 * checks that it still exists before every read.
 */
import { open, type FileHandle } from 'node:fs/promises';

const IDLE_MS = 5_000;
const MAX_OPEN = 32;

interface Entry {
  handle: Promise<FileHandle>;
  timer: NodeJS.Timeout;
}

export class OpenFiles {
  private readonly entries = new Map<string, Entry>();

  /** The open handle of `path`, opened on first use; closed after IDLE_MS without use. */
  get(path: string): Promise<FileHandle> {
    let e = this.entries.get(path);
    if (e) {
      e.timer.refresh();
      // Most recently used last, so the first entry is the one to evict.
      this.entries.delete(path);
      this.entries.set(path, e);
      return e.handle;
    }
    if (this.entries.size >= MAX_OPEN) this.close(this.entries.keys().next().value!);
    const handle = open(path, 'r');
    e = { handle, timer: setTimeout(() => this.close(path), IDLE_MS).unref() };
    this.entries.set(path, e);
    handle.catch(() => this.entries.get(path) === e && this.close(path));
    return handle;
  }

  /** Forgets `path`; its handle closes once reads in flight finish. */
  close(path: string): void {
    const e = this.entries.get(path);
    if (!e) return;
    this.entries.delete(path);
    clearTimeout(e.timer);
    e.handle.then((h) => h.close()).catch(() => undefined);
  }

  closeAll(): void {
    for (const path of [...this.entries.keys()]) this.close(path);
  }
}
