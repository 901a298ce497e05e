/**
 * Lets a merge follow a download that is still running: the merge reads the bytes the download has
 * written so far and waits for the rest, so the two overlap instead of one waiting for the other.
 * Nothing it reads counts until the download is verified: the file looks complete (EOF) only once
 * the download finished, and if the download breaks off or starts over the reader throws
 * FollowBroken, so the caller can cut what it wrote and merge the finished file instead.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class FollowBroken extends Error {
  constructor() {
    super('the download being merged broke off or started over');
  }
}

/** What a feed knows: bytes written, and whether the download is still running, done or broken. */
export interface FeedNews {
  written: number;
  state: 'running' | 'done' | 'broken';
}

/** How far one download attempt has written its file. */
export class DownloadFeed {
  private written = 0;
  private state: FeedNews['state'] = 'running';
  private waiting: (() => void)[] = [];
  /** Counts changes, so a wait that follows an await can tell whether it missed one. */
  private changes = 0;
  private readonly watchers = new Set<(news: FeedNews) => void>();

  /** downloadExport's onProgress: `bytes` of the file are written. Fewer than before means it started over. */
  progress(bytes: number): void {
    if (bytes < this.written) return this.break();
    this.written = bytes;
    this.wake();
  }

  /** The download finished and was verified: the file holds `bytes`. */
  finish(bytes: number): void {
    this.written = bytes;
    this.state = 'done';
    this.wake();
  }

  /** The download failed (it may be tried again with another feed). */
  break(): void {
    this.state = 'broken';
    this.wake();
  }

  /** Takes news from another feed (the one of a merge in a worker thread follows the main thread's). */
  apply(news: FeedNews): void {
    if (news.state === 'broken') this.break();
    else if (news.state === 'done') this.finish(news.written);
    else this.progress(news.written);
  }

  /**
   * Calls `watcher` with what the feed knows now and after every change; returns the unsubscribe.
   * @example const stop = feed.watch((news) => worker.postMessage(news))
   */
  watch(watcher: (news: FeedNews) => void): () => void {
    this.watchers.add(watcher);
    watcher({ written: this.written, state: this.state });
    return () => this.watchers.delete(watcher);
  }

  /**
   * Reads the file of this download (at `path` once done, `path.part` before) as it grows.
   * @example const src = await feed.follow('w0.csv'); const { bytesRead } = await src.read(buf, 0, buf.length, 0)
   */
  async follow(path: string): Promise<FollowedFile> {
    for (;;) {
      this.check();
      if (this.state === 'done') return new FollowedFile(this, await open(path, 'r'));
      const seen = this.changes;
      if (this.written > 0) {
        // Renamed to `path` meanwhile (done) or removed (broken): the next turn tells which.
        const fh = await open(`${path}.part`, 'r').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return undefined;
          throw err;
        });
        if (fh) return new FollowedFile(this, fh);
      }
      if (this.changes === seen) await this.change();
    }
  }

  /** @internal Bytes known written, and whether that is all. */
  get bytes(): { written: number; done: boolean } {
    this.check();
    return { written: this.written, done: this.state === 'done' };
  }

  /** @internal Resolves at the next progress, finish or break. */
  change(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private check(): void {
    if (this.state === 'broken') throw new FollowBroken();
  }

  private wake(): void {
    this.changes++;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
    for (const watcher of this.watchers) watcher({ written: this.written, state: this.state });
  }
}

/** A FileHandle-like reader that waits for bytes the download has not written yet; EOF once it is done. */
export class FollowedFile {
  constructor(private readonly feed: DownloadFeed, private readonly fh: FileHandle) {}

  async read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }> {
    for (;;) {
      const { written, done } = this.feed.bytes;
      const want = Math.min(length, written - position);
      if (want > 0) {
        const { bytesRead } = await this.fh.read(buffer, offset, want, position);
        // Fewer bytes than were written: the file was cut under us (a download that started over).
        if (bytesRead < want) throw new FollowBroken();
        return { bytesRead };
      }
      if (done) return { bytesRead: 0 };
      await this.feed.change();
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
