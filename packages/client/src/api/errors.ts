/**
 * The SDK's errors: one base class, an API error carrying Marketo's code and requestId, a
 * distinct error for the daily export quota, and a transport error for network and parse
 * failures. `isMarketoError` checks a brand, so it works across copies of the package.
 */
const BRAND = '__tidemarkMarketoError';

/**
 * Base of every error the SDK throws.
 * @example
 * try { await client.exportStatus(id) } catch (e) { if (e instanceof MarketoError) console.error(e.message) }
 */
export class MarketoError extends Error {
  readonly [BRAND] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MarketoError';
  }
}

/**
 * Marketo answered `success:false` (or the identity endpoint refused the credentials).
 * @example
 * try { await client.enqueueExport(id) } catch (e) { if (e instanceof MarketoApiError && e.code === '1003') console.error('no such job', e.requestId) }
 */
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
 * @example
 * try { await client.createExport(request) } catch (e) { if (e instanceof ExportQuotaError) console.log(`try again after ${e.resetsAt.toISOString()}`) }
 */
export class ExportQuotaError extends MarketoApiError {
  constructor(message: string, requestId: string | undefined, readonly resetsAt: Date) {
    super('1029', message, requestId);
    this.name = 'ExportQuotaError';
  }
}

/**
 * The request did not get a usable answer: network error, HTTP 5xx, unparseable body, bad
 * checksum. A network failure keeps its system or TLS code (`ECONNREFUSED`, `ENOTFOUND`,
 * `CERT_HAS_EXPIRED`, ...) in `causeCode`, found under fetch's generic "fetch failed".
 * @example
 * try { await client.exportStatus(id) } catch (e) { if (e instanceof MarketoTransportError && e.causeCode === 'ECONNREFUSED') console.error('is the server running?') }
 */
export class MarketoTransportError extends MarketoError {
  readonly causeCode?: string;
  constructor(message: string, readonly status?: number, cause?: unknown) {
    super(message, { cause });
    this.name = 'MarketoTransportError';
    const code = causeCodeOf(cause);
    if (code !== undefined) this.causeCode = code;
  }
}

/** The first `code` along an error's causes (undici wraps the socket's error; happy eyeballs gathers several). */
function causeCodeOf(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  const inner = causeCodeOf(e.cause, depth + 1);
  if (inner !== undefined) return inner;
  return Array.isArray(e.errors) ? causeCodeOf(e.errors[0], depth + 1) : undefined;
}

/**
 * True for any error the SDK throws.
 * @example
 * try { await client.createExport(req) } catch (e) { if (isMarketoError(e)) console.error(e.message) }
 */
export function isMarketoError(e: unknown): e is MarketoError {
  return typeof e === 'object' && e !== null && (e as Record<string, unknown>)[BRAND] === true;
}
