import type { ApiUser } from '../../store/store.js';

/** What the pipeline learns about a request, step by step. */
export interface RequestContext {
  requestId: string;
  user?: ApiUser;
  /** Set when the call limits admitted the call, so the response releases it exactly once. */
  admitted?: boolean;
}

/**
 * Who may call a route: `identity` (the token endpoint: no token, no limits), `public` (no token),
 * `activity-read` (Read-Only or Read-Write Activity), `activity-write` (Read-Write Activity).
 */
export type Access = 'identity' | 'public' | 'activity-read' | 'activity-write';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
