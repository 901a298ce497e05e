/**
 * Who may use the web console (docs/console.md). The console exists only when an admin token is
 * set; a person signs in with a one-time code (printed by `serve --demo`) or with the admin token,
 * and gets a session cookie. Scripts may send the admin token as a bearer instead.
 *
 * Sessions are stateless: the cookie carries its issue time and a random nonce, signed with a key
 * derived from the admin token (HMAC-SHA256). Every process that shares the admin token accepts
 * the same sessions, and changing the token signs everyone out. The CSRF token is a second HMAC
 * of the nonce, so it needs no storage either. Session times use the wall clock, never the
 * emulator's travelling clock: moving the clock 8 days must not sign the operator out.
 *
 * Nothing here is logged: not the codes, not the cookies, not the CSRF tokens.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../../lib/secrets.js';
import { OAuthFailure } from '../http/error-renderer.js';
import { addressKey, FailureWindows } from '../http/identity-guard.js';

/** A session lasts this long after sign-in (wall clock), then the console asks to sign in again. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** A one-time sign-in code is good for this long, or until used. */
export const SIGN_IN_CODE_TTL_MS = 24 * 3_600_000;
/** The header the page sends its CSRF token in, on every state-changing call. */
export const CSRF_HEADER = 'x-tidemark-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/**
 * Failed sign-ins allowed per client address (an IPv6 address by its /64) in a window that opens
 * at the first failure. The admin token is too long to guess; the limit keeps a guessing script
 * from filling the log and the CPU, and costs a person who mistypes nothing.
 */
export const SIGN_IN_FAILURE_LIMIT = { calls: 10, seconds: 60 };

/** `__Host-` makes the browser insist on Secure, Path=/ and no Domain; it needs HTTPS. */
export const sessionCookieName = (secure: boolean): string => (secure ? '__Host-tidemark_console' : 'tidemark_console');

export interface ConsoleSession {
  nonce: string;
  issuedAt: number;
}

/** Who is calling a console endpoint: a signed-in person, or a script with the admin token. */
export type ConsoleCaller = { kind: 'session'; session: ConsoleSession } | { kind: 'admin' };

const b64url = (buf: Buffer): string => buf.toString('base64url');
const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64url');

