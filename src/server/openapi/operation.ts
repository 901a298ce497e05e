/**
 * How one operation of the OpenAPI document is described: its id and summary, its query
 * parameters, its body (a shape that lives beside the validator that reads it), what it answers
 * and the Marketo codes it may answer with besides those of the pipeline (document.ts adds the
 * token, permission and limit codes from the route's access). Each area's table of these sits in
 * its own file (marketo-operations.ts, tidemark-operations.ts).
 */
import type { z } from 'zod';
import type { MarketoCode } from '../../errors/catalog.js';

export interface QueryParam {
  name: string;
  description: string;
  schema: Record<string, unknown>;
  required?: boolean;
  /** Sent by the live test; shown in the document. */
  example?: string;
}

/** A shape and the name its JSON Schema has under components.schemas. */
export interface NamedShape {
  name: string;
  shape: z.ZodType;
}

export type Answer =
  /** Marketo's Lead Database envelope (requestId, success, result[], errors, warnings, nextPageToken). */
  | { kind: 'marketo'; result: NamedShape; paged?: boolean }
  /** The Asset API's envelope (success, errors, requestId, warnings, result[] when found). */
  | { kind: 'asset'; result: NamedShape }
  /** The export file: whole (200), one range (206), 416, or the plain-text 404. */
  | { kind: 'file'; head?: boolean }
  /** A whole file as an attachment (the console's download), or the plain-text 404. */
  | { kind: 'download' }
  /** A JSON body of its own (identity, health, the document itself). */
  | { kind: 'json'; schema: NamedShape; status?: Record<number, string> }
  /** Text or HTML; `redirect` for a 303. */
  | { kind: 'text'; mediaType: string; description: string; redirect?: boolean };

export interface OperationSpec {
  operationId: string;
  summary: string;
  description?: string;
  query?: QueryParam[];
  /** A JSON request body; `example` must pass the shape (a test checks it). */
  body?: { shape: NamedShape; required?: boolean };
  /** A form body instead (identity, the console's sign-in). */
  form?: { fields: QueryParam[] };
  answer: Answer;
  /** The codes this operation answers besides the pipeline's (docs/errors.md has each one). */
  errors?: MarketoCode[];
  /** An example result, one item of `result` (must pass the result shape; a test checks it). */
  resultExample?: unknown;
}

export const named = (name: string, shape: z.ZodType): NamedShape => ({ name, shape });

export const intParam = (name: string, description: string, example?: string): QueryParam =>
  ({ name, description, schema: { type: 'string', pattern: '^\\s*[+-]?\\d{1,15}\\s*$' }, ...(example ? { example } : {}) });
export const textParam = (name: string, description: string, example?: string, required = false): QueryParam =>
  ({ name, description, schema: { type: 'string' }, ...(required ? { required } : {}), ...(example ? { example } : {}) });
export const booleanParam = (name: string, description: string, example?: string): QueryParam =>
  ({ name, description, schema: { type: 'string', pattern: '^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$' }, ...(example ? { example } : {}) });
