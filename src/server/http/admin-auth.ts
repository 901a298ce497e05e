/** The pipeline's token step for the emulator controls: the admin token, compared in constant time. */
import { sameSecret } from '../../lib/secrets.js';
import { OAuthFailure } from './error-renderer.js';

/** HTTP 401 unless `Authorization: Bearer <admin token>` carries the configured admin token. */
export function checkAdminToken(expected: string | undefined, authorization: string | undefined): void {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  // Without a configured token nothing matches (the routes are not even mounted then).
  if (!m || expected === undefined || !sameSecret(m[1]!, expected)) {
    throw new OAuthFailure(401, 'invalid_token', 'Admin token missing or invalid');
  }
}
