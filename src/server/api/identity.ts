/** `GET|POST /identity/oauth/token`: client credentials in, a bearer token out. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PoolFull } from '../../lib/bounded-pool.js';
import { newTokenNonce } from '../../lib/ids.js';
import { accessTokenFor, checkSecret, DUMMY_SECRET_HASH, sameSecret, tokenDigest } from '../../lib/secrets.js';
import type { ApiUser } from '../../store/store.js';
import type { AppDeps } from '../deps.js';
import { OAuthFailure } from '../http/error-renderer.js';
import { IdentityGuard } from '../http/identity-guard.js';

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

const badCredentials = () => new OAuthFailure(401, 'invalid_client', 'Bad client credentials');

export function registerIdentity(app: FastifyInstance, deps: AppDeps): void {
  const guard = new IdentityGuard({ ...(deps.config.identityFailureLimit ? { failureLimit: deps.config.identityFailureLimit } : {}) });

  const handler = async (req: FastifyRequest) => {
    const c = credentials(req);
    if (c.grant_type !== 'client_credentials') {
      throw new OAuthFailure(400, 'unsupported_grant_type', 'Unsupported grant type: only client_credentials is supported');
    }
    const clientId = c.client_id ?? '';
    // Refused before any hashing: a limited caller costs the server next to nothing.
    const refuseIfLimited = () => {
      const wait = guard.retryAfterSeconds(clientId, req.ip, deps.clock.now());
      if (wait > 0) {
        throw new OAuthFailure(429, 'too_many_requests', `Too many failed identity calls for this client or from this address; retry in ${wait} s`, wait);
      }
    };
    refuseIfLimited();
    const user = clientId ? await deps.store.findUser(clientId) : undefined;
    // Hash even when the user is unknown (against a dummy), so timing does not reveal which client ids exist.
    const check = await guard.hashing.run(() => {
      refuseIfLimited(); // again: calls that waited for a slot may have been limited meanwhile
      return checkSecret(c.client_secret ?? '', user?.secretHash ?? DUMMY_SECRET_HASH);
    }).catch((err: unknown) => {
      if (err instanceof PoolFull) throw new OAuthFailure(429, 'too_many_requests', 'Too many identity calls at once; retry in 1 s', 1);
      throw err;
    });
    if (!user || !check.ok || user.disabled) {
      guard.recordFailure(clientId, req.ip, deps.clock.now());
      throw badCredentials();
    }
    const now = deps.clock.now();
    const { token, expiresAt } = await liveOrNewToken(deps, user, check.tokenKey!, now);
    return { access_token: token, token_type: 'bearer', expires_in: Math.max(0, Math.floor((expiresAt - now) / 1000)), scope: user.name };
  };
  app.get('/identity/oauth/token', { config: { access: 'identity' } }, handler);
  app.post('/identity/oauth/token', { config: { access: 'identity' } }, handler);
}

/**
 * The client's live token again (decisions.md: "a repeat call before expiry returns the same
 * token"), or a new one. Only the token's digest and nonce are stored; the token itself is
 * derived again from the nonce and the key only the verified secret yields.
 */
async function liveOrNewToken(deps: AppDeps, user: ApiUser, tokenKey: Buffer, now: number): Promise<{ token: string; expiresAt: number }> {
  const live = await deps.store.findLiveToken(user.clientId, now);
  if (live) {
    const token = accessTokenFor(tokenKey, user.clientId, live.nonce);
    // Another secret than the one the row was made with gives another token: then issue a new one.
    if (sameSecret(tokenDigest(token), live.tokenHash)) return { token, expiresAt: live.expiresAt };
  }
  const nonce = newTokenNonce();
  const token = accessTokenFor(tokenKey, user.clientId, nonce);
  const expiresAt = now + deps.config.tokenTtlSeconds * 1000;
  await deps.store.saveToken({ tokenHash: tokenDigest(token), nonce, clientId: user.clientId, issuedAt: now, expiresAt });
  return { token, expiresAt };
}
