/**
 * What counts as a documented answer (docs/errors.md), shared by the hardening tests: a Marketo
 * envelope with a catalogued code (never 611, which means an unexpected error), an OAuth answer on
 * identity and admin paths, or one of the plain-text statuses. Anything else is reported.
 */
import { MARKETO_ERRORS } from '../../src/errors/catalog.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** HTTP statuses docs/errors.md lists, with what may answer them. */
const PLAIN_STATUSES = new Set([404, 405, 408, 413, 414, 416, 417]);

/** Tallies of answers, for the figures in docs/reliability.md. */
export class Tally {
  readonly statuses: Record<string, number> = {};
  readonly codes: Record<string, number> = {};
  readonly problems: string[] = [];
  cases = 0;
  fiveXx = 0;

  /** Records an answer; returns a problem text when it is not a documented one. */
  check(what: string, a: Answer): string | undefined {
    this.cases++;
    this.statuses[a.status] = (this.statuses[a.status] ?? 0) + 1;
    const problem = undocumented(a, (code) => (this.codes[code] = (this.codes[code] ?? 0) + 1));
    if (a.status >= 500) this.fiveXx++;
    if (problem) this.problems.push(`${what}: ${problem}`);
    return problem && `${what}: ${problem}`;
  }

  summary(): string {
    return `${this.cases} cases, ${this.fiveXx} 5xx, ${this.problems.length} undocumented; statuses ${JSON.stringify(this.statuses)}; codes ${JSON.stringify(this.codes)}`;
  }
}

function contentType(a: Answer): string {
  const v = a.headers['content-type'];
  return String(Array.isArray(v) ? v[0] : v ?? '');
}

/** Why `a` is not a documented answer, or undefined when it is. */
export function undocumented(a: Answer, onCode: (code: string) => void = () => undefined): string | undefined {
  if (a.status >= 500) return `HTTP ${a.status}: ${a.body.slice(0, 200)}`;
  if (PLAIN_STATUSES.has(a.status)) {
    return /^text\/plain/.test(contentType(a)) || a.body === '' ? undefined : `HTTP ${a.status} with ${contentType(a)}`;
  }
  if (a.status === 206) return undefined;
  if (a.status === 400 && /^text\/plain/.test(contentType(a)) && a.body !== '') return undefined; // malformed HTTP, no Host
  if (a.status === 400 || a.status === 401 || a.status === 429) { // 429: identity's failure limit or a full hashing queue
    try {
      const o = JSON.parse(a.body) as { error?: unknown; error_description?: unknown };
      if (typeof o.error === 'string' && typeof o.error_description === 'string') {
        onCode(o.error);
        return undefined;
      }
    } catch {
      // fall through
    }
    return `HTTP ${a.status} without an OAuth error body: ${a.body.slice(0, 200)}`;
  }
  if (a.status !== 200) return `HTTP ${a.status} is not a documented status`;
  if (!/json/.test(contentType(a))) return undefined; // a file, or an empty HEAD answer
  if (a.body === '') return undefined; // HEAD
  let o: { success?: unknown; errors?: { code?: unknown }[]; access_token?: unknown; result?: unknown };
  try {
    o = JSON.parse(a.body);
  } catch {
    return `HTTP 200 JSON that does not parse: ${a.body.slice(0, 200)}`;
  }
  if (typeof o.access_token === 'string') {
    onCode('token');
    return undefined;
  }
  // Tidemark's own: the health answer and the OpenAPI document (docs/operability.md).
  if ((o as { status?: unknown }).status === 'ok' || typeof (o as { openapi?: unknown }).openapi === 'string') {
    onCode('operability');
    return undefined;
  }
  if (o.success === true) {
    onCode('success');
    return Array.isArray(o.result) ? undefined : 'success without a result array';
  }
  if (o.success !== false) return `JSON answer without success: ${a.body.slice(0, 200)}`;
  const code = o.errors?.[0]?.code;
  if (typeof code !== 'string' || !(code in MARKETO_ERRORS)) return `code ${String(code)} is not in the catalog`;
  onCode(code);
  if (code === '611') return `611 System error (an unexpected exception): ${a.body}`;
  return undefined;
}
