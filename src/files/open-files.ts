/**
 * Published export files kept open for a few seconds after use. A ranged download is many short
 * requests for one file; opening and closing it for each cost two thread-pool round trips a
 * request. Safe because a published file never changes: it is only ever removed, and the handler
 * checks that it still exists before every read.
 *
 * Reads of an open file are made on the calling thread while they are quick (the file is in the
 * page cache, as a file just exported is): a thread-pool read of a 1 MB range cost more in waiting
 * for the pool's thread than in copying, and a range download is one read a request
 * (docs/performance.md). The first read that takes longer than SLOW_READ_MS (the disk had to be
 * read) sends that file's reads to the thread pool for as long as it stays open, so the event
 * loop waits on a disk at most once per file.
 */
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const IDLE_MS = 5_000;
const MAX_OPEN = 32;
/** A 1 MB read from the page cache takes about 0.1 ms; from a disk, milliseconds. */
export const SLOW_READ_MS = 2;

interface Entry {
  handle: Promise<FileHandle>;
  /** The descriptor, once open, while the entry is live (never read after close: the number may be reused). */
  fd?: number;
  /** A read took longer than SLOW_READ_MS: reads go to the thread pool. */
  slow: boolean;
  timer: NodeJS.Timeout;
}

export class OpenFiles {
  private readonly entries = new Map<string, Entry>();

  /** `slowReadMs`: how long a read may take before the file's reads go to the thread pool. */
  constructor(private readonly slowReadMs = SLOW_READ_MS) {}

  /** The open handle of `path`, opened on first use; closed after IDLE_MS without use. */
  get(path: string): Promise<FileHandle> {
    return this.entry(path).handle;
  }

  /** Reads up to `length` bytes at `position` into `buf`; returns how many. */
  async read(path: string, buf: Buffer, position: number, length: number): Promise<number> {
    const e = this.entry(path);
    if (e.fd === undefined || e.slow) return (await (await e.handle).read(buf, 0, length, position)).bytesRead;
    // Synchronous from here to the end of the read: no close can come between the check above and it.
    const started = performance.now();
    const n = readSync(e.fd, buf, 0, length, position);
    if (performance.now() - started > this.slowReadMs) e.slow = true;
    return n;
  }

  /** How the next read of `path` is made: on this thread, in the thread pool, or not open. */
  readMode(path: string): 'sync' | 'pool' | undefined {
    const e = this.entries.get(path);
    return e && (e.fd === undefined || e.slow ? 'pool' : 'sync');
  }

  /** Forgets `path`; its handle closes once reads in flight finish. */
  close(path: string): void {
    const e = this.entries.get(path);
    if (!e) return;
    this.entries.delete(path);
    delete e.fd;
    clearTimeout(e.timer);
    e.handle.then((h) => h.close()).catch(() => undefined);
  }

  closeAll(): void {
    for (const path of [...this.entries.keys()]) this.close(path);
  }

  private entry(path: string): Entry {
    let e = this.entries.get(path);
    if (e) {
      e.timer.refresh();
      // Most recently used last, so the first entry is the one to evict.
      this.entries.delete(path);
      this.entries.set(path, e);
      return e;
    }
    if (this.entries.size >= MAX_OPEN) this.close(this.entries.keys().next().value!);
    const handle = open(path, 'r');
    const made: Entry = { handle, slow: false, timer: setTimeout(() => this.close(path), IDLE_MS).unref() };
    this.entries.set(path, made);
    handle.then((h) => {
      if (this.entries.get(path) === made) made.fd = h.fd;
    }, () => this.entries.get(path) === made && this.close(path));
    return made;
  }
}
