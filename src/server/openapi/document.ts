/**
 * The OpenAPI 3.1 document served at `/tidemark/v1/openapi.json`, built from the routes the app
 * registered (routes.ts) and the operation tables (marketo-operations.ts, tidemark-operations.ts).
 * Request bodies and results are JSON Schema made from the zod shapes that sit beside the
 * validators and views (docs/decisions/2026-12-03-openapi.md); the Marketo codes each operation may
 * answer with come from the error catalog: the pipeline's (by the route's access) and its own.
 */
import { z } from 'zod';
import { MARKETO_ERRORS, type MarketoCode } from '../../errors/catalog.js';
import { CONSOLE_BASE } from '../console/routes.js';
import { EMULATOR_BASE } from '../api/emulator-doc.js';
import { MARKETO_OPERATIONS } from './marketo-operations.js';
import type { NamedShape, OperationSpec, QueryParam } from './operation.js';
import { COMMON_SCHEMAS, envelopeName, envelopeSchema, responsesFor } from './responses.js';
import { openApiPath, type RouteInfo } from './routes.js';
import { CONSOLE_RECORD, TIDEMARK_OPERATIONS } from './tidemark-operations.js';

const OPERATIONS: Record<string, OperationSpec> = { ...MARKETO_OPERATIONS, ...TIDEMARK_OPERATIONS };

/** Codes of the pipeline (app.ts steps 4-6) for routes that take an API user's token. */
const TOKEN_CODES: MarketoCode[] = ['601', '602', '603', '606', '607', '608', '611', '615'];
const CONTROL_CODES: MarketoCode[] = ['608', '611'];

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/** The operation a route is, from the tables or, for the console and the `_method` POSTs, derived. */
export function operationFor(route: RouteInfo): OperationSpec | undefined {
  const path = openApiPath(route.url);
  const own = OPERATIONS[`${route.method} ${path}`];
  if (own) return own;
  const get = OPERATIONS[`GET ${path}`];
  if (route.method === 'POST' && path.startsWith('/rest/v1/') && get) {
    return {
      ...get, operationId: `${get.operationId}ViaPost`, summary: `${get.summary}; as a POST with _method=GET (query or body)`,
      query: [{ name: '_method', description: 'GET (here or in the body)', schema: { type: 'string' } }, ...(get.query ?? []).map((p) => ({ ...p, required: false }))],
      form: { fields: [{ name: '_method', description: 'GET', schema: { type: 'string', const: 'GET' } }, ...(get.query ?? [])] },
      errors: [...(get.errors ?? []), '610'],
    };
  }
  if (path.startsWith(`${CONSOLE_BASE}/emulator`)) {
    const control = OPERATIONS[`${route.method} ${EMULATOR_BASE}${path.slice(`${CONSOLE_BASE}/emulator`.length)}`];
    if (control) return { ...control, operationId: `console${pascal(control.operationId)}`, summary: `Console: ${control.summary}` };
  }
  if (path.startsWith(CONSOLE_BASE) && route.summary) {
    const segments = path.slice(CONSOLE_BASE.length).replace(/\{(\w+)\}/g, 'by $1');
    const errors: MarketoCode[] = route.method !== 'GET' ? ['609', '1002', '1003'] : path.includes('{') ? ['1003'] : [];
    return { operationId: `console${pascal(route.method.toLowerCase())}${pascal(segments)}`, summary: route.summary, answer: { kind: 'marketo', result: CONSOLE_RECORD }, errors };
  }
  return undefined;
}

function codesFor(route: RouteInfo, spec: OperationSpec): MarketoCode[] {
  const access = route.access;
  const pipeline = access === undefined || access === 'public' || access === 'identity' || access === 'console-page' ? []
    : access === 'admin' || access === 'console' ? CONTROL_CODES : TOKEN_CODES;
  const all = new Set<MarketoCode>([...pipeline, ...(spec.errors ?? [])]);
  return [...all].sort((a, b) => Number(a) - Number(b));
}

function securityFor(route: RouteInfo): Record<string, string[]>[] {
  switch (route.access) {
    case undefined: case 'public': case 'identity': return [];
    case 'admin': return [{ adminToken: [] }];
    case 'console': case 'console-page': return [{ consoleSession: [] }];
    default: return [{ accessToken: [] }];
  }
}

const PATH_PARAM_SCHEMAS: Record<string, Record<string, unknown>> = { id: { type: 'string', pattern: '^\\d{1,15}$' } };

function parametersFor(path: string, spec: OperationSpec): Record<string, unknown>[] {
  const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({
    name: m[1], in: 'path', required: true, schema: PATH_PARAM_SCHEMAS[m[1]!] ?? { type: 'string' },
    ...(m[1] === 'id' ? { description: 'A numeric id (the path ends in `.json`)', example: '1001' } : {}),
  }));
  const query = (spec.query ?? []).map((p: QueryParam) => ({
    name: p.name, in: 'query', description: p.description, required: p.required === true, schema: p.schema, ...(p.example ? { example: p.example } : {}),
  }));
  const file = spec.answer.kind === 'file' ? [
    { name: 'Range', in: 'header', required: false, description: 'One range: `bytes=0-1023`, `bytes=1024-`, `bytes=-500`', schema: { type: 'string' }, example: 'bytes=0-99' },
    { name: 'If-Range', in: 'header', required: false, description: 'The ETag: a range only while the file is that one', schema: { type: 'string' } },
  ] : [];
  return [...inPath, ...query, ...file];
}