/** Equal-length comparison in constant time; a MAC's length is no secret. */
function sameMac(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export class ConsoleAccess {
  private readonly key: Buffer;
  /** sha256(code) -> expiry; codes are kept hashed, so a heap dump shows no usable code. */
  private readonly codes = new Map<string, number>();
  /** Signed-out nonces -> when their session would have expired anyway. */
  private readonly revoked = new Map<string, number>();
  private readonly signInFailures = new FailureWindows(SIGN_IN_FAILURE_LIMIT);

  constructor(
    private readonly adminToken: string,
    private readonly wallClock: () => number = Date.now,
  ) {
    this.key = createHmac('sha256', adminToken).update('tidemark console session key v1').digest();
  }

  private mac(text: string): string {
    return b64url(createHmac('sha256', this.key).update(text, 'utf8').digest());
  }

  /** A new one-time sign-in code for a link such as `/console/sign-in#code=...`. */
  issueSignInCode(): string {
    const code = b64url(randomBytes(32));
    this.codes.set(digest(code), this.wallClock() + SIGN_IN_CODE_TTL_MS);
    return code;
  }

  /** Milliseconds until `ip` may try to sign in again after too many failures (0: it may now). */
  signInWaitMs(ip: string): number {
    return this.signInFailures.waitMs(addressKey(ip), this.wallClock());
  }

  /** A failed sign-in from `ip`, counted against SIGN_IN_FAILURE_LIMIT. */
  signInFailed(ip: string): void {
    this.signInFailures.record(addressKey(ip), this.wallClock());
  }

  /** True once for a code this process issued and that has not expired; the code is spent either way. */
  redeemSignInCode(code: string): boolean {
    if (code.length > 200) return false;
    const key = digest(code);
    const expires = this.codes.get(key);
    this.codes.delete(key);
    return expires !== undefined && this.wallClock() < expires;
  }

  isAdminToken(token: string): boolean {
    return token.length <= 1000 && sameSecret(token, this.adminToken);
  }

  /** A new session's cookie value. */
  newSession(): string {
    const issued = this.wallClock().toString(36);
    const nonce = b64url(randomBytes(18));
    return `${issued}.${nonce}.${this.mac(`s.${issued}.${nonce}`)}`;
  }

  /** The session a cookie value stands for, if it is signed by this key, not expired and not signed out. */
  verifySession(value: string | undefined): ConsoleSession | undefined {
    if (!value || value.length > 200) return undefined;
    const [issued, nonce, mac, extra] = value.split('.');
    if (!issued || !nonce || !mac || extra !== undefined) return undefined;
    if (!sameMac(mac, this.mac(`s.${issued}.${nonce}`))) return undefined;
    const issuedAt = parseInt(issued, 36);
    const now = this.wallClock();
    if (!Number.isSafeInteger(issuedAt) || issuedAt > now + 60_000 || now >= issuedAt + SESSION_TTL_MS) return undefined;
    if (this.revoked.has(nonce)) return undefined;
    return { nonce, issuedAt };
  }

  csrfToken(session: ConsoleSession): string {
    return this.mac(`c.${session.nonce}`);
  }

  /** Signs a session out in this process (sessions are stateless, so other processes keep it until it expires). */
  revoke(session: ConsoleSession): void {
    const now = this.wallClock();
    for (const [nonce, until] of this.revoked) if (until <= now) this.revoked.delete(nonce);
    this.revoked.set(session.nonce, session.issuedAt + SESSION_TTL_MS);
  }

  /** The session of a browser request, from its cookie. */
  sessionOf(req: FastifyRequest): ConsoleSession | undefined {
    for (const value of cookieValues(req.headers.cookie, sessionCookieName(isSecure(req)))) {
      const session = this.verifySession(value);
      if (session) return session;
    }
    return undefined;
  }

  /**
   * The pipeline's token step for console endpoints. A bearer token must be the admin token (an
   * API user's token never opens the console); otherwise the session cookie, and for a call that
   * changes state, the CSRF token and a same-origin request as well.
   */
  callerOf(req: FastifyRequest): ConsoleCaller {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!m || !this.isAdminToken(m[1]!)) throw new OAuthFailure(401, 'invalid_token', 'Admin token missing or invalid');
      return { kind: 'admin' };
    }
    const session = this.sessionOf(req);
    if (!session) throw new OAuthFailure(401, 'invalid_token', 'Console session missing or expired; sign in at /console/sign-in');
    if (!SAFE_METHODS.has(req.method)) {
      const presented = req.headers[CSRF_HEADER];
      if (!isSameOrigin(req) || typeof presented !== 'string' || !sameMac(presented, this.csrfToken(session))) {
        throw new OAuthFailure(403, 'invalid_request', 'Cross-site request refused: a console change needs the page\'s CSRF token from the same origin');
      }
    }
    return { kind: 'session', session };
  }
}

/** HTTPS as the socket (or, later, a trusted proxy) says; the cookie's Secure flag follows it. */
export function isSecure(req: FastifyRequest): boolean {
  return req.protocol === 'https';
}

/**
 * A browser tells where a request comes from: `Sec-Fetch-Site` (Chromium, Firefox, Safari) and
 * `Origin` (on every POST). Either one naming another site refuses the request; a client that
 * sends neither (curl) is not a browser that could be tricked into sending the cookie.
 */
export function isSameOrigin(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = req.headers.origin;
  return origin === undefined || origin === `${req.protocol}://${req.headers.host ?? ''}`;
}

/** The values of every cookie called `name` in a Cookie header. */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The Set-Cookie header of a new session (or, with `value` empty, of signing out). */
export function sessionCookie(req: FastifyRequest, value: string): string {
  const secure = isSecure(req);
  const life = value ? `Max-Age=${SESSION_TTL_MS / 1000}` : 'Max-Age=0';
  return `${sessionCookieName(secure)}=${value}; Path=/; HttpOnly; SameSite=Strict; ${life}${secure ? '; Secure' : ''}`;
}
