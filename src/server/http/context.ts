import type { ApiUser } from '../../store/store.js';

/** What the pipeline learns about a request, step by step. */
export interface RequestContext {
  requestId: string;
  user?: ApiUser;
  /** Set when the call limits admitted the call, so the response releases it exactly once. */
  admitted?: boolean;
  /** The shared counter's ticket for the admitted call, if the limits are shared. */
  ticket?: string;
  /** The Marketo code (or OAuth error) the answer carries, set by the error renderer; for /metrics. */
  errorCode?: string;
}

import type { Access as PermissionAccess } from '../../domain/permissions.js';

/**
 * Who may call a route: `identity` (the token endpoint: no token, no limits), `public` (no token),
 * `admin` (the emulator controls: the admin token, no limits), or the permission it needs
 * (`activity-read` = Read-Only or Read-Write Activity, ...; `token` = any valid token).
 */
export type Access = 'identity' | 'public' | 'admin' | PermissionAccess;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
