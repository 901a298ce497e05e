import { randomBytes, randomUUID } from 'node:crypto';

/** Export ids are lowercase UUID v4, as Marketo's. */
export function newExportId(): string {
  return randomUUID();
}

/**
 * The random part of an access token row: with the client's secret it gives the token
 * (`accessTokenFor` in secrets.ts); stored beside the token's digest, never the token itself.
 */
export function newTokenNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Client ids look like Marketo's (a UUID); secrets are 32 random bytes, base64url. */
export function newClientCredentials(): { clientId: string; clientSecret: string } {
  return { clientId: randomUUID(), clientSecret: randomBytes(24).toString('base64url') };
}
