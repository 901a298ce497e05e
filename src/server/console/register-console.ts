/**
 * The web console (docs/console.md): a page at `/console/` on the same port, and its JSON
 * endpoints under `/tidemark/v1/console/...`. Mounted only when an admin token is set. The
 * pipeline (app.ts) checks who calls: the session cookie (plus CSRF on changes) or the admin token.
 */
import type { FastifyInstance } from 'fastify';
import { registerEmulator } from '../api/emulator.js';
import type { AppDeps } from '../deps.js';
import { json } from '../http/envelope.js';
import type { CallGate } from '../http/limits.js';
import { SESSION_TTL_MS, sessionCookie, type ConsoleAccess } from './console-auth.js';
import { registerConsoleData } from './data-api.js';
import { registerConsoleJobs } from './jobs-api.js';
import { LiveEvents } from './live-events.js';
import { readOverview } from './overview.js';
import { registerConsolePages } from './pages.js';
import { CONSOLE_BASE, consoleRoute } from './routes.js';
import { registerConsoleUsers } from './users-api.js';

export function registerConsole(app: FastifyInstance, deps: AppDeps, access: ConsoleAccess, limits: CallGate): void {
  const { config } = deps;
  const live = new LiveEvents(() => readOverview(deps, limits), deps.log);
  // Open streams would hold app.close() forever: end them before the server waits for requests.
  app.addHook('preClose', async () => live.closeAll());

  registerConsolePages(app, access);

  app.get(`${CONSOLE_BASE}/session`, consoleRoute("Console: the caller's session, its CSRF token and the server's settings"), json(async (req) => {
    const session = req.ctx.consoleSession;
    return {
      result: [{
        signedInWith: session ? 'session' : 'admin token',
        ...(session ? { csrfToken: access.csrfToken(session), expiresAt: new Date(session.issuedAt + SESSION_TTL_MS).toISOString() } : {}),
        emulatorControls: deps.emulator !== undefined,
        settings: {
          role: config.role, store: deps.store.location.kind, maxProcessing: config.maxProcessing, maxQueued: config.maxQueued,
          dailyQuotaMb: config.dailyQuotaMb, fileRetentionDays: config.fileRetentionDays, rateLimit: config.rateLimit ?? null,
          maxConcurrentRequests: config.maxConcurrentRequests ?? null, dailyCallQuota: config.dailyCallQuota,
        },
      }],
    };
  }));

  app.post(`${CONSOLE_BASE}/sign-out`, consoleRoute('Console: end the session'), async (req, reply) => {
    const session = req.ctx.consoleSession;
    if (session) access.revoke(session);
    reply.header('Set-Cookie', sessionCookie(req, ''));
    return json(async () => ({ result: [{ signedOut: session !== undefined }] }))(req, reply);
  });

  app.get(`${CONSOLE_BASE}/overview`, consoleRoute('Console: jobs by status, slots, export quota, calls against the limits, clock'),
    json(async () => ({ result: [await readOverview(deps, limits)] })));

  app.get(`${CONSOLE_BASE}/events`, consoleRoute('Console: the overview as server-sent events, whenever it changes'),
    async (_req, reply) => live.attach(reply));

  registerConsoleJobs(app, deps);
  registerConsoleUsers(app, deps, limits);
  registerConsoleData(app, deps);
  // The emulator controls, for the page: the same handlers, behind the session instead of the admin token.
  if (deps.emulator) registerEmulator(app, deps, deps.emulator, { base: `${CONSOLE_BASE}/emulator`, access: 'console' });
}
