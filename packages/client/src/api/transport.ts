/**
 * One authenticated call to Marketo with its retry rules, for JSON calls and for raw responses
 * (file downloads). The token goes only in the `Authorization` header: Marketo removed the
 * `access_token` query parameter.
 */
import { nextChicagoDayStart } from '../lib/dates.js';
import { abortable } from '../lib/sleep.js';
import { ExportQuotaError, MarketoApiError, MarketoTransportError } from './errors.js';
import { fetchFailure } from './fetch-failure.js';
import type { FetchLike, TokenProvider } from './token-provider.js';

export interface RetryOptions {
  /** Attempts after the first (default 8). */
  retries?: number;
  /** First backoff delay (default 1 s); doubles each time, with jitter. */
  baseDelayMs?: number;
  /** Largest backoff delay (default 60 s). */
  maxDelayMs?: number;
  /**
   * Attempts after the first when the endpoint has never answered yet and the request fails on
   * the network (refused, unknown host, TLS failure): a wrong endpoint fails in seconds, not
   * minutes (default 2). Once it has answered, network failures get `retries`.
   */
  connectRetries?: number;
  /** First delay of those attempts (default 500 ms), doubling. */
  connectDelayMs?: number;
}

/** What `onRetry` is told before each retry. */
export interface RetryInfo {
  /** 1 for the first retry. */
  attempt: number;
  /** The retries this kind of failure is allowed. */
  retries: number;
  delayMs: number;
  /** The failure's message. */
  reason: string;
  /** Marketo's code (`606`) or the network failure's (`ECONNREFUSED`), when there is one. */
  code?: string;
}

export interface TransportOptions {
  baseUrl: string;
  fetch: FetchLike;
  tokens: TokenProvider;
  retry?: RetryOptions;
  onRetry?: (info: RetryInfo) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Whether the endpoint has answered any request yet (then refused connections get the full retries). */
  reached: () => boolean;
}

/** A page of results: `result` and, on list calls, the token of the next page. */
export interface Page<T> {
  result: T[];
  nextPageToken?: string;
}

/** Response-level codes worth retrying: rate (606), concurrency (615), timeouts and transient errors. */
const RETRYABLE_CODES = new Set(['502', '604', '606', '608', '611', '615', '713']);
const QUEUE_FULL = /too many jobs in queue/i;
const QUOTA = /export daily quota/i;
const AUTH_RETRIES = 2;

type Envelope<T> = { success?: boolean; result?: T[]; errors?: { code: unknown; message?: string }[]; requestId?: string; nextPageToken?: string };

export class ApiTransport {
  constructor(private readonly o: TransportOptions) {}

  /** One JSON API call with Marketo's retry rules; throws MarketoApiError, ExportQuotaError or MarketoTransportError. */
  json<T>(method: string, path: string, body?: unknown): Promise<Page<T>> {
    return this.retrying(() => this.jsonOnce<T>(method, path, body));
  }

  /**
   * A raw authenticated response. A JSON error envelope in place of the file is never handed back
   * as data: it is retried or thrown like any API error.
   */
  raw(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    return this.retrying(() => this.rawOnce(method, path, headers, signal), signal);
  }

  /** A token now, with the same retries as a call. */
  async authenticate(): Promise<void> {
    await this.retrying(() => this.o.tokens.get());
  }

  /** Runs `attempt` until it succeeds, a failure is not retryable, or its retries are spent. 601/602 fetch a new token first. */
  private async retrying<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    let authRetries = 0;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (signal?.aborted) throw err;
        if (err instanceof MarketoApiError && (err.code === '601' || err.code === '602') && authRetries < AUTH_RETRIES) {
          authRetries++;
          this.o.tokens.invalidate();
          n--;
          continue;
        }
        const budget = this.retriesFor(err);
        if (n >= budget) throw err;
        await abortable(this.backoff(n, budget, err as Error), signal);
      }
    }
  }

  /** How many retries a failure gets: 0 when retrying cannot help. */
  private retriesFor(err: unknown): number {
    const retries = this.o.retry?.retries ?? 8;
    if (err instanceof MarketoTransportError) {
      if (err.status !== undefined) return err.status >= 500 ? retries : 0;
      // Never answered: most likely a wrong endpoint, which no amount of waiting fixes.
      return this.o.reached() ? retries : (this.o.retry?.connectRetries ?? 2);
    }
    if (err instanceof ExportQuotaError) return 0;
    if (err instanceof MarketoApiError) return RETRYABLE_CODES.has(err.code) || (err.code === '1029' && QUEUE_FULL.test(err.message)) ? retries : 0;
    return 0;
  }

  /** Waits before retry `n + 1`: base x 2^n, capped, with +-25 % jitter; tells `onRetry` first. */
  private backoff(n: number, budget: number, err: Error): Promise<void> {
    const connecting = err instanceof MarketoTransportError && err.status === undefined && !this.o.reached();
    const base = connecting ? (this.o.retry?.connectDelayMs ?? 500) : (this.o.retry?.baseDelayMs ?? 1000);
    const delayMs = Math.min(base * 2 ** n, this.o.retry?.maxDelayMs ?? 60_000) * (0.75 + Math.random() * 0.5);
    const code = err instanceof MarketoApiError ? err.code : err instanceof MarketoTransportError ? err.causeCode : undefined;
    this.o.onRetry?.({ attempt: n + 1, retries: budget, delayMs, reason: err.message, ...(code !== undefined ? { code } : {}) });
    return this.o.sleep(delayMs);
  }

  private async send(method: string, path: string, init: { headers: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<Response> {
    const token = await this.o.tokens.get();
    const url = `${this.o.baseUrl}${path}`;
    try {
      return await this.o.fetch(url, { method, ...init, headers: { ...init.headers, Authorization: `Bearer ${token}` } });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw fetchFailure(`${method} ${path}`, url, err);
    }
  }

  private async rawOnce(method: string, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const res = await this.send(method, path, { headers, ...(signal ? { signal } : {}) });
    if (res.status >= 500) {
      await res.body?.cancel().catch(() => undefined);
      throw new MarketoTransportError(`${method} ${path} answered HTTP ${res.status}`, res.status);
    }
    if (!(res.headers.get('content-type') ?? '').includes('application/json')) return res;
    const body = (await res.clone().json().catch(() => undefined)) as Envelope<unknown> | undefined;
    const e = body?.success === false ? body.errors?.[0] : undefined;
    if (e) throw new MarketoApiError(String(e.code), e.message ?? `HTTP ${res.status}`, body?.requestId);
    return res;
  }

  private async jsonOnce<T>(method: string, path: string, body?: unknown): Promise<Page<T>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.send(method, path, { headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    if (res.status >= 500) throw new MarketoTransportError(`${method} ${path} answered HTTP ${res.status}`, res.status);
    let parsed: Envelope<T>;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MarketoTransportError(`${method} ${path} answered HTTP ${res.status} with a body that is not JSON`, res.status, err);
    }
    if (parsed.success === false || !res.ok) {
      const e = parsed.errors?.[0];
      const code = String(e?.code ?? res.status);
      const message = e?.message ?? `HTTP ${res.status}`;
      if (code === '1029' && QUOTA.test(message)) throw new ExportQuotaError(message, parsed.requestId, new Date(nextChicagoDayStart(this.o.now())));
      throw new MarketoApiError(code, message, parsed.requestId);
    }
    if (!Array.isArray(parsed.result)) throw new MarketoTransportError(`${method} ${path} answered without a result`, res.status);
    return { result: parsed.result, ...(parsed.nextPageToken ? { nextPageToken: parsed.nextPageToken } : {}) };
  }
}
