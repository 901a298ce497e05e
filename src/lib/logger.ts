import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Keys whose values never reach a log line, wherever they appear (one level deep): tokens, client
 * secrets, the admin token, Authorization headers.
 */
const SECRET_KEYS = ['access_token', 'client_secret', 'clientSecret', 'adminToken', 'authorization', 'token', 'secretHash'];
export const REDACT = { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' };

/** Structured JSON logs on stderr, so stdout stays for what commands print. */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: REDACT }, destination);
}

/** A URL fit for a log line: the values of `access_token` and `client_secret` are replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|client_secret)=)[^&#]*/gi, '$1[redacted]');
}

export const silentLogger: Logger = pino({ level: 'silent' });
