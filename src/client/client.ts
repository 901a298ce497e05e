/**
 * The typed SDK for Marketo's Bulk Activity Extract API. Works against Tidemark and Marketo
 * itself; imports nothing from the server.
 */
import { nextChicagoDayStart } from '../domain/dates.js';
import { ExportQuotaError, MarketoApiError, MarketoTransportError, type MarketoError } from './errors.js';
import { TokenProvider, type FetchLike } from './token-provider.js';
import type { ActivityType, CreateExportRequest, ExportJob, ExportStatus } from './types.js';

export interface RetryOptions {
  /** Attempts after the first (default 8). */
  retries?: number;
  /** First backoff delay (default 1 s); doubles each time, with jitter. */
  baseDelayMs?: number;
  /** Largest backoff delay (default 60 s). */
  maxDelayMs?: number;
}

export interface MarketoClientOptions {
  /**
   * Base URL: a Tidemark URL (`http://127.0.0.1:3000`) or a Marketo REST endpoint
   * (`https://123-ABC-456.mktorest.com/rest`; the `/rest` suffix is optional).
   */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Called before each retry; useful for logging. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Response-level codes worth retrying: rate (606), concurrency (615), timeouts and transient errors. */
const RETRYABLE_CODES = new Set(['502', '604', '606', '608', '611', '615', '713']);
const QUEUE_FULL = /too many jobs in queue/i;
const QUOTA = /export daily quota/i;

export interface WaitOptions {
  /** First delay between status calls (default 1 s). */
  intervalMs?: number;
  /** Largest delay (default 60 s). */
  maxIntervalMs?: number;
  /** Each delay is this many times the last (default 1.5). */
  backoff?: number;
  /** Awaited before each status call. */
  beforePoll?: () => Promise<void>;
  onStatus?: (job: ExportJob) => void;
  signal?: AbortSignal;
}

export interface ListExportsOptions {
  status?: ExportStatus[];
  batchSize?: number;
}

/**
 * @example
 * const client = new MarketoClient({ endpoint: 'http://127.0.0.1:3000', clientId, clientSecret });
 * const [job] = await client.createExport({ filter: { createdAt: { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-31T23:59:59Z' } } });
 */
export class MarketoClient {
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  private readonly fetch: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly o: MarketoClientOptions) {
    this.baseUrl = normaliseEndpoint(o.endpoint);
    this.fetch = o.fetch ?? globalThis.fetch;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = o.now ?? Date.now;
    this.tokens = new TokenProvider({ baseUrl: this.baseUrl, clientId: o.clientId, clientSecret: o.clientSecret, fetch: this.fetch, now: this.now });
  }

  /**
   * Creates an export job (status Created).
   * @example const job = await client.createExport({ format: 'CSV', filter: { createdAt: { startAt, endAt }, activityTypeIds: [1, 2] } })
   */
  async createExport(request: CreateExportRequest): Promise<ExportJob> {
    return first(await this.call<ExportJob>('POST', '/bulk/v1/activities/export/create.json', request));
  }

  /**
   * Queues a Created job. Retries while the server's queue is full ("Too many jobs in queue").
   * @example await client.enqueueExport(job.exportId)
   */
  async enqueueExport(exportId: string): Promise<ExportJob> {
    return first(await this.call<ExportJob>('POST', `/bulk/v1/activities/export/${enc(exportId)}/enqueue.json`));
  }

  /**
   * The job's current status.
   * @example const { status, fileSize } = await client.exportStatus(exportId)
   */
  async exportStatus(exportId: string): Promise<ExportJob> {
    return first(await this.call<ExportJob>('GET', `/bulk/v1/activities/export/${enc(exportId)}/status.json`));
  }

  /**
   * Cancels a Created, Queued or Processing job.
   * @example await client.cancelExport(exportId)
   */
  async cancelExport(exportId: string): Promise<ExportJob> {
    return first(await this.call<ExportJob>('POST', `/bulk/v1/activities/export/${enc(exportId)}/cancel.json`));
  }

