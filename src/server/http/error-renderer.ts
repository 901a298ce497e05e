/**
 * The one place that turns errors into answers. Domain errors map to Marketo codes here and only
 * here; anything unexpected becomes 611 with the cause in the log, never in the response.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  AlreadyQueued, AssetQueryRefused, DuplicateName, ExportQuotaExceeded, InvalidPageToken, InvalidRequest, InvalidTransition, JobNotFound,
  ObjectNotFound, QueueFull, StoreUnavailable, UnsupportedFilter,
} from '../../domain/errors.js';
import { marketo, MarketoApiFailure, PLAIN_TEXT } from '../../errors/catalog.js';

/** The identity endpoint answers in OAuth2 style, not in Marketo's envelope. */
export class OAuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    /** Sent as `Retry-After` (seconds) with a 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

export function toMarketoFailure(err: unknown): MarketoApiFailure | undefined {
  if (err instanceof MarketoApiFailure) return err;
  if (err instanceof InvalidRequest) {
    if (err.kind === 'missing') return marketo.missingValue(err.param);
    if (err.kind === 'type') return marketo.invalidValue(err.value ?? '', err.expectedType ?? 'string');
    return marketo.invalidData(err.message);
  }
  if (err instanceof JobNotFound) return marketo.jobNotFound(err.exportId);
  if (err instanceof DuplicateName) return marketo.invalidData(`Invalid value: '${err.value}' already exists`);
  if (err instanceof InvalidTransition) return marketo.invalidData(err.message);
  if (err instanceof AlreadyQueued) return marketo.alreadyQueued();
  if (err instanceof QueueFull) return marketo.queueFull();
  if (err instanceof ExportQuotaExceeded) return marketo.dailyExportQuota(err.quotaMb);
  if (err instanceof InvalidPageToken) return marketo.invalidData(err.message);
  if (err instanceof ObjectNotFound) return marketo.objectNotFound();
  if (err instanceof AssetQueryRefused) return marketo.assetQueryRefused(err.message);
  if (err instanceof UnsupportedFilter) return marketo.unsupportedFilter();
  return undefined;
}

/** Asset API paths answer in that API's envelope (errors and warnings always present, its key order). */
export const isAssetApiPath = (url: string | undefined): boolean => (url ?? '').startsWith('/rest/asset/');

export function envelopeFor(requestId: string, failure: MarketoApiFailure, url?: string) {
  const errors = [{ code: failure.code, message: failure.message }];
  if (isAssetApiPath(url)) return { success: false, errors, requestId, warnings: [] };
  return { requestId, success: false, errors };
}

export function renderError(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof OAuthFailure) {
    if (req.ctx) req.ctx.errorCode = err.error;
    if (err.retryAfterSeconds !== undefined) reply.header('Retry-After', String(err.retryAfterSeconds));
    reply.code(err.status).send({ error: err.error, error_description: err.description });
    return;
  }
  const code = (err as FastifyError).code;
  const status = (err as FastifyError).statusCode;
  if (status === 413 || code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    reply.code(413).type('text/plain; charset=utf-8').send(PLAIN_TEXT.payloadTooLarge);
    return;
  }
  // The router refuses a path parameter over its limit, which is the URI limit (app.ts): 414.
  if (code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.code(414).type('text/plain; charset=utf-8').send(PLAIN_TEXT.uriTooLong);
    return;
  }
  if (err instanceof StoreUnavailable) {
    // Not the client's fault and not a bug: the cause is logged, the client told to retry (608).
    req.log.error({ err: err.cause ?? err, requestId: req.ctx?.requestId }, `store unavailable (${err.reason})`);
    if (req.ctx) req.ctx.errorCode = '608';
    reply.code(200).send(envelopeFor(req.ctx?.requestId ?? '0000#0', marketo.temporarilyUnavailable()));
    return;
  }
  let failure = toMarketoFailure(err);
  if (!failure && code === 'FST_ERR_BAD_URL') failure = marketo.notFound();
  if (!failure && typeof code === 'string' && code.startsWith('FST_ERR_CTP')) failure = marketo.invalidJson();
  if (!failure) {
    req.log.error({ err, requestId: req.ctx?.requestId }, 'unexpected error');
    failure = marketo.systemError();
  }
  if (req.ctx) req.ctx.errorCode = failure.code;
  reply.code(200).send(envelopeFor(req.ctx?.requestId ?? '0000#0', failure, req.url));
}
