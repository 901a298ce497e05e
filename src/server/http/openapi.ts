/**
 * The OpenAPI 3.1 document served at `/tidemark/v1/openapi.json`, generated from the routes the
 * app registers (method, path, path parameters, access, body limit), so it cannot list a route
 * that does not exist or miss one that does. What a route does comes from SUMMARIES, keyed by
 * `METHOD path`; a test fails when a registered route has no summary.
 */
import type { FastifyInstance } from 'fastify';
import type { Access } from './context.js';

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

const ASSET = '/rest/asset/v1';

/** The six endpoints of one bulk export kind. */
function exportSummaries(base: string, kind: string): Record<string, string> {
  return {
    [`POST ${base}/create.json`]: `Create ${kind} export job (status Created)`,
    [`POST ${base}/{exportId}/enqueue.json`]: 'Queue a Created job (one queue and one daily quota for every export kind)',
    [`GET ${base}/{exportId}/status.json`]: "A job's status",
    [`POST ${base}/{exportId}/cancel.json`]: 'Cancel a Created, Queued or Processing job',
    [`GET ${base}.json`]: "The caller's jobs of this kind of the last 7 days (status, batchSize, nextPageToken)",
    [`GET ${base}/{exportId}/file.json`]: "A Completed job's file, whole or one Range (206/416); plain-text 404 otherwise",
    [`HEAD ${base}/{exportId}/file.json`]: 'The headers of file.json without the body',
  };
}

/** One line per route: what it does (docs/fidelity.md and docs/emulator.md have the details). */
export const SUMMARIES: Record<string, string> = {
  'GET /identity/oauth/token': 'Client credentials in, a bearer token out (OAuth2 answers, not the envelope)',
  'POST /identity/oauth/token': 'Client credentials (query or form body) in, a bearer token out',
  ...exportSummaries('/bulk/v1/activities/export', 'an activity'),
  ...exportSummaries('/bulk/v1/leads/export', 'a lead'),
  ...exportSummaries('/bulk/v1/program/members/export', 'a program member'),
  'GET /rest/v1/activities/types.json': 'Activity types: the standard ones, then the custom ones',
  'GET /rest/v1/activities/external/types.json': 'Custom activity types',
  'POST /rest/v1/activities/external/type.json': 'Create a custom activity type',
  'POST /rest/v1/activities/external.json': 'Add custom activities (at most 300 a call)',
  [`GET ${ASSET}/programs.json`]: 'Browse programs (maxReturn/offset, filterType/filterValues, status, earliestUpdatedAt/latestUpdatedAt)',
  [`GET ${ASSET}/program/byName.json`]: 'A program by name, with tags and costs on request (includeTags, includeCosts)',
  [`GET ${ASSET}/program/{id}`]: 'A program by id (`{id}.json`), with tags and costs',
  'GET /rest/v1/lists.json': 'Static lists (id, name, programName, workspaceName; batchSize, nextPageToken)',
  'GET /rest/v1/lists/{id}': 'A static list by id (`{id}.json`); 1013 when unknown',
  'GET /rest/v1/campaigns.json': 'Smart campaigns (id, name, programName, workspaceName, isTriggerable; batchSize, nextPageToken)',
  'GET /rest/v1/campaigns/{id}': 'A smart campaign by id (`{id}.json`); 1013 when unknown',
  [`GET ${ASSET}/staticList/byName.json`]: 'A static list by name',
  [`GET ${ASSET}/staticList/{id}`]: 'A static list by id (`{id}.json`)',
  [`GET ${ASSET}/form/byName.json`]: 'A form by name',
  [`GET ${ASSET}/form/{id}`]: 'A form by id (`{id}.json`)',
  'GET /rest/v1/leads/describe.json': 'Describe Lead: the lead schema (standard fields and the catalog\'s), one page',
  'GET /rest/v1/leads/describe2.json': 'Describe Lead 2: the lead schema as one object with searchable fields',
  'GET /rest/v1/programs/members/describe.json': 'Describe Program Member: the program member fields',
  'GET /rest/v1/program/members/describe.json': 'Describe Program Member (superseded path): the same fields',
  'GET /rest/v1/stats/usage.json': "Today's API calls, in total and per user",
  'GET /metrics': 'Prometheus metrics (Tidemark-only)',
  'GET /tidemark/v1/health': 'Liveness and store reachability (Tidemark-only; 200 or 503)',
  'GET /tidemark/v1/openapi.json': 'This document',
  'GET /tidemark/v1/emulator': "Emulator: the server's clock and pending faults",
  'GET /tidemark/v1/emulator/clock': "Emulator: the server's clock",
  'POST /tidemark/v1/emulator/clock': 'Emulator: move the clock forward ({"advance":"8d"})',
  'POST /tidemark/v1/emulator/faults/jobs': 'Emulator: fail the next N jobs ({"fail":N,"message"}) or delay jobs ({"delay":"30s"})',
  'POST /tidemark/v1/emulator/faults/calls': 'Emulator: answer the next N calls with 606 or 615 ({"code","count"})',
  'POST /tidemark/v1/emulator/faults/clear': 'Emulator: drop every pending fault',
  'POST /tidemark/v1/emulator/quota/exhaust': 'Emulator: spend the daily export quota until 00:00 America/Chicago',
  'POST /tidemark/v1/emulator/reset': 'Emulator: delete jobs, files and tokens ({"activities":true} deletes activities too)',
};

