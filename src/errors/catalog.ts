/**
 * The one catalog of Marketo error codes Tidemark answers with. Every response-level error is
 * rendered from here by `server/http/error-renderer.ts`; `docs/errors.md` lists the same rows and a
 * test keeps the two in sync.
 */
export const MARKETO_ERRORS = {
  '601': { title: 'Access token invalid', when: 'No token, a token Tidemark never issued, or a token in the access_token query parameter (without --allow-query-token)' },
  '602': { title: 'Access token expired', when: 'The token is past its 3600 s lifetime' },
  '603': { title: 'Access denied', when: "The API user's role lacks the route's permission (Activity, Lead, Assets or Campaigns), or the user is disabled" },
  '606': { title: "Max rate limit '%s' exceeded with in '%s' secs", when: 'More calls than the rate limit in its window (default 100 per 20 s)' },
  '607': { title: 'Daily quota reached', when: 'More calls today than the daily call quota (default 50,000)' },
  '608': { title: 'API Temporarily Unavailable', when: 'The store cannot serve now (full disk, unreachable database); retry later, nothing was changed' },
  '609': { title: 'Invalid JSON', when: 'The create body is not JSON' },
  '610': { title: 'Requested resource not found', when: 'Unknown path or method' },
  '611': { title: 'System error', when: 'Anything unexpected; the cause is logged, never sent' },
  '615': { title: "Concurrent access limit '%s' reached", when: 'More requests in flight than allowed (default 10)' },
  '701': { title: '%s cannot be blank / End date should always be after start date', when: 'Asset API browse: filterType or filterValues without the other, or earliestUpdatedAt after latestUpdatedAt' },
  '1001': { title: "Invalid value '%s'. Required of type '%s'", when: 'A date that does not parse, or milliseconds in strict mode' },
  '1002': { title: "Missing value for required parameter '%s'", when: 'filter, filter.createdAt, startAt or endAt missing' },
  '1003': { title: 'Invalid data', when: 'A rule of the create body broken; unknown or foreign export id; a transition the job status does not allow' },
  '1013': { title: 'Object not found', when: 'A static list or smart campaign asked for by id does not exist' },
  '1029': { title: 'Too many jobs in queue / Export daily quota exceeded / Job already queued', when: 'Queue full, daily export quota spent, or job already queued' },
  '1035': { title: 'Unsupported filter type for target subscription', when: 'A lead export with an updatedAt or smart list filter, or a program member export with updatedAt, under --advanced-extract-filters off' },
} as const;

export type MarketoCode = keyof typeof MARKETO_ERRORS;

/** An error that the HTTP layer renders as Marketo's `success:false` envelope (HTTP 200). */
export class MarketoApiFailure extends Error {
  constructor(
    readonly code: MarketoCode,
    message: string,
  ) {
    super(message);
    this.name = 'MarketoApiFailure';
  }
}

export const marketo = {
  tokenInvalid: () => new MarketoApiFailure('601', 'Access token invalid'),
  /** Marketo removed the query parameter on 2026-08-31; the message says where the token goes instead. */
  queryTokenRefused: () => new MarketoApiFailure('601', "Access token invalid: the access_token query parameter is not accepted; send the token in the 'Authorization: Bearer' header"),
  tokenExpired: () => new MarketoApiFailure('602', 'Access token expired'),
  accessDenied: () => new MarketoApiFailure('603', 'Access denied'),
  rateLimited: (calls: number, seconds: number) =>
    new MarketoApiFailure('606', `Max rate limit '${calls}' exceeded with in '${seconds}' secs`),
  dailyCallQuota: () => new MarketoApiFailure('607', 'Daily quota reached'),
  temporarilyUnavailable: () => new MarketoApiFailure('608', 'API Temporarily Unavailable'),
  invalidJson: () => new MarketoApiFailure('609', 'Invalid JSON'),
  notFound: () => new MarketoApiFailure('610', 'Requested resource not found'),
  systemError: () => new MarketoApiFailure('611', 'System error'),
  concurrencyLimited: (limit: number) => new MarketoApiFailure('615', `Concurrent access limit '${limit}' reached`),
  invalidValue: (value: string, type: string) =>
    new MarketoApiFailure('1001', `Invalid value '${value}'. Required of type '${type}'`),
  missingValue: (param: string) => new MarketoApiFailure('1002', `Missing value for required parameter '${param}'`),
  invalidData: (message: string) => new MarketoApiFailure('1003', message),
  /** Asset API: a blank filter value, a reversed date window (the message is Marketo's). */
  assetQueryRefused: (message: string) => new MarketoApiFailure('701', message),
  objectNotFound: () => new MarketoApiFailure('1013', 'Object not found'),
  jobNotFound: (exportId: string) => new MarketoApiFailure('1003', `Export job '${exportId}' not found`),
  queueFull: () => new MarketoApiFailure('1029', 'Too many jobs in queue'),
  alreadyQueued: () => new MarketoApiFailure('1029', 'Job already queued'),
  dailyExportQuota: (mb: number) => new MarketoApiFailure('1029', `Export daily quota ${mb}MB exceeded.`),
  unsupportedFilter: () => new MarketoApiFailure('1035', 'Unsupported filter type for target subscription'),
};

/** Plain-text bodies for the few answers that are not JSON envelopes. */
export const PLAIN_TEXT = {
  fileNotFound: (exportId: string) => `Export file for job '${exportId}' not found or not available`,
  payloadTooLarge: 'Request Entity Too Large',
  uriTooLong: 'Request-URI Too Long',
  badRequest: 'Bad Request',
  requestTimeout: 'Request Timeout',
  headersTooLarge: 'Request Header Fields Too Large',
  hostMissing: 'Bad Request: an HTTP/1.1 request needs a Host header',
  expectationFailed: "Expectation Failed: only 'Expect: 100-continue' is supported",
  connectNotAllowed: 'Method Not Allowed: CONNECT is not supported; Tidemark is not a proxy',
} as const;
