/** Token and permission steps of the pipeline. */
import { marketo } from '../../errors/catalog.js';
import type { Clock } from '../../lib/clock.js';
import { tokenDigest } from '../../lib/secrets.js';
import type { ApiUser, Store } from '../../store/store.js';
import { allows, type Access as PermissionAccess } from '../../domain/permissions.js';
import { readCache } from './read-cache.js';

/**
 * The token a request carries: `Authorization: Bearer`, or the legacy `access_token` query
 * parameter only when `allowQuery` (`serve --allow-query-token`). Marketo removed the parameter on
 * 2026-08-31, so by default a request that carries its token only there is refused as carrying
 * none (601), with a message that names the header; a header token wins over a query one.
 */
export function tokenFrom(authorization: string | undefined, query: unknown, allowQuery: boolean): string | undefined {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (m) return m[1];
  const q = (query as Record<string, unknown> | undefined)?.access_token;
  const fromQuery = typeof q === 'string' && q !== '' ? q : Array.isArray(q) && typeof q[0] === 'string' ? q[0] : undefined;
  if (fromQuery !== undefined && !allowQuery) throw marketo.queryTokenRefused();
  return fromQuery;
}

/**
 * The token step: the API user behind a token, or 601 when unknown, 602 when expired (against the
 * clock, on every call), 603 when the user is disabled.
 */
export function createAuthenticator(store: Store, clock: Clock): (token: string | undefined) => Promise<ApiUser> {
  // Kept while the store is unchanged (read-cache.ts): these two reads were two of a status call's
  // three SQLite look-ups, and `users disable` from another process still counts from the next call.
  // Keyed by the token's digest: the store holds no token, only its digest (secrets.ts).
  const lookUp = readCache(store, async (tokenHash) => {
    const found = await store.findToken(tokenHash);
    return found && { token: found, user: await store.findUser(found.clientId) };
  });
  return async (token) => {
    if (!token || token.length > 200) throw marketo.tokenInvalid();
    const found = await lookUp(tokenDigest(token));
    if (!found) throw marketo.tokenInvalid();
    if (found.token.expiresAt <= clock.now()) throw marketo.tokenExpired();
    if (!found.user) throw marketo.tokenInvalid();
    if (found.user.disabled) throw marketo.accessDenied();
    return found.user;
  };
}

/** Role text + access -> granted; roles are few, and parsing one on every call showed in profiles. */
const granted = new Map<string, boolean>();

/** 603 unless the user's role grants what the route needs. */
export function authorize(user: ApiUser, access: PermissionAccess): void {
  const key = `${access} ${user.role}`;
  let ok = granted.get(key);
  if (ok === undefined) {
    ok = allows(user.role, access);
    if (granted.size < 1000) granted.set(key, ok);
  }
  if (!ok) throw marketo.accessDenied();
}
