/**
 * Requests Node's HTTP parser refuses before any route sees them: malformed HTTP (400), headers
 * over Node's 16 KB limit, a URL that long included (431), and requests not fully received within
 * the HTTP timeout (408). Answered in plain text like the other non-envelope answers (413, 414),
 * then the socket is closed, so a slow or broken client holds nothing.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
  answerAndClose(socket, status, reason, body);
}

/** Writes a whole plain-text answer on a socket no request object owns, then closes it. */
function answerAndClose(socket: Duplex, status: number, reason: string, body: string, extraHeaders = ''): void {
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\n${extraHeaders}Connection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/**
 * Requests Node's HTTP server answers on its own before Fastify sees them, with an empty body or
 * none at all: an `Expect` other than `100-continue` (an empty 417), and `CONNECT` (the socket
 * was closed without a word). Both get a plain-text answer that docs/errors.md lists. (An HTTP/1.1
 * request without `Host` is the pipeline's, see `missingHost`.)
 */
export function answerOddRequests(server: Server): void {
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const body = PLAIN_TEXT.expectationFailed;
    res.writeHead(417, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    res.end(body);
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    answerAndClose(socket, 405, 'Method Not Allowed', PLAIN_TEXT.connectNotAllowed, 'Allow: GET, HEAD, POST\r\n');
  });
}

/**
 * RFC 9112 3.2: an HTTP/1.1 request without `Host` is a 400. Node's own check answers it with an
 * empty body, so it is turned off (`requireHostHeader: false`) and the pipeline answers instead.
 */
export function missingHost(httpVersion: string, host: string | undefined): boolean {
  return httpVersion === '1.1' && (host === undefined || host === '');
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
      requireHostHeader: false, // answered by the pipeline, with a body (missingHost)
      headersTimeout: Math.min(60_000, timeoutMs),
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, timeoutMs / 4)),
    },
    clientErrorHandler: answerClientError,
  };
}
