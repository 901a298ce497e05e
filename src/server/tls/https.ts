/**
 * What `serve --tls` needs from the TLS side: the certificate and key to serve (your own, or the
 * local CA's), and, with `--https-port`, a second listener that serves HTTPS beside the app's HTTP
 * one through the same Fastify handler, so both ports share one pipeline and one set of limits.
 */
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { EventEmitter } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { TlsConfig } from '../../config/config.js';
import type { Logger } from '../../lib/logger.js';
import { serverNames } from './certificates.js';
import { ensureServerCertificate, type LocalCaReport } from './local-ca.js';

export interface ServedCertificate {
  key: string;
  cert: string;
  /** The local CA that signed `cert`; undefined with --tls-cert/--tls-key. */
  caFile?: string;
}

/** A certificate or key the server cannot serve; the message names the flag. */
export class TlsSetupError extends Error {}

function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TlsSetupError(`${flag} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * The certificate to serve: --tls-cert/--tls-key when given (checked now, so a key that does not
 * belong to its certificate stops the start instead of failing each handshake), else the local CA's.
 */
export async function servedCertificate(tls: TlsConfig, listenHost: string, now: number, report: LocalCaReport): Promise<ServedCertificate> {
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    const cert = readPem(tls.certFile, '--tls-cert');
    const key = readPem(tls.keyFile, '--tls-key');
    try {
      createSecureContext({ cert, key });
    } catch (err) {
      throw new TlsSetupError(`--tls-cert ${tls.certFile} with --tls-key ${tls.keyFile}: ${(err as Error).message}`);
    }
    return { cert, key };
  }
  const { server, files } = await ensureServerCertificate(tls.dir, serverNames(tls.hosts, listenHost), now, report);
  return { cert: server.certPem, key: server.keyPem, caFile: files.caCert };
}

/** The http.Server settings Fastify and the app gave their server, to give the HTTPS twin the same. */
const MIRRORED_OPTIONS = [
  'maxHeaderSize', 'insecureHTTPParser', 'requestTimeout', 'headersTimeout', 'keepAliveTimeout', 'connectionsCheckingInterval',
  'requireHostHeader', 'joinDuplicateHeaders', 'rejectNonStandardBodyWrites', 'noDelay', 'keepAlive', 'keepAliveInitialDelay', 'highWaterMark',
] as const;

/**
 * An HTTPS server that hands every request to `app`'s own handler (path rewriting, hooks, routes),
 * with the timeouts, header rules and client-error answers of the app's HTTP server. Call after
 * buildApp and before the app closes; `close()` it with the app.
 */
export function createHttpsTwin(app: FastifyInstance, cert: ServedCertificate, log: Logger): HttpsServer {
  const main = app.server as HttpServer & Record<string, unknown>;
  const options: Record<string, unknown> = {};
  for (const name of MIRRORED_OPTIONS) if (main[name] !== undefined) options[name] = main[name];
  const twin = createServer({ ...options, key: cert.key, cert: cert.cert }, (req, res) => app.routing(req, res));
  twin.setTimeout(main.timeout);
  twin.maxHeadersCount = main.maxHeadersCount;
  twin.maxRequestsPerSocket = main.maxRequestsPerSocket;
  // Answers the app gave its server for requests Fastify never sees (broken, odd Expect, CONNECT).
  for (const event of ['clientError', 'checkExpectation', 'connect'] as const) {
    for (const listener of main.listeners(event)) twin.on(event, listener as (...args: unknown[]) => void);
  }
  logHandshakeFailures(twin, log);
  return twin;
}

/**
 * A client that does not trust the CA ends the handshake with an alert ("unknown ca"); the server
 * notes it at debug level, where an operator looking for why a client cannot connect will find it.
 */
export function logHandshakeFailures(server: EventEmitter, log: Logger): void {
  server.on('tlsClientError', (err: Error & { code?: string }, socket: Socket) => {
    log.debug({ code: err.code, reason: err.message, remote: socket.remoteAddress }, 'TLS handshake failed');
  });
}

/** Listens and answers the URL, as Fastify's listen() does (`https://127.0.0.1:3443`). */
export function listenHttps(server: HttpsServer, host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      resolve(`https://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`);
    });
  });
}

/** Stops taking connections, closes idle keep-alive ones, and resolves when the rest have finished. */
export function closeHttps(server: HttpsServer): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
