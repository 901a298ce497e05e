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
  /** A console call made with the session cookie (not the admin token): its nonce and issue time. */
  consoleSession?: { nonce: string; issuedAt: number };
}

import type { Access as PermissionAccess } from '../../domain/permissions.js';

/**
 * Who may call a route: `identity` (the token endpoint: no token, no limits), `public` (no token),
 * `admin` (the emulator controls: the admin token, no limits), `console` (the console's JSON: its
 * session cookie with CSRF on changes, or the admin token; no limits), `console-page` (the console's
 * page: the session, else a redirect to sign-in), or the permission it needs
 * (`activity-read` = Read-Only or Read-Write Activity, ...; `token` = any valid token).
 */
export type Access = 'identity' | 'public' | 'admin' | 'console' | 'console-page' | PermissionAccess;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** The route's line in the OpenAPI document, for routes the operation tables (src/server/openapi) derive (the console's). */
    summary?: string;
  }
}
