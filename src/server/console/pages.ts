/**
 * The console's pages and files: the page shell at `/console/`, the sign-in page, the browser
 * modules under `/console/assets/` and the UI library (Preact and htm) under `/console/vendor/`,
 * read from node_modules once at start-up, so the page works offline and needs no build step.
 * Sign-in and sign-out live here too, since they set and clear the session cookie.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSameOrigin, sessionCookie, type ConsoleAccess } from './console-auth.js';

/** The browser side, served as is: src/server/console/public (the same from dist/, via the package root). */
const PUBLIC_DIR = fileURLToPath(new URL('../../../src/server/console/public/', import.meta.url));
const require = createRequire(import.meta.url);
const VENDOR: Record<string, string> = {
  'preact.mjs': require.resolve('preact'),
  'hooks.mjs': require.resolve('preact/hooks'),
  'htm.mjs': join(dirname(require.resolve('htm')), 'htm.module.js'),
};
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

const IMPORT_MAP = JSON.stringify({
  imports: { preact: '/console/vendor/preact.mjs', 'preact/hooks': '/console/vendor/hooks.mjs', htm: '/console/vendor/htm.mjs' },
});
const IMPORT_MAP_HASH = `'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`;

/** Only our own files run; the import map is the one inline script, allowed by its hash. */
const CSP = [
  "default-src 'self'", `script-src 'self' ${IMPORT_MAP_HASH}`, "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

function shell(title: string, body: string, module: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/console/assets/${module}"></script>
</head>
<body>
${body}
</body>
</html>
`;
}

const APP_PAGE = shell('Tidemark console', '<noscript>The Tidemark console needs JavaScript.</noscript>\n<div id="app"></div>', 'app.js');

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(error?: string): string {
  return shell('Sign in · Tidemark console', `<main class="sign-in">
<h1>Tidemark console</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/console/sign-in" id="sign-in">
<input type="hidden" name="code" id="code">
<label for="token">Admin token</label>
<input type="password" name="token" id="token" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Opened from the link <code>serve --demo</code> printed? It signs you in by itself, once.
Otherwise paste the server's admin token (<code>TIDEMARK_ADMIN_TOKEN</code>).</p>
</main>`, 'sign-in.js');
}

/** Headers every console page and file gets: no framing, no sniffing, no Referer to other sites. (The sign-in code is in the fragment, which no Referer carries; and no-referrer would make Chromium send `Origin: null` on the sign-in form, which the same-origin check refuses.). */
function secure(reply: FastifyReply): FastifyReply {
  return reply.header('Content-Security-Policy', CSP).header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'same-origin').header('X-Frame-Options', 'DENY');
}

function html(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return secure(reply).code(status).header('Cache-Control', 'no-store').type('text/html; charset=utf-8').send(page);
}

/** Reads the files once: they are small, and a request never touches the disk. */
function loadFiles(): Map<string, { body: Buffer; type: string }> {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(`assets/${name}`, { body: readFileSync(join(PUBLIC_DIR, name)), type });
  }
  for (const [name, path] of Object.entries(VENDOR)) files.set(`vendor/${name}`, { body: readFileSync(path), type: TYPES['.mjs']! });
  return files;
}

function formField(body: unknown, name: string): string {
  if (typeof body !== 'string' || body.length > 4096) return '';
  return new URLSearchParams(body).get(name) ?? '';
}

export function registerConsolePages(app: FastifyInstance, access: ConsoleAccess): void {
  const files = loadFiles();
  const open = (summary: string) => ({ config: { access: 'public' as const, summary } });

  app.get('/console/', { config: { access: 'console-page', summary: 'Console: the page (signed-in browsers; others go to sign-in)' } },
    async (_req, reply) => html(reply, APP_PAGE));
  app.get('/console/sign-in', open('Console: the sign-in page'), async (_req, reply) => html(reply, signInPage()));

  app.post('/console/sign-in', open('Console: sign in with a one-time code or the admin token (form post)'),
    async (req: FastifyRequest, reply) => {
      if (!isSameOrigin(req)) return html(reply, signInPage('Sign-in refused: the form was posted from another site.'), 403);
      const waitMs = access.signInWaitMs(req.ip);
      if (waitMs > 0) {
        const seconds = Math.ceil(waitMs / 1000);
        reply.header('Retry-After', String(seconds));
        return html(reply, signInPage(`Too many failed sign-ins from this address; try again in ${seconds} s.`), 429);
      }
      const code = formField(req.body, 'code');
      const token = formField(req.body, 'token');
      const ok = code ? access.redeemSignInCode(code) : token !== '' && access.isAdminToken(token);
      if (!ok) {
        access.signInFailed(req.ip);
        req.log.info('console: sign-in refused');
        const why = code ? 'This sign-in link was used already or has expired. Sign in with the admin token, or restart the demo for a new link.'
          : 'Wrong admin token.';
        return html(reply, signInPage(why), 401);
      }
      req.log.info({ with: code ? 'one-time code' : 'admin token' }, 'console: signed in');
      return secure(reply).header('Set-Cookie', sessionCookie(req, access.newSession())).redirect('/console/', 303);
    });

  app.get<{ Params: { dir: string; name: string } }>('/console/:dir/:name', open('Console: the browser modules, style sheet and UI library'),
    async (req, reply) => {
      const file = files.get(`${req.params.dir}/${req.params.name}`);
      if (!file) return reply.callNotFound(); // 610, like any unknown path
      return secure(reply).header('Cache-Control', 'no-cache').type(file.type).send(file.body);
    });
}