  /**
   * The caller's jobs of the last 7 days, following `nextPageToken` to the end.
   * @example const running = await client.listExports({ status: ['Queued', 'Processing'] })
   */
  async listExports(options: ListExportsOptions = {}): Promise<ExportJob[]> {
    const out: ExportJob[] = [];
    let token: string | undefined;
    do {
      const q = new URLSearchParams();
      if (options.status?.length) q.set('status', options.status.join(','));
      if (options.batchSize) q.set('batchSize', String(options.batchSize));
      if (token) q.set('nextPageToken', token);
      const page = await this.callPage<ExportJob>('GET', `/bulk/v1/activities/export.json?${q}`);
      out.push(...page.result);
      token = page.nextPageToken;
    } while (token);
    return out;
  }

  /**
   * The activity types of the instance.
   * @example const types = await client.activityTypes()
   */
  async activityTypes(): Promise<ActivityType[]> {
    return this.call<ActivityType>('GET', '/rest/v1/activities/types.json');
  }

  /**
   * Polls until the job leaves Created/Queued/Processing, with backoff from `intervalMs` (default
   * 1 s), each delay `backoff` (default 1.5) times the last, up to `maxIntervalMs` (default 60 s).
   * `beforePoll` is awaited before every status call (to pace the calls of several waits).
   * Returns the final job (Completed, Failed or Cancelled).
   * @example const done = await client.waitForExport(exportId, { onStatus: (j) => console.log(j.status) })
   */
  async waitForExport(exportId: string, options: WaitOptions = {}): Promise<ExportJob> {
    let delay = options.intervalMs ?? 1000;
    for (;;) {
      options.signal?.throwIfAborted();
      await options.beforePoll?.();
      const job = await this.exportStatus(exportId);
      options.onStatus?.(job);
      if (job.status !== 'Queued' && job.status !== 'Processing' && job.status !== 'Created') return job;
      await abortable(this.sleep(delay), options.signal);
      delay = Math.min(delay * (options.backoff ?? 1.5), options.maxIntervalMs ?? 60_000);
    }
  }

