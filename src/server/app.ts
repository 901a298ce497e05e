/**
 * The HTTP app. The request pipeline is declared here, once, in order:
 *
 *   1. path normalise   rewriteUrl: `/rest/../bulk/v1/...` -> `/bulk/v1/...`
 *   2. request id       `<hex>#<epoch ms hex>`, on every answer and log line
 *   3. URI length       over 8 KB -> HTTP 414
 *   4. token            Bearer header or access_token query -> API user (601, 602, 603 disabled)
 *   5. permission       the route's access level against the user's role (603)
 *   6. limits           in flight (615), rate (606), daily calls (607); identity calls exempt
 *   7. body             read as text, 10 MB on bulk paths and 1 MB elsewhere (413); routes that
 *                       take no body ignore whatever was sent (GET bodies, `_method=...` forms)
 *   8. handler          returns data; `json()` adds the envelope (only file.json streams itself)
 *   9. errors           error-renderer.ts maps every error to Marketo's envelope, 611 if unexpected
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { PLAIN_TEXT } from '../errors/catalog.js';
import { marketo } from '../errors/catalog.js';
import { newRequestId } from '../lib/ids.js';
import { registerActivities } from './api/activities.js';
import { registerAssets } from './api/assets.js';
import { registerCustomActivities } from './api/custom-activities.js';
import { registerBulkActivityExport } from './api/bulk-activity-export.js';
import { registerIdentity } from './api/identity.js';
import { registerStats } from './api/stats.js';
import type { AppDeps } from './deps.js';
import { authenticate, authorize, tokenFrom } from './http/auth.js';
import './http/context.js';
import { envelopeFor, renderError } from './http/error-renderer.js';
import { createCallGate } from './http/limits.js';
import { normalisePath } from './http/normalise-path.js';

const MAX_URI = 8 * 1024;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function buildApp(deps: AppDeps): FastifyInstance {
  const { store, clock, config } = deps;
  const limits = createCallGate(config, clock, store.callCounter, (err) => deps.log.error({ err }, 'releasing a call failed'));
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Fastify's request id is Marketo's requestId, so every log line of a request carries it.
    genReqId: () => newRequestId(clock.now()),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: DEFAULT_BODY_LIMIT,
    rewriteUrl: (req) => normalisePath(req.url ?? '/'), // 1
    routerOptions: { ignoreTrailingSlash: true },
    return503OnClosing: false,
    connectionTimeout: 120_000,
    requestTimeout: 120_000,
  });

  app.decorateRequest('ctx', undefined as never);
  app.addHook('onRequest', async (req, reply) => {
    req.ctx = { requestId: req.id }; // 2
    if ((req.raw.url ?? '').length > MAX_URI) {
      return reply.code(414).type('text/plain; charset=utf-8').send(PLAIN_TEXT.uriTooLong); // 3
    }
    const access = req.routeOptions.config.access;
    if (!access || access === 'identity' || access === 'public') return;
    const user = await authenticate(store, clock, tokenFrom(req.headers.authorization, req.query)); // 4
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
    release(req);
    req.log.debug({ method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.removeAllContentTypeParsers(); // 7
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  registerIdentity(app, deps); // 8
  registerBulkActivityExport(app, deps);
  registerActivities(app, store);
  registerCustomActivities(app, store, clock);
  registerAssets(app, store);
  registerStats(app, limits, clock);

  app.setNotFoundHandler((req, reply) => {
    reply.send(envelopeFor(req.ctx?.requestId ?? newRequestId(clock.now()), marketo.notFound()));
  });
  app.setErrorHandler(renderError); // 9
  return app;
}
