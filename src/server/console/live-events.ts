/**
 * The console's live stream (server-sent events, `GET /tidemark/v1/console/events`): the
 * overview whenever it changes, so open pages update without reloading. One poller per server
 * reads the store once a second while at least one page listens, and none otherwise; reading the
 * store (not this process's events) shows jobs that other processes create and run too.
 */
import type { FastifyReply } from 'fastify';
import type { Logger } from '../../lib/logger.js';
import type { Overview } from './overview.js';

/** How often the store is read while a page listens. */
export const POLL_MS = 1000;
/** A comment line this often keeps idle proxies and the server's own idle timeout (120 s) away. */
const HEARTBEAT_MS = 15_000;

export class LiveEvents {
  private readonly listeners = new Set<FastifyReply>();
  private timer?: NodeJS.Timeout;
  private last?: { key: string; data: string };
  private reading = false;
  private lastBeat = 0;

  constructor(
    private readonly read: () => Promise<Overview>,
    private readonly log: Logger,
  ) {}

  /** Streams to this reply until the client goes away or the server closes. */
  async attach(reply: FastifyReply): Promise<void> {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff', 'X-Accel-Buffering': 'no',
    });
    // Reconnect after 2 s when the stream drops (EventSource does it by itself).
    res.write('retry: 2000\n\n');
    this.listeners.add(reply);
    res.once('close', () => {
      this.listeners.delete(reply);
      if (this.listeners.size === 0) this.stopPolling();
    });
    if (this.last) res.write(this.last.data);
    this.startPolling();
    await this.poll(true);
  }

  /** Ends every stream (the server is closing; in-flight requests must finish). */
  closeAll(): void {
    this.stopPolling();
    for (const reply of this.listeners) reply.raw.end();
    this.listeners.clear();
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(false), POLL_MS);
    this.timer.unref();
  }

  private stopPolling(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }

  private async poll(force: boolean): Promise<void> {
    if (this.reading || this.listeners.size === 0) return;
    this.reading = true;
    try {
      const overview = await this.read();
      // The time alone changes every second; the page keeps its own clock from clockOffsetMs.
      const key = JSON.stringify({ ...overview, now: undefined });
      if (force || key !== this.last?.key) {
        this.last = { key, data: `event: overview\ndata: ${JSON.stringify(overview)}\n\n` };
        this.broadcast(this.last.data);
      } else if (Date.now() - this.lastBeat > HEARTBEAT_MS) {
        this.broadcast(': still here\n\n');
      }
    } catch (err) {
      this.log.error({ err }, 'console: reading the overview for the live stream failed');
    } finally {
      this.reading = false;
    }
  }

  private broadcast(text: string): void {
    this.lastBeat = Date.now();
    for (const reply of this.listeners) if (!reply.raw.destroyed) reply.raw.write(text);
  }
}
