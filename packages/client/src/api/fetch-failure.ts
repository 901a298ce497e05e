/**
 * What a failed `fetch` means. Node's fetch throws a bare `TypeError: fetch failed`; the reason
 * (refused, unknown host, TLS) sits in its `cause`. A user who typed a wrong `--endpoint` must
 * see that reason within seconds, not after minutes of silent retries.
 */
import { MarketoTransportError } from './errors.js';

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const CONNECT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
const TLS = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;

/** Whether a network failure says the endpoint cannot be reached at all: refused, unknown host, unroutable, TLS refused. */
export function isUnreachable(causeCode: string | undefined): boolean {
  return causeCode !== undefined && (DNS.has(causeCode) || CONNECT.has(causeCode) || TLS.test(causeCode));
}

/**
 * The transport error for a `fetch` that threw, naming the cause:
 * `GET /identity/oauth/token: cannot connect to http://127.0.0.1:9 (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9)`.
 */
export function fetchFailure(what: string, url: string, err: unknown): MarketoTransportError {
  const probe = new MarketoTransportError('', undefined, err);
  const code = probe.causeCode;
  const origin = originOf(url);
  const detail = tidy(innermostMessage(err));
  let summary: string;
  if (code && DNS.has(code)) summary = `cannot resolve the host of ${origin}`;
  else if (code && TLS.test(code)) summary = `TLS failed with ${origin}`;
  else if (code && CONNECT.has(code)) summary = `cannot connect to ${origin}`;
  else summary = `network error with ${origin}`;
  const why = [code, detail !== code ? detail : undefined].filter(Boolean).join(': ');
  return new MarketoTransportError(`${what}: ${summary}${why ? ` (${why})` : ''}`, undefined, err);
}

/** OpenSSL's `80...:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:...` says 'wrong version number'. */
function tidy(message: string | undefined): string | undefined {
  const openssl = /SSL routines:[^:]*:([^:\n]+)/.exec(message ?? '');
  return openssl ? openssl[1] : message?.trim();
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The message of the deepest cause ("connect ECONNREFUSED 127.0.0.1:9"), not fetch's "fetch failed". */
function innermostMessage(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const e = err as { message?: unknown; cause?: unknown; errors?: unknown };
  const inner = innermostMessage(e.cause, depth + 1) ??
    (Array.isArray(e.errors) && e.errors.length ? e.errors.map((x) => innermostMessage(x, depth + 1)).filter(Boolean).join('; ') || undefined : undefined);
  if (inner) return inner;
  return typeof e.message === 'string' && e.message !== '' ? e.message : undefined;
}
