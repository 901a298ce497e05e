/**
 * The HTTP app. The request pipeline is declared here, once, in order:
 *
 *   1. path normalise   rewriteUrl: `/rest/../bulk/v1/...` -> `/bulk/v1/...`
 *   2. request id       `<hex>#<epoch ms hex>`, on every answer and log line
 *   3. URI length       over 8 KB -> HTTP 414; an HTTP/1.1 request without Host -> HTTP 400
 *   4. token            Bearer header (access_token query only with --allow-query-token) -> API user
 *                       (601, 602, 603 disabled);
 *                       on the emulator controls, the admin token instead (HTTP 401), no limits;
 *                       on the console's JSON (/tidemark/v1/console/...), the admin token or the
 *                       console session cookie (HTTP 401; an API user's token never passes), and
 *                       for a change also the CSRF header from the same origin (HTTP 403), no
 *                       limits; on the console page (/console/), the session or a 303 to sign-in
 *   5. permission       the route's access level against the user's role (603)
 *   6. limits           in flight (615), rate (606), daily calls (607); identity calls exempt;
 *                       the emulator's forced 606/615 answers come first
 *   7. body             read as text, 10 MB on bulk paths and 1 MB elsewhere (413); routes that
 *                       take no body ignore whatever was sent (GET bodies, `_method=...` forms)
 *   8. method override  a POST to a `/rest/v1/...` read (every GET route there takes POST too) is
 *                       served as the GET when its query or body says `_method=GET`, with query and
 *                       body parameters merged; otherwise 610. `/rest/asset/...` ignores `_method`
 *   9. handler          returns data; `json()` adds the Lead Database envelope, `assetJson()` the
 *                       Asset API's (only file.json streams itself)
 *  10. errors           error-renderer.ts maps every error to Marketo's envelope (the Asset API's on
 *                       `/rest/asset/...`), 611 if unexpected
 *  11. response         the in-flight slot is given back; /metrics counts the answer (route, code)
 *
 * Operators' endpoints (/metrics, /tidemark/v1/health, /tidemark/v1/openapi.json) are public, and
 * so are the console's sign-in page and its static files (they hold no data). Marketo's paths never
 * read the console's cookie: only a Bearer header or the query's token.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { PLAIN_TEXT } from '../errors/catalog.js';
import { marketo } from '../errors/catalog.js';
import { redactUrl } from '../lib/logger.js';
import { registerActivities } from './api/activities.js';
import { registerAssets } from './api/assets.js';
import { registerLeadDescribe } from './api/lead-describe.js';
import { registerCustomActivities } from './api/custom-activities.js';
import { activityExport } from './api/bulk-activity-export.js';
import { registerBulkExports } from './api/bulk-export.js';
import { leadExport } from './api/bulk-lead-export.js';
import { programMemberExport } from './api/bulk-program-member-export.js';
import { registerIdentity } from './api/identity.js';
import { registerLeadDatabaseReads } from './api/lead-database-reads.js';
import { registerPrograms } from './api/programs.js';
import { registerStats } from './api/stats.js';
import { registerEmulator } from './api/emulator.js';
import { registerOperability } from './api/operability.js';
import { registerConsole } from './console/register-console.js';
import type { AppDeps } from './deps.js';
import { withForcedRefusals } from './emulator-state.js';
import { checkAdminToken } from './http/admin-auth.js';
import { answerOddRequests, missingHost, slowAndBrokenClients } from './http/client-errors.js';
import { Metrics } from './http/metrics.js';
import { trackRoutes } from './openapi/routes.js';
import { authorize, createAuthenticator, tokenFrom } from './http/auth.js';
import './http/context.js';
import { envelopeFor, renderError } from './http/error-renderer.js';
import { createCallGate } from './http/limits.js';
import { LazyChildLogger } from './http/lazy-logger.js';
import { acceptOverridePosts, applyMethodOverride } from './http/method-override.js';
import { normalisePath } from './http/normalise-path.js';
import { requestIdGenerator } from './http/request-id.js';

const MAX_URI = 8 * 1024;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { store, clock, config } = deps;
  const gate = createCallGate(config, clock, store.callCounter, (err) => deps.log.error({ err }, 'releasing a call failed'));
  const limits = withForcedRefusals(gate, deps.emulator, config);
  const newRequestId = requestIdGenerator();
  const authenticate = createAuthenticator(store, clock);
  const serverOptions = slowAndBrokenClients(config.httpTimeoutMs);
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Fastify's request id is Marketo's requestId, so every log line of a request carries it.
    genReqId: () => newRequestId(clock.now()),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    childLoggerFactory: LazyChildLogger.factory, // a request's pino child is made when it logs, not before
    bodyLimit: DEFAULT_BODY_LIMIT,
    rewriteUrl: (req) => normalisePath(req.url ?? '/'), // 1
    // A path the router cannot decode (`/%zz`) never reaches the hooks: render it as 610 too.
    frameworkErrors: (err, req, reply) => {
      req.ctx ??= { requestId: req.id };
      renderError(err, req, reply);
    },
    // A path parameter as long as the URI limit allows: the router's default (100) made a long
    // export id an error (611) instead of the route's own answer (1003, or 404 on file.json).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_URI },
    return503OnClosing: false,
    ...serverOptions, // timeouts close sockets; 400/408/431 in plain text
    // serve --tls: the server is HTTPS, and Fastify then takes Node's server settings from `https`.
    ...(deps.https ? { https: { ...serverOptions.http, ...deps.https } } : {}),
  });

  app.addHook('onRoute', acceptOverridePosts); // 8 (first, so the OpenAPI document lists the POSTs it adds)
  answerOddRequests(app.server); // Expect other than 100-continue (417), CONNECT (405)
  const routes = trackRoutes(app); // for the OpenAPI document
  const metrics = new Metrics({ store, scheduler: deps.scheduler, clock, config, limits });

  app.decorateRequest('ctx', undefined as never);
  app.addHook('onRequest', async (req, reply) => {
    req.ctx = { requestId: req.id }; // 2
    const exportId = (req.params as { exportId?: unknown } | undefined)?.exportId;
    if (typeof exportId === 'string') req.log = req.log.child({ exportId }); // log lines of a job's calls carry its id
    if ((req.raw.url ?? '').length > MAX_URI) {
      return reply.code(414).type('text/plain; charset=utf-8').send(PLAIN_TEXT.uriTooLong); // 3
    }
    if (missingHost(req.raw.httpVersion, req.headers.host)) {
      return reply.code(400).header('Connection', 'close').type('text/plain; charset=utf-8').send(PLAIN_TEXT.hostMissing); // 3
    }
    const access = req.routeOptions.config.access;
    if (!access || access === 'identity' || access === 'public') return;
    if (access === 'admin') return checkAdminToken(config.adminToken, req.headers.authorization); // 4 (emulator)
    if (access === 'console') { // 4 (console JSON)
      const caller = deps.console!.callerOf(req);
      if (caller.kind === 'session') req.ctx.consoleSession = caller.session;
      return;
    }
    if (access === 'console-page') { // 4 (console page)
      if (!deps.console!.sessionOf(req)) return reply.header('Cache-Control', 'no-store').redirect('/console/sign-in', 303);
      return;
    }
    const user = await authenticate(tokenFrom(req.headers.authorization, req.query, config.allowQueryToken)); // 4
    authorize(user, access); // 5
    req.ctx.user = user;
    req.ctx.ticket = await limits.admit(user.name); // 6
    req.ctx.admitted = true;
    // A client that hangs up mid-request or mid-download never gets 'finish' (so no onResponse);
    // 'close' fires in every case, so the slot is always given back, once.
    reply.raw.once('close', () => release(req));
    if (reply.raw.destroyed) release(req); // hung up while being admitted: 'close' has already fired
  });
  const release = (req: { ctx?: { admitted?: boolean; ticket?: string } }) => {
    if (!req.ctx?.admitted) return;
    req.ctx.admitted = false;
    limits.release(req.ctx.ticket);
  };
  app.addHook('onResponse', async (req, reply) => {
    release(req); // 11
    metrics.observe(req, reply);
    if (deps.log.isLevelEnabled('debug')) {
      req.log.debug({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });

  app.removeAllContentTypeParsers(); // 7
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.addHook('preValidation', applyMethodOverride); // 8

  registerIdentity(app, deps); // 9
  registerBulkExports(app, deps, [activityExport, leadExport, programMemberExport]);
  registerActivities(app, store);
  registerCustomActivities(app, store, clock);
  registerAssets(app, store);
  registerPrograms(app, store);
  registerLeadDatabaseReads(app, store);
  registerLeadDescribe(app, store);
  registerStats(app, limits, clock);
  if (deps.emulator) registerEmulator(app, deps, deps.emulator);
  if (deps.console) registerConsole(app, deps, deps.console, limits);
  registerOperability(app, deps, metrics, routes);

  app.setNotFoundHandler((req, reply) => {
    if (req.ctx) req.ctx.errorCode = '610';
    reply.send(envelopeFor(req.ctx?.requestId ?? newRequestId(clock.now()), marketo.notFound(), req.url));
  });
  app.setErrorHandler(renderError); // 10
  return app;
}
