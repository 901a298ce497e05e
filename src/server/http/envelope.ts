import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a JSON handler returns; the adapter adds requestId and success. */
export interface HandlerResult {
  result: unknown[];
  nextPageToken?: string;
  /** Marketo puts notes such as "No assets found for the given search criteria." here. */
  warnings?: string[];
}

export type JsonHandler = (req: FastifyRequest) => Promise<HandlerResult>;

/** Wraps a handler that returns data into Marketo's envelope: requestId, result, success (in that order). */
export function json(handler: JsonHandler) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const out = await handler(req);
    reply.type('application/json;charset=UTF-8');
    return {
      requestId: req.ctx.requestId,
      result: out.result,
      success: true,
      ...(out.nextPageToken ? { nextPageToken: out.nextPageToken } : {}),
      ...(out.warnings?.length ? { warnings: out.warnings } : {}),
    };
  };
}

/** Asset API browse and look-ups say this, with no `result`, when nothing matches or a page is past the end. */
export const NO_ASSETS_FOUND = 'No assets found for the given search criteria.';

/**
 * Wraps a handler into the Asset API's envelope, which differs from the Lead Database's: `errors`
 * and `warnings` are always there, in the order real answers use (success, errors, requestId,
 * warnings, result), and an empty result is no `result` at all but the "No assets found" warning,
 * which is what tap-marketo's program loop stops on (notes §8.2, §8.3).
 */
export function assetJson(handler: JsonHandler) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const out = await handler(req);
    reply.type('application/json;charset=UTF-8');
    const found = out.result.length > 0;
    return {
      success: true,
      errors: [],
      requestId: req.ctx.requestId,
      warnings: found ? (out.warnings ?? []) : [...(out.warnings ?? []), NO_ASSETS_FOUND],
      ...(found ? { result: out.result } : {}),
    };
  };
}
