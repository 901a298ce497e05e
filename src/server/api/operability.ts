/**
 * Tidemark-only endpoints for operators, public (no token) and outside the call limits:
 * `GET /metrics` (Prometheus text), `GET /tidemark/v1/health` (200, or 503 when the store cannot
 * be reached) and `GET /tidemark/v1/openapi.json` (generated from the registered routes).
 * docs/operability.md describes them.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';
import type { Metrics } from '../http/metrics.js';
import { openApiDocument } from '../openapi/document.js';
import type { RouteInfo } from '../openapi/routes.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const STARTED = Date.now();

export function registerOperability(app: FastifyInstance, deps: AppDeps, metrics: Metrics, routes: readonly RouteInfo[]): void {
  const open = { config: { access: 'public' as const } };

  app.get('/metrics', open, async (_req, reply) => {
    const { text, contentType } = await metrics.scrape();
    return reply.type(contentType).send(text);
  });

  app.get('/tidemark/v1/health', open, async (req, reply) => {
    const base = { version: VERSION, role: deps.config.role, store: deps.store.location.kind, uptimeSeconds: Math.round((Date.now() - STARTED) / 1000) };
    try {
      const jobs = await deps.store.countJobsByStatus();
      return { status: 'ok', ...base, time: new Date(deps.clock.now()).toISOString(), queued: jobs.Queued, processing: jobs.Processing };
    } catch (err) {
      req.log.error({ err }, 'health: the store cannot be reached');
      return reply.code(503).send({ status: 'unavailable', ...base, reason: 'the store cannot be reached' });
    }
  });

  let doc: string | undefined;
  app.get('/tidemark/v1/openapi.json', open, async (_req, reply) => {
    doc ??= JSON.stringify(openApiDocument(routes, VERSION));
    return reply.type('application/json; charset=utf-8').send(doc);
  });
}
