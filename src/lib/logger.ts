import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Names of values that never reach a log line: tokens, client secrets, the admin token,
 * Authorization headers. Compared after `secretName()`, so every spelling counts.
 */
const SECRET_NAMES = new Set(['accesstoken', 'clientsecret', 'secret', 'token', 'admintoken', 'authorization', 'password', 'secrethash', 'refreshtoken', 'apikey']);

/** The object keys pino redacts, one level deep and at the top: the spellings the code uses. */
const SECRET_KEYS = ['access_token', 'accessToken', 'client_secret', 'clientSecret', 'adminToken', 'admin_token', 'authorization', 'Authorization', 'token', 'secret', 'secretHash', 'password'];
export const REDACT = { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]), censor: '[redacted]' };

/** Structured JSON logs on stderr, so stdout stays for what commands print. */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: REDACT }, destination);
}

/**
 * A query parameter name as the server may read it, reduced to compare with SECRET_NAMES:
 * percent-decoded (repeatedly: `client%255Fsecret`), `+` as a space, `[...]` suffixes dropped
 * (`client_secret[]`, `access_token[0]`), lower case, and only letters and digits kept
 * (`Access-Token`, `access_token`, `accessToken` are one name).
 */
export function secretName(rawName: string): string {
  let name = rawName.replace(/\+/g, ' ');
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(name); i++) {
    name = name.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return name.replace(/\[.*$/s, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A URL fit for a log line: the value of every query parameter whose name is a secret's, in any
 * spelling the server or a lenient client might read (see `secretName`), becomes `[redacted]`.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const redacted = query.split(/([&;])/).map((part) => {
    const eq = part.indexOf('=');
    if (eq === -1) return part;
    return SECRET_NAMES.has(secretName(part.slice(0, eq))) ? `${part.slice(0, eq)}=[redacted]` : part;
  }).join('');
  return `${url.slice(0, q + 1)}${redacted}`; // a fragment is never sent; drop whatever follows '#'
}

export const silentLogger: Logger = pino({ level: 'silent' });