  /**
   * A raw authenticated request (file downloads use it). Network errors and HTTP 5xx are retried
   * with backoff like API calls; a JSON error envelope in place of the file is never handed back
   * as data: 601/602 get a fresh token, the retryable codes (606, 615, ...) are retried with
   * backoff, any other code throws MarketoApiError.
   * @example const res = await client.rawRequest('GET', `/bulk/v1/activities/export/${id}/file.json`, { Range: 'bytes=0-0' })
   */
  async rawRequest(method: string, path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const retries = this.o.retry?.retries ?? 8;
    let authRetries = 0;
    for (let attempt = 0; ; attempt++) {
      const token = await this.tokens.get();
      let failure: MarketoError;
      let res: Response | undefined;
      try {
        res = await this.fetch(`${this.baseUrl}${path}`, { method, headers: { ...headers, Authorization: `Bearer ${token}` }, signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        res = undefined;
        failure = new MarketoTransportError(`${method} ${path} failed: ${(err as Error).message}`, undefined, err);
      }
      if (res) {
        if (res.status >= 500) {
          await res.body?.cancel().catch(() => undefined);
          failure = new MarketoTransportError(`${method} ${path} answered HTTP ${res.status}`, res.status);
        } else {
          if (!(res.headers.get('content-type') ?? '').includes('application/json')) return res;
          const body = (await res.clone().json().catch(() => undefined)) as
            | { success?: boolean; errors?: { code: unknown; message?: string }[]; requestId?: string }
            | undefined;
          const e = body?.success === false ? body.errors?.[0] : undefined;
          if (!e) return res;
          const code = String(e.code);
          if ((code === '601' || code === '602') && authRetries < 2) {
            authRetries++;
            this.tokens.invalidate();
            attempt--;
            continue;
          }
          failure = new MarketoApiError(code, e.message ?? `HTTP ${res.status}`, body?.requestId);
          if (!RETRYABLE_CODES.has(code)) throw failure;
        }
      }
      if (attempt >= retries) throw failure!;
      await abortable(this.backoff(attempt, failure!.message), signal);
    }
  }

  /** Waits before retry `attempt + 1`: base x 2^attempt, capped, with +-25 % jitter. */
  private backoff(attempt: number, reason: string): Promise<void> {
    const base = this.o.retry?.baseDelayMs ?? 1000;
    const delayMs = Math.min(base * 2 ** attempt, this.o.retry?.maxDelayMs ?? 60_000) * (0.75 + Math.random() * 0.5);
    this.o.onRetry?.({ attempt: attempt + 1, delayMs, reason });
    return this.sleep(delayMs);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T[]> {
    return (await this.callPage<T>(method, path, body)).result;
  }

  /** One API call with Marketo's retry rules; throws MarketoApiError, ExportQuotaError or MarketoTransportError. */
  private async callPage<T>(method: string, path: string, body?: unknown): Promise<{ result: T[]; nextPageToken?: string }> {
    const retries = this.o.retry?.retries ?? 8;
    let authRetries = 0;
    for (let attempt = 0; ; attempt++) {
      let retryReason: string;
      try {
        return await this.once<T>(method, path, body);
      } catch (err) {
        if (err instanceof MarketoApiError && (err.code === '601' || err.code === '602') && authRetries < 2) {
          authRetries++;
          this.tokens.invalidate();
          attempt--;
          continue;
        }
        const retryable =
          (err instanceof MarketoTransportError && (err.status === undefined || err.status >= 500)) ||
          (err instanceof MarketoApiError && !(err instanceof ExportQuotaError) &&
            (RETRYABLE_CODES.has(err.code) || (err.code === '1029' && QUEUE_FULL.test(err.message))));
        if (!retryable || attempt >= retries) throw err;
        retryReason = (err as Error).message;
      }
      await this.backoff(attempt, retryReason);
    }
  }

  private async once<T>(method: string, path: string, body?: unknown): Promise<{ result: T[]; nextPageToken?: string }> {
    const token = await this.tokens.get();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new MarketoTransportError(`${method} ${path} failed: ${(err as Error).message}`, undefined, err);
    }
    const text = await res.text();
    if (res.status >= 500) throw new MarketoTransportError(`${method} ${path} answered HTTP ${res.status}`, res.status);
    let parsed: { success?: boolean; result?: T[]; errors?: { code: unknown; message?: string }[]; requestId?: string; nextPageToken?: string };
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MarketoTransportError(`${method} ${path} answered HTTP ${res.status} with a body that is not JSON`, res.status, err);
    }
    if (parsed.success === false || !res.ok) {
      const e = parsed.errors?.[0];
      const code = String(e?.code ?? res.status);
      const message = e?.message ?? `HTTP ${res.status}`;
      if (code === '1029' && QUOTA.test(message)) throw new ExportQuotaError(message, parsed.requestId, new Date(nextChicagoDayStart(this.now())));
      throw new MarketoApiError(code, message, parsed.requestId);
    }
    if (!Array.isArray(parsed.result)) throw new MarketoTransportError(`${method} ${path} answered without a result`, res.status);
    return { result: parsed.result, ...(parsed.nextPageToken ? { nextPageToken: parsed.nextPageToken } : {}) };
  }
}

function first<T>(list: T[]): T {
  if (list.length === 0) throw new MarketoTransportError('the answer held an empty result');
  return list[0]!;
}

const enc = encodeURIComponent;

/** Resolves with `p`, or rejects as soon as `signal` aborts. */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** `https://x.mktorest.com/rest/` and `https://x.mktorest.com` both become `https://x.mktorest.com`. */
export function normaliseEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/rest$/, '');
}
