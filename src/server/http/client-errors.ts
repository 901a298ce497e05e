/**
 * Requests Node's HTTP parser refuses before any route sees them: malformed HTTP (400), headers
 * over Node's 16 KB limit, a URL that long included (431), and requests not fully received within
 * the HTTP timeout (408). Answered in plain text like the other non-envelope answers (413, 414),
 * then the socket is closed, so a slow or broken client holds nothing.
 */
import type { Socket } from 'node:net';
import type { Server } from 'node:http';
import type { FastifyHttpOptions } from 'fastify';
import { PLAIN_TEXT } from '../../errors/catalog.js';

const ANSWERS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', PLAIN_TEXT.requestTimeout],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', PLAIN_TEXT.headersTooLarge],
};

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // A reset or destroyed socket has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, body] = ANSWERS[err.code ?? ''] ?? [400, 'Bad Request', PLAIN_TEXT.badRequest];
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/**
 * Fastify's server options for slow and broken clients: an idle socket, or a request not fully
 * received within `timeoutMs`, is closed (408); an idle keep-alive socket goes after at most the
 * same time; Node checks request timeouts on an interval, shortened with the timeout.
 */
export function slowAndBrokenClients(timeoutMs: number): FastifyHttpOptions<Server> {
  return {
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    keepAliveTimeout: Math.min(72_000, timeoutMs),
    http: {
      headersTimeout: Math.min(60_000, timeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, timeoutMs / 4)),
    },
    clientErrorHandler: answerClientError,
  };
}
