import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// scrypt with a per-secret salt; the stored form names its parameters so they can change later.
const N = 16384;
const KEYLEN = 32;

export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(secret, salt, KEYLEN, { N });
  return `scrypt$${N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Compares in constant time; a malformed stored hash never matches. */
export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, n, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !/^\d+$/.test(n) || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  // A key that decodes to (almost) nothing would make every secret match.
  if (expected.length < 16) return false;
  try {
    const actual = scryptSync(secret, Buffer.from(saltB64, 'base64'), expected.length, { N: Number(n) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false; // parameters scrypt refuses (N not a power of two, too large)
  }
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
