/** Synchronous file writing for export workers: lines in, bytes counted and hashed. */
import type { Hash } from 'node:crypto';
import { fdatasync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { LineChunk } from '../store/store.js';

// Chunks arrive as Buffers whose bytes live outside the JS heap, behind tiny JS objects, so the
// young generation rarely fills and V8 lets ~64 MB of spent chunks pile up per thread before it
// collects (docs/performance.md). A full collection of a worker's small heap every few MB keeps
// the thread's memory flat for a few ms per export. `--expose-gc` only puts `gc` into contexts
// made after it is set, such as this one.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const COLLECT_EVERY_BYTES = 8 << 20;

// The file must be on disk before the job says Completed, and an fsync of 500 MB at the end
// took 0.45 s of a 2 s export. Flushing what is written so far in the background (libuv's
// thread pool) every few tens of MB overlaps the disk with the work; the fsync at the end then
// has little left (docs/performance.md). One flush at a time, so the pool stays free for the
// server's own file work.
const FLUSH_EVERY_BYTES = 32 << 20;

export class LineWriter {
  bytes = 0;
  records = 0;
  private sinceCollect = 0;
  private sinceFlush = 0;
  private flushing?: Promise<void>;

  constructor(private readonly fd: number, private readonly hash: Hash) {}

  write(buf: Uint8Array): void {
    this.hash.update(buf);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.bytes += buf.length;
    this.sinceFlush += buf.length;
    if (this.sinceFlush >= FLUSH_EVERY_BYTES && !this.flushing) this.flushInBackground();
  }

  writeChunk(chunk: LineChunk): void {
    this.write(chunk.bytes);
    this.records += chunk.rows;
    this.sinceCollect += chunk.bytes.length;
    if (this.sinceCollect > COLLECT_EVERY_BYTES) {
      collectGarbage();
      this.sinceCollect = 0;
    }
  }

  async writeChunks(chunks: AsyncIterable<LineChunk>): Promise<void> {
    for await (const chunk of chunks) this.writeChunk(chunk);
  }

  /** Resolves once no background flush is running: the file may then be synced and closed. */
  async settled(): Promise<void> {
    await this.flushing;
  }

  private flushInBackground(): void {
    this.sinceFlush = 0;
    // A failed flush is not reported here: the fsync at the end fails the export instead.
    this.flushing = new Promise<void>((resolve) => fdatasync(this.fd, () => resolve())).then(() => {
      this.flushing = undefined;
    });
  }
}
