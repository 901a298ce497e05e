/**
 * Marketo's `_method` override on Lead Database paths (notes Q19): a POST to a `/rest/v1/...` read
 * whose query string or body says `_method=GET` is served as that GET, with the query and body
 * parameters merged (the body wins). Clients use it when a GET's URI would be too long:
 * marketorestpython's get_multiple_campaigns posts a form body of repeated `id=` pairs, and
 * node-marketo-rest's list.find a form body with comma-joined ids; a JSON body
 * `{"data":{"_method":"GET",...}}` is read the same way. Since 2020 the Asset API ignores
 * `_method`, so `/rest/asset/...` paths are left alone. GET bodies stay ignored (decisions).
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { marketo } from '../../errors/catalog.js';
import type { QueryValue } from '../../domain/paging.js';

const LEAD_DATABASE = '/rest/v1/';

const isGetOnly = (method: RouteOptions['method']): boolean => [method].flat().length === 1 && [method].flat()[0] === 'GET';

/** onRoute: every GET route under `/rest/v1/` also takes POST, for the override. */
export function acceptOverridePosts(route: RouteOptions): void {
  if (route.url.startsWith(LEAD_DATABASE) && isGetOnly(route.method)) route.method = ['GET', 'POST'];
}

/**
 * The pipeline step, after the body is read: a POST on a read route becomes its GET (the merged
 * parameters replace `req.query`), or answers 610 like any method a path does not take.
 */
export async function applyMethodOverride(req: FastifyRequest): Promise<void> {
  if (req.method !== 'POST' || !req.routeOptions.url?.startsWith(LEAD_DATABASE)) return;
  if (![req.routeOptions.method].flat().includes('GET')) return;
  const query = { ...(req.query as Record<string, QueryValue>) };
  const body = bodyParams(req.body);
  const method = first(body._method) ?? first(query._method);
  if (method?.toUpperCase() !== 'GET') throw marketo.notFound();
  const merged: Record<string, QueryValue> = { ...query, ...body };
  delete merged._method;
  req.query = merged;
}

const first = (v: QueryValue): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A form body, or a JSON object (its `data` member when it has one), as query-like parameters. */
function bodyParams(raw: unknown): Record<string, QueryValue> {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  const text = raw.trim();
  if (text.startsWith('{')) return jsonParams(text);
  // A Map, not an object: a key such as `__proto__` must stay a plain key.
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(text)) {
    const values = out.get(k);
    if (values) values.push(v);
    else out.set(k, [v]);
  }
  return Object.fromEntries([...out].map(([k, vs]) => [k, vs.length === 1 ? vs[0] : vs]));
}

function jsonParams(text: string): Record<string, QueryValue> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {}; // not JSON: no `_method` in it, so the POST is no override (610)
  }
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const obj = isObj(parsed) && isObj(parsed.data) ? parsed.data : parsed;
  if (!isObj(obj)) return {};
  const asText = (v: unknown): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => [k, Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(asText) : asText(v)]));
}
