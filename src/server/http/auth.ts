/** Token and permission steps of the pipeline. */
import { marketo } from '../../errors/catalog.js';
import type { Clock } from '../../lib/clock.js';
import type { ApiUser, Store } from '../../store/store.js';
import { allows, type Access as PermissionAccess } from '../../domain/permissions.js';

/** Both `Authorization: Bearer` and the legacy `access_token` query parameter are accepted. */
export function tokenFrom(authorization: string | undefined, query: unknown): string | undefined {
  const m = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (m) return m[1];
  const q = (query as Record<string, unknown> | undefined)?.access_token;
  if (typeof q === 'string' && q !== '') return q;
  if (Array.isArray(q) && typeof q[0] === 'string') return q[0];
  return undefined;
}

/** The API user behind a token: 601 when unknown, 602 when expired, 603 when the user is disabled. */
export async function authenticate(store: Store, clock: Clock, token: string | undefined): Promise<ApiUser> {
  if (!token || token.length > 200) throw marketo.tokenInvalid();
  const found = await store.findToken(token);
  if (!found) throw marketo.tokenInvalid();
  if (found.expiresAt <= clock.now()) throw marketo.tokenExpired();
  const user = await store.findUser(found.clientId);
  if (!user) throw marketo.tokenInvalid();
  if (user.disabled) throw marketo.accessDenied();
  return user;
}

/** 603 unless the user's role grants what the route needs. */
export function authorize(user: ApiUser, access: PermissionAccess): void {
  if (!allows(user.role, access)) throw marketo.accessDenied();
}
