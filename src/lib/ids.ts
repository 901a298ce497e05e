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

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Client ids look like Marketo's (a UUID); secrets are 32 letters and digits, as Marketo's are
 * (about 190 random bits). Not base64url: a secret that starts with `-` reads as an option on a
 * command line (`--client-secret -x...`), which broke `tidemark extract` for one user in 64.
 */
export function newClientCredentials(): { clientId: string; clientSecret: string } {
  let clientSecret = '';
  while (clientSecret.length < 32) {
    // 248 = 4 x 62: bytes at or above it are dropped so every character is equally likely.
    for (const b of randomBytes(48)) if (b < 248 && clientSecret.length < 32) clientSecret += ALPHANUMERIC[b % 62];
  }
  return { clientId: randomUUID(), clientSecret };
}
