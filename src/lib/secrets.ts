import { createHash, createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt with a per-secret salt; the stored form names its parameters so they can change later.
const N = 16384;
const KEYLEN = 32;
/** Bytes of the access-token key derived beside the stored key (see `checkSecret`). */
const TOKEN_KEYLEN = 32;

/** For `tidemark users create` and the demo user: a one-off, so it may block. */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, KEYLEN, { N });
  return `scrypt$${N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** scrypt on libuv's thread pool: the event loop goes on serving while a secret is hashed. */
function scryptOffLoop(secret: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export interface SecretCheck {
  ok: boolean;
  /**
   * On a match: 32 bytes that only the secret yields, the key access tokens are derived from
   * (`accessTokenFor`). scrypt's output is PBKDF2 blocks over the secret, so asking for more bytes
   * leaves the first ones (the stored key) unchanged; the extra ones are not derivable from
   * anything stored without the secret, and cost what guessing the secret costs.
   */
  tokenKey?: Buffer;
}

/**
 * Checks a secret against its stored hash off the event loop, comparing in constant time; a
 * malformed stored hash never matches. The same work is done for a stored hash that does not
 * match as for one that does, so callers can check unknown clients against a dummy hash.
 * @example const { ok, tokenKey } = await checkSecret(given, user?.secretHash ?? DUMMY_SECRET_HASH)
 */
export async function checkSecret(secret: string, stored: string): Promise<SecretCheck> {
  const [scheme, n, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !/^\d+$/.test(n) || !saltB64 || !keyB64) return { ok: false };
  const expected = Buffer.from(keyB64, 'base64');
  // A key that decodes to (almost) nothing would make every secret match.
  if (expected.length < 16) return { ok: false };
  let derived: Buffer;
  try {
    derived = await scryptOffLoop(secret, Buffer.from(saltB64, 'base64'), expected.length + TOKEN_KEYLEN, { N: Number(n) });
  } catch {
    return { ok: false }; // parameters scrypt refuses (N not a power of two, too large)
  }
  const ok = timingSafeEqual(derived.subarray(0, expected.length), expected);
  return ok ? { ok, tokenKey: derived.subarray(expected.length) } : { ok };
}

/**
 * A stored hash in the form and with the parameters of real ones, whose key no secret is known to
 * give: identity checks an unknown client id against it, so the refusal does the same work, and
 * takes as long, as for a known one.
 */
export const DUMMY_SECRET_HASH = 'scrypt$16384$9H0rL1mN2bVt6cXq8sWe4g==$Tm8gc2VjcmV0IG9wZW5zIHRoaXMgZG9vciwgZXZlci4=';

/**
 * The access token for a token row: HMAC-SHA256 of the client id and the row's random nonce under
 * the client's token key, shaped like Marketo's `<uuid>:<pod>` (a version-4 UUID: 122 bits of the
 * MAC). The store keeps only `tokenDigest(token)` and the nonce; the same secret and nonce give
 * the same token again, so a repeat identity call returns the live token without it being stored.
 * @example accessTokenFor(check.tokenKey!, user.clientId, row.nonce)
 */
export function accessTokenFor(tokenKey: Buffer, clientId: string, nonce: string): string {
  const mac = createHmac('sha256', tokenKey).update(`tidemark access token\0${clientId}\0${nonce}`).digest().subarray(0, 16);
  mac[6] = (mac[6]! & 0x0f) | 0x40; // version 4
  mac[8] = (mac[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = mac.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}:tm`;
}

/**
 * What the store keeps of an access token, and looks it up by: its SHA-256 (hex). A token holds
 * 122 bits from a MAC, so an unsalted fast hash is enough: nothing can be guessed from it.
 */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Compares a presented secret with the expected one in constant time (both are hashed first, so
 * neither the content nor the length leaks through timing). For the admin token.
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
