// Shared by every view: the template tag, the console's JSON calls, and number and date formats.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);

const BASE = '/tidemark/v1/console';
let csrfToken = '';

/** The page's CSRF token (from GET session); every change sends it back in a header. */
export function setCsrfToken(token) {
  csrfToken = token ?? '';
}

/** A refused call, with Marketo's code (or the OAuth error) and message. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-Tidemark-CSRF'] = csrfToken;
  }
  const res = await fetch(BASE + path, {
    method, headers, credentials: 'same-origin',
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  if (res.status === 401) {
    // The session ended (expired, signed out, or the admin token changed): sign in again.
    location.assign('/console/sign-in');
    throw new ApiError('Signed out', 'invalid_token');
  }
  const envelope = await res.json().catch(() => ({}));
  if (envelope.success === true) return envelope.result;
  const first = envelope.errors?.[0];
  throw new ApiError(first?.message ?? envelope.error_description ?? `HTTP ${res.status}`, first?.code ?? envelope.error);
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
  fileUrl: (exportId) => `${BASE}/jobs/${encodeURIComponent(exportId)}/file`,
  eventsUrl: `${BASE}/events`,
};

const num = new Intl.NumberFormat();
export const count = (n) => (n === null || n === undefined ? '—' : num.format(n));

export function bytes(n) {
  if (n === null || n === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const chicago = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'America/Chicago', timeZoneName: 'short' });
export const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** A time in the viewer's zone; the ISO text stays in the element's datetime. */
export function when(iso) {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime=${iso} title=${iso}>${local.format(new Date(iso))}</time>`;
}
export const inChicago = (iso) => chicago.format(new Date(iso));
export const inViewerZone = (iso) => local.format(new Date(iso));

export const statusBadge = (status) => html`<span class=${`badge s-${status}`}>${status}</span>`;

/** A run of text with an error from a call, announced to screen readers. */
export const ErrorNotice = ({ error }) => (error ? html`<p class="notice error" role="alert">${error.message ?? String(error)}</p>` : null);
