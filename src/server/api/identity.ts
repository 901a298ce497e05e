/** `GET|POST /identity/oauth/token`: client credentials in, a bearer token out. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newAccessToken } from '../../lib/ids.js';
import { verifySecret } from '../../lib/secrets.js';
import type { AppDeps } from '../deps.js';
import { OAuthFailure } from '../http/error-renderer.js';

function credentials(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const query = (req.query ?? {}) as Record<string, unknown>;
  const form = typeof req.body === 'string' && req.body.length > 0 ? Object.fromEntries(new URLSearchParams(req.body)) : {};
  for (const key of ['grant_type', 'client_id', 'client_secret']) {
    const v = query[key] ?? form[key];
    out[key] = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  }
  return out;
}

export function registerIdentity(app: FastifyInstance, deps: AppDeps): void {
  const handler = async (req: FastifyRequest) => {
    const c = credentials(req);
    if (c.grant_type !== 'client_credentials') {
      throw new OAuthFailure(400, 'unsupported_grant_type', 'Unsupported grant type: only client_credentials is supported');
    }
    const user = c.client_id ? await deps.store.findUser(c.client_id) : undefined;
    // Hash even when the user is unknown, so timing does not reveal which client ids exist.
    const ok = verifySecret(c.client_secret ?? '', user?.secretHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) throw new OAuthFailure(401, 'invalid_client', 'Bad client credentials');

    const now = deps.clock.now();
    let token = await deps.store.findLiveToken(user.clientId, now);
    if (!token) {
      token = { token: newAccessToken(), clientId: user.clientId, issuedAt: now, expiresAt: now + deps.config.tokenTtlSeconds * 1000 };
      await deps.store.saveToken(token);
    }
    return {
      access_token: token.token,
      token_type: 'bearer',
      expires_in: Math.max(0, Math.floor((token.expiresAt - now) / 1000)),
      scope: user.name,
    };
  };
  app.get('/identity/oauth/token', { config: { access: 'identity' } }, handler);
  app.post('/identity/oauth/token', { config: { access: 'identity' } }, handler);
}

// scrypt hash of a random string nobody knows; compared against when the client id is unknown.
const DUMMY_HASH = 'scrypt$16384$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
