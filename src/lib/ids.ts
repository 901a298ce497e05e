import { randomBytes, randomUUID } from 'node:crypto';

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
