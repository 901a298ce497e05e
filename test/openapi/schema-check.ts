/**
 * Checks values against the schemas of an OpenAPI document with ajv (JSON Schema 2020-12, as
 * OpenAPI 3.1 uses it). `closed` closes every object schema that names its properties and says
 * nothing of others, so an answer with a key its shape does not name fails: the document stays
 * open for clients (a new key breaks no generated model), the tests do not let shapes drift.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

type Json = Record<string, unknown>;

function close(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(close);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'examples' || k === 'example' ? v : close(v)]));
  if (out.type === 'object' && out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  return out;
}

export class SchemaCheck {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(doc: Json, options: { closed?: boolean } = {}) {
    const components = (doc.components as Json).schemas as Json;
    this.ajv.addSchema({ $id: 'tidemark:openapi', components: { schemas: options.closed ? close(components) : components } });
  }

  /** The errors of `value` against `schema` (a $ref into the document or an inline schema), or [] when it passes. */
  errors(schema: Json, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (!validate) {
      const rebased = JSON.parse(key.replaceAll('"#/components/', '"tidemark:openapi#/components/')) as Json;
      validate = this.ajv.compile(rebased);
      this.compiled.set(key, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  }
}

/** `#/components/schemas/X` */
export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
