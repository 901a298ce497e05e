import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stderr, so stdout stays for what commands print. */
export function createLogger(level: string): Logger {
  return pino({ level }, pino.destination(2));
}

export const silentLogger: Logger = pino({ level: 'silent' });
