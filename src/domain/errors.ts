/**
 * Domain errors. The domain and the stores speak these; only the HTTP layer turns them into
 * Marketo codes (server/http/error-renderer.ts).
 */

/**
 * A value a client sent, as text for an error message. Only strings, numbers, booleans and null
 * are turned into text directly; anything else is shown as its JSON. `String(v)` or a template
 * literal would run the value's own `toString`/`valueOf`: for parsed JSON such as
 * `{"toString": 1}` those are data, not methods, and the conversion throws (a 611 instead of the
 * rule's code).
 * @example shownValue({ toString: 1 }) // '{"toString":1}'
 */
export function shownValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v; // cycles cannot come from JSON.parse; a caller's own object might hold one
  }
}

/** A create body or query that breaks a rule. `kind` decides the Marketo code (1002, 1001, 1003). */
export class InvalidRequest extends Error {
  private constructor(
    readonly kind: 'missing' | 'type' | 'rule',
    readonly param: string,
    message: string,
    readonly value?: string,
    readonly expectedType?: string,
  ) {
    super(message);
    this.name = 'InvalidRequest';
  }
  static missing(param: string): InvalidRequest {
    return new InvalidRequest('missing', param, `Missing value for required parameter '${param}'`);
  }
  static type(param: string, value: string, expectedType: string): InvalidRequest {
    return new InvalidRequest('type', param, `Invalid value '${value}'. Required of type '${expectedType}'`, value, expectedType);
  }
  static rule(param: string, rule: string): InvalidRequest {
    return new InvalidRequest('rule', param, `Invalid value for '${param}': ${rule}`);
  }
  /** Field names a lead or program member export cannot give, all in one message (Marketo's own wording, notes §2.5). */
  static fields(names: readonly string[]): InvalidRequest {
    return new InvalidRequest('rule', 'fields', `Invalid fields [${names.join(', ')}]`);
  }
  /** A rule broken with Marketo's own message (`Invalid Data` for unknown program member statuses, notes §3.2). */
  static data(param: string, message: string): InvalidRequest {
    return new InvalidRequest('rule', param, message);
  }
}

/** A filter the subscription lacks the feature for (`--advanced-extract-filters off`; notes Q4). */
export class UnsupportedFilter extends Error {
  constructor(readonly filter: string) {
    super('Unsupported filter type for target subscription');
    this.name = 'UnsupportedFilter';
  }
}

/** A list or program an export selects by was deleted before the job started Processing (notes Q2). */
export class ExportSourceGone extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportSourceGone';
  }
}

/** A name that must be unique is taken (a custom activity type's apiName). */
export class DuplicateName extends Error {
  constructor(readonly value: string) {
    super(`'${value}' already exists`);
    this.name = 'DuplicateName';
  }
}

export class JobNotFound extends Error {
  constructor(readonly exportId: string) {
    super(`Export job '${exportId}' not found`);
    this.name = 'JobNotFound';
  }
}

/** A transition the job's current status does not allow (enqueue a Completed job, ...). */
export class InvalidTransition extends Error {
  constructor(
    readonly exportId: string,
    readonly status: string,
    readonly action: 'enqueue' | 'cancel',
  ) {
    super(`Cannot ${action} export job '${exportId}': its status is ${status}`);
    this.name = 'InvalidTransition';
  }
}

export class AlreadyQueued extends Error {
  constructor(readonly exportId: string) {
    super('Job already queued');
    this.name = 'AlreadyQueued';
  }
}

export class QueueFull extends Error {
  constructor(readonly limit: number) {
    super('Too many jobs in queue');
    this.name = 'QueueFull';
  }
}

export class ExportQuotaExceeded extends Error {
  constructor(
    readonly quotaMb: number,
    readonly resetsAtMs: number,
  ) {
    super(`Export daily quota ${quotaMb}MB exceeded.`);
    this.name = 'ExportQuotaExceeded';
  }
}

/** A `nextPageToken` of lists.json / campaigns.json that does not decode, or was issued for other filters. */
export class InvalidPageToken extends Error {
  constructor() {
    super('Invalid nextPageToken');
    this.name = 'InvalidPageToken';
  }
}

/** A record asked for by id that does not exist (a static list or campaign by id). */
export class ObjectNotFound extends Error {
  constructor(
    readonly kind: string,
    readonly id: number,
  ) {
    super(`${kind} ${id} not found`);
    this.name = 'ObjectNotFound';
  }
}

/**
 * An Asset API browse the API refuses with its own code rather than 1001-1003: a filter without
 * its values, a date window that ends before it starts. The message is Marketo's.
 */
export class AssetQueryRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssetQueryRefused';
  }
}

/**
 * The store cannot do what was asked for now, through no fault of the request: its disk is full,
 * its server is unreachable or out of resources. Retrying later may work; nothing was changed.
 */
export class StoreUnavailable extends Error {
  constructor(readonly reason: 'full' | 'unreachable' | 'busy', options?: { cause?: unknown }) {
    super(`the store is unavailable (${reason})`, options);
    this.name = 'StoreUnavailable';
  }
}
