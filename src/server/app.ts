/**
 * The HTTP app. The request pipeline is declared here, once, in order:
 *
 *   1. path normalise   rewriteUrl: `/rest/../bulk/v1/...` -> `/bulk/v1/...`
 *   2. request id       `<hex>#<epoch ms hex>`, on every answer and log line
 *   3. URI length       over 8 KB -> HTTP 414
 *   4. token            Bearer header or access_token query -> API user (601, 602, 603 disabled);
 *                       on the emulator controls, the admin token instead (HTTP 401), no limits
 *   5. permission       the route's access level against the user's role (603)
 *   6. limits           in flight (615), rate (606), daily calls (607); identity calls exempt;
 *                       the emulator's forced 606/615 answers come first
 *   7. body             read as text, 10 MB on bulk paths and 1 MB elsewhere (413); routes that
 *                       take no body ignore whatever was sent (GET bodies, `_method=...` forms)
 *   8. handler          returns data; `json()` adds the envelope (only file.json streams itself)
 *   9. errors           error-renderer.ts maps every error to Marketo's envelope, 611 if unexpected
 *  10. response         the in-flight slot is given back; /metrics counts the answer (route, code)
 *
 * Operators' endpoints (/metrics, /tidemark/v1/health, /tidemark/v1/openapi.json) are public.
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
import { registerStats } from './api/stats.js';
import { registerEmulator } from './api/emulator.js';
import { registerOperability } from './api/operability.js';
import type { AppDeps } from './deps.js';
import { withForcedRefusals } from './emulator-state.js';
import { checkAdminToken } from './http/admin-auth.js';
import { slowAndBrokenClients } from './http/client-errors.js';
import { Metrics } from './http/metrics.js';
import { trackRoutes } from './http/openapi.js';
import { authorize, createAuthenticator, tokenFrom } from './http/auth.js';
import './http/context.js';
import { envelopeFor, renderError } from './http/error-renderer.js';
import { createCallGate } from './http/limits.js';
import { LazyChildLogger } from './http/lazy-logger.js';
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
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: false,
    ...slowAndBrokenClients(config.httpTimeoutMs), // timeouts close sockets; 400/408/431 in plain text
  });

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
    const access = req.routeOptions.config.access;
    if (!access || access === 'identity' || access === 'public') return;
    if (access === 'admin') return checkAdminToken(config.adminToken, req.headers.authorization); // 4 (emulator)
    const user = await authenticate(tokenFrom(req.headers.authorization, req.query)); // 4
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
    release(req); // 10
    metrics.observe(req, reply);
    if (deps.log.isLevelEnabled('debug')) {
      req.log.debug({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
    }
  });

  app.removeAllContentTypeParsers(); // 7
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  registerIdentity(app, deps); // 8
  registerBulkExports(app, deps, [activityExport, leadExport, programMemberExport]);
  registerActivities(app, store);
  registerCustomActivities(app, store, clock);
  registerAssets(app, store);
  registerLeadDescribe(app, store);
  registerStats(app, limits, clock);
  if (deps.emulator) registerEmulator(app, deps, deps.emulator);
  registerOperability(app, deps, metrics, routes);

  app.setNotFoundHandler((req, reply) => {
    if (req.ctx) req.ctx.errorCode = '610';
    reply.send(envelopeFor(req.ctx?.requestId ?? newRequestId(clock.now()), marketo.notFound()));
  });
  app.setErrorHandler(renderError); // 9
  return app;
}