const ENVELOPE = {
  type: 'object',
  description: "Marketo's envelope. Errors are HTTP 200 with success false and errors[0].code (docs/errors.md).",
  properties: {
    requestId: { type: 'string', example: '9b02#171c80e02f6' },
    success: { type: 'boolean' },
    result: { type: 'array', items: {} },
    errors: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
    warnings: { type: 'array', items: { type: 'string' } },
    nextPageToken: { type: 'string' },
  },
  required: ['requestId', 'success'],
};

/** The POST every Lead Database read also takes (app.ts, step 8) is that GET, sent as a POST. */
function overrideSummary(method: string, path: string): string {
  const get = SUMMARIES[`GET ${path}`];
  return method === 'POST' && path.startsWith('/rest/v1/') && get ? `${get}; as a POST with _method=GET (query or body)` : '';
}

/** `/a/:id/b` -> `/a/{id}/b`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export function openApiDocument(routes: readonly RouteInfo[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))) {
    const path = openApiPath(r.url);
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const open = r.access === undefined || r.access === 'public' || r.access === 'identity';
    const plain = r.access === 'public' || r.access === 'identity' || r.access === 'console-page' || path.endsWith('/file.json') || path.endsWith('/file');
    // The console's scheme says that its endpoints take the admin token as a bearer too.
    const scheme = r.access === 'admin' ? [{ adminToken: [] }] : r.access === 'console' || r.access === 'console-page' ? [{ consoleSession: [] }]
      : [{ accessToken: [] }];
    const permission = typeof r.access === 'string' && !open && !['admin', 'console', 'console-page'].includes(r.access);
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      summary: SUMMARIES[`${r.method} ${path}`] ?? r.summary ?? overrideSummary(r.method, path),
      ...(params.length ? { parameters: params } : {}),
      security: open ? [] : scheme,
      ...(r.method === 'POST' && r.bodyLimit ? { 'x-body-limit-bytes': r.bodyLimit } : {}),
      ...(permission ? { 'x-permission': r.access } : {}),
      responses: {
        200: { description: plain ? 'See the summary' : 'Envelope', ...(plain ? {} : { content: { 'application/json': { schema: { $ref: '#/components/schemas/Envelope' } } } }) },
        ...(r.access === 'admin' ? { 401: { description: 'Admin token missing or invalid' } } : {}),
        ...(r.access === 'console' ? { 401: { description: 'No console session and no admin token' }, 403: { description: 'A change without the CSRF token, or from another site' } } : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Tidemark', version, description: "Marketo's Bulk Activity Extract API and the REST basics around it, plus Tidemark's own endpoints under /tidemark/v1." },
    paths,
    components: {
      schemas: { Envelope: ENVELOPE },
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', description: 'A token from /identity/oauth/token, as Authorization: Bearer <token>; the access_token query parameter only with serve --allow-query-token' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The --admin-token of serve --emulator-controls' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'tidemark_console', description: 'The console session (docs/console.md); changes also need the X-Tidemark-CSRF header. Over HTTPS the cookie is __Host-tidemark_console. The JSON endpoints also take Authorization: Bearer <admin token> instead' },
      },
    },
  };
}
