/**
 * Sends bytes `start..end` of an export file as the response body. Streaming it through a
 * ReadStream allocates a fresh 1 MB Buffer per read, and V8 then spent more time collecting them
 * than the server spent sending (docs/performance.md). Here two buffers take turns: one is read
 * into while the other is being written, and a buffer is reused only once its write has
 * finished. The headers set on `reply` are sent as they are; Fastify's onResponse still runs.
 */
import type { FastifyReply } from 'fastify';

const CHUNK = 1 << 20;

/** Buffers of finished sends, for the next: a 1 MB range request then allocates nothing. */
const spare: Buffer[] = [];
const MAX_SPARE = 8;
const take = (): Buffer => spare.pop() ?? Buffer.allocUnsafeSlow(CHUNK);
const give = (buf: Buffer): void => {
  if (spare.length < MAX_SPARE) spare.push(buf);
};

export type ReadAt = (buf: Buffer, position: number, length: number) => Promise<number>;

export function sendRange(reply: FastifyReply, readAt: ReadAt, start: number, end: number): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(reply.statusCode, reply.getHeaders() as Record<string, string | number | string[]>);
  const buffers = [take(), take()];
  const readInto = (buf: Buffer, position: number): Promise<Buffer> => {
    const read = readAt(buf, position, Math.min(buf.length, end - position + 1)).then((n) => {
      if (n === 0) throw new Error(`export file ended at byte ${position}, before byte ${end}`);
      return n === buf.length ? buf : buf.subarray(0, n);
    });
    read.catch(() => undefined); // awaited in turn; failing while a write is awaited must not go unhandled
    return read;
  };
  // Settles when the chunk is handed to the socket, or when the connection closes first (an
  // ended response's callback waits for 'finish', which a hung-up client never gives).
  const handOver = (send: (done: () => void) => void): Promise<void> => new Promise((resolve) => {
    const done = (): void => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    send(done);
  });
  const write = (chunk: Buffer): Promise<void> => handOver((done) => res.write(chunk, done));

  let position = start;
  let writing = Promise.resolve();
  let reading = readInto(buffers[0]!, position);
  const send = async (): Promise<void> => {
    for (let turn = 1; ; turn++) {
      const chunk = await reading;
      position += chunk.length;
      await writing; // the other buffer is free from here on
      if (res.destroyed) return; // the client hung up
      if (position > end) {
        // The last chunk goes out with the end of the response: one write fewer for a short range.
        await handOver((done) => res.end(chunk, done));
        return;
      }
      writing = write(chunk);
      reading = readInto(buffers[turn % 2]!, position);
    }
  };
  send().catch((err: unknown) => {
    // The status line is out: the only honest signal left is to cut the connection short.
    reply.log.error({ err }, 'sending an export file failed');
    res.destroy();
  }).finally(() => {
    // Only when no read or write can still touch them (a failed send waits for neither).
    Promise.allSettled([reading, writing]).then(() => buffers.forEach(give)).catch(() => undefined);
  });
}
