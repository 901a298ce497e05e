/** Synchronous file writing for export workers: lines in, bytes counted and optionally hashed. */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Chunks arrive as Buffers whose bytes live outside the JS heap, behind tiny JS objects, so the
// young generation rarely fills and V8 lets ~64 MB of spent chunks pile up per thread before it
// collects (docs/performance.md). A full collection of a worker's small heap every few MB keeps
// the thread's memory flat for a few ms per export. `--expose-gc` only puts `gc` into contexts
// made after it is set, such as this one.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const COLLECT_EVERY_BYTES = 8 << 20;
import type { LineChunk } from '../store/store.js';

export class LineWriter {
  bytes = 0;
  records = 0;

  constructor(private readonly fd: number, private readonly hash?: Hash) {}

  write(buf: Buffer): void {
    this.hash?.update(buf);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.bytes += buf.length;
  }

  async writeChunks(chunks: AsyncIterable<LineChunk>): Promise<void> {
    let since = 0;
    for await (const chunk of chunks) {
      this.write(chunk.bytes);
      this.records += chunk.rows;
      since += chunk.bytes.length;
      if (since > COLLECT_EVERY_BYTES) {
        collectGarbage();
        since = 0;
      }
    }
  }

  /** Appends another file's bytes (a slice written by another worker), hashing them in order. */
  append(path: string): void {
    const fd = openSync(path, 'r');
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) this.write(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
  }
}
