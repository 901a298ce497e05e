/**
 * The routes the app registers, recorded as they are registered (method, path, access, body
 * limit), so the OpenAPI document (document.ts) can neither list a route that does not exist nor
 * miss one that does.
 */
import type { FastifyInstance } from 'fastify';
import type { Access } from '../http/context.js';

export interface RouteInfo {
  method: string;
  url: string;
  access: Access | undefined;
  bodyLimit?: number;
  /** From the route's config, for routes that describe themselves (the console's). */
  summary?: string;
}

/** Records every route as it is registered; call before registering routes. */
export function trackRoutes(app: FastifyInstance): RouteInfo[] {
  const routes: RouteInfo[] = [];
  // Fastify adds a HEAD route to every GET route unless told not to; only explicit ones are listed.
  const autoHead = new Set<string>();
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'GET' && r.exposeHeadRoute !== false) autoHead.add(r.url);
      if (method === 'HEAD' && autoHead.has(r.url)) continue;
      routes.push({
        method, url: r.url ?? r.path, access: r.config?.access, ...(r.bodyLimit ? { bodyLimit: r.bodyLimit } : {}),
        ...(r.config?.summary ? { summary: r.config.summary } : {}),
      });
    }
  });
  return routes;
}

/** `/a/:id/b` -> `/a/{id}/b`; `/lists/:id.json` -> `/lists/{id}.json`. */
export const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