function requestBodyFor(spec: OperationSpec, schemas: Record<string, { examples?: unknown[] }>): Record<string, unknown> | undefined {
  if (spec.body) {
    const example = schemas[spec.body.shape.name]?.examples?.[0];
    return {
      required: spec.body.required === true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${spec.body.shape.name}` }, ...(example !== undefined ? { example } : {}) } },
    };
  }
  if (spec.form) {
    const properties = Object.fromEntries(spec.form.fields.map((f) => [f.name, { ...f.schema, description: f.description }]));
    return { required: false, content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties } } } };
  }
  return undefined;
}

/** Every shape the operations name, as JSON Schema under its name (refs between them included). */
function componentSchemas(specs: OperationSpec[]): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  const shapes = new Map<string, NamedShape>();
  const add = (s: NamedShape) => {
    const seen = shapes.get(s.name);
    if (seen && seen.shape !== s.shape) throw new Error(`two shapes are named ${s.name}`);
    if (!seen) registry.add(s.shape, { id: s.name });
    shapes.set(s.name, s);
  };
  for (const spec of specs) {
    if (spec.body) add(spec.body.shape);
    const a = spec.answer;
    if (a.kind === 'marketo' || a.kind === 'asset') add(a.result);
    if (a.kind === 'json') add(a.schema);
  }
  const out = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(out.schemas).map(([name, s]) => {
    const { $schema: _s, $id: _i, ...schema } = s as Record<string, unknown>;
    return [name, schema];
  }));
}

const TAGS: [string, string][] = [
  ['/bulk/v1/activities/', 'Bulk Activity Extract'], ['/bulk/v1/leads/', 'Bulk Lead Extract'], ['/bulk/v1/program/members/', 'Bulk Program Member Extract'],
  ['/rest/asset/', 'Assets'], ['/rest/v1/', 'Lead Database'], ['/identity/', 'Identity'], [EMULATOR_BASE, 'Emulator'], [CONSOLE_BASE, 'Console'],
  ['/console/', 'Console'], ['/', 'Tidemark'],
];
const tagOf = (path: string) => TAGS.find(([prefix]) => path.startsWith(prefix))![1];

export function openApiDocument(routes: readonly RouteInfo[], version: string): Record<string, unknown> {
  const sorted = [...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
  const specs = sorted.map((r) => operationFor(r) ?? { operationId: '', summary: '', answer: { kind: 'marketo', result: CONSOLE_RECORD } } as OperationSpec);
  const schemas = componentSchemas(specs);
  const paths: Record<string, Record<string, unknown>> = {};
  sorted.forEach((r, i) => {
    const spec = specs[i]!;
    const path = openApiPath(r.url);
    const codes = codesFor(r, spec);
    const a = spec.answer;
    if (a.kind === 'marketo' || a.kind === 'asset') schemas[envelopeName(a)] ??= envelopeSchema(a);
    const example = spec.resultExample ?? (a.kind === 'marketo' || a.kind === 'asset' ? (schemas[a.result.name]?.examples as unknown[] | undefined)?.[0] : undefined);
    const access: Record<number, string> = r.access === 'admin' ? { 401: 'Admin token missing or invalid' }
      : r.access === 'console' ? { 401: 'No console session and no admin token', 403: 'A change without the CSRF token, or from another site' } : {};
    const body = requestBodyFor(spec, schemas as Record<string, { examples?: unknown[] }>);
    const parameters = parametersFor(path, spec);
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: spec.operationId, summary: spec.summary, tags: [tagOf(path)],
      ...(spec.description ? { description: spec.description } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(body ? { requestBody: body } : {}),
      security: securityFor(r),
      responses: responsesFor(a, codes, example, access),
      'x-marketo-errors': codes.map((code) => ({ code, message: MARKETO_ERRORS[code].title })),
      ...(r.method === 'POST' && r.bodyLimit ? { 'x-body-limit-bytes': r.bodyLimit } : {}),
      ...(typeof r.access === 'string' && securityFor(r)[0]?.accessToken ? { 'x-permission': r.access } : {}),
    };
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tidemark', version,
      description: "Marketo's bulk extract APIs (activities, leads, program members) and the REST reads around them, plus Tidemark's own endpoints under /tidemark/v1. Marketo answers refusals as HTTP 200 with success false; each operation lists its codes in x-marketo-errors (docs/errors.md).",
    },
    tags: [...new Set(TAGS.map(([, t]) => t))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { ...COMMON_SCHEMAS, ...schemas },
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', description: 'A token from /identity/oauth/token, as Authorization: Bearer <token>; the access_token query parameter only with serve --allow-query-token' },
        adminToken: { type: 'http', scheme: 'bearer', description: 'The --admin-token of serve --emulator-controls' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'tidemark_console', description: 'The console session (docs/console.md); changes also need the X-Tidemark-CSRF header. Over HTTPS the cookie is __Host-tidemark_console. The JSON endpoints also take Authorization: Bearer <admin token> instead' },
      },
    },
  };
}
