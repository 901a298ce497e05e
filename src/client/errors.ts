/**
 * The SDK's errors: one base class, an API error carrying Marketo's code and requestId, a
 * distinct error for the daily export quota, and a transport error for network and parse
 * failures. `isMarketoError` checks a brand, so it works across copies of the package.
 */
const BRAND = '__tidemarkMarketoError';

/** Base of every error the SDK throws. */
export class MarketoError extends Error {
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketoError';
  }
}

/** Marketo answered `success:false` (or the identity endpoint refused the credentials). */
export class MarketoApiError extends MarketoError {
  constructor(
    /** Marketo's code as a string (`"1029"`, `"601"`), or the OAuth error (`"invalid_client"`). */
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'MarketoApiError';
  }
}

/**
 * The daily export quota is spent (1029 `Export daily quota <N>MB exceeded.`). Retrying before
 * `resetsAt` (00:00 America/Chicago) cannot succeed.
 */
export class ExportQuotaError extends MarketoApiError {
  constructor(message: string, requestId: string | undefined, readonly resetsAt: Date) {
    super('1029', message, requestId);
    this.name = 'ExportQuotaError';
  }
}

/** The request did not get a usable answer: network error, HTTP 5xx, unparseable body, bad checksum. */
export class MarketoTransportError extends MarketoError {
  constructor(message: string, readonly status?: number, cause?: unknown) {
    super(message, { cause });
    this.name = 'MarketoTransportError';
  }
}

/**
 * True for any error the SDK throws.
 * @example
 * try { await client.createExport(req) } catch (e) { if (isMarketoError(e)) console.error(e.message) }
 */
export function isMarketoError(e: unknown): e is MarketoError {
  return typeof e === 'object' && e !== null && (e as Record<string, unknown>)[BRAND] === true;
}
