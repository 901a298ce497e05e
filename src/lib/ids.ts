import { randomBytes, randomUUID } from 'node:crypto';

/**
 * Marketo's requestId: a short hex token, `#`, then the request time in epoch ms as lowercase
 * hex (e.g. `9b02#171c80e02f6`). The first part is 4 or 5 hex digits, as in real captures.
 */
export function newRequestId(nowMs: number): string {
  const first = (0x1000 + (randomBytes(3).readUIntBE(0, 3) % (0xfffff - 0x1000 + 1))).toString(16);
  return `${first}#${nowMs.toString(16)}`;
}

/** Export ids are lowercase UUID v4, as Marketo's. */
export function newExportId(): string {
  return randomUUID();
}

/** Access tokens: a random UUID (122 random bits) plus a pod suffix, shaped like Marketo's `...:int`. */
export function newAccessToken(): string {
  return `${randomUUID()}:tm`;
}

/** Client ids look like Marketo's (a UUID); secrets are 32 random bytes, base64url. */
export function newClientCredentials(): { clientId: string; clientSecret: string } {
  return { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
}
