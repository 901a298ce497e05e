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
