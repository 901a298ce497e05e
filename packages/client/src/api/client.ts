/**
 * The typed SDK for Marketo's Bulk Activity Extract API. Works against Tidemark and Marketo
 * itself; imports nothing from the server.
 */
import { abortable } from '../lib/sleep.js';
import { MarketoTransportError } from './errors.js';
import { TokenProvider, type FetchLike } from './token-provider.js';
import { ApiTransport, type RetryInfo, type RetryOptions } from './transport.js';
import type { ActivityType, CreateExportRequest, ExportJob, ExportStatus } from './types.js';

export interface MarketoClientOptions {
  /**
   * Base URL: a Tidemark URL (`http://127.0.0.1:3000`) or a Marketo REST endpoint
   * (`https://123-ABC-456.mktorest.com/rest`; the `/rest` suffix is optional).
   */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** Replaces the global `fetch` (for tests, proxies, or an in-process server). */
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Called before each retry, with the reason: show it, so a retrying client is never silent. */
  onRetry?: (info: RetryInfo) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

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
  /** Jobs a page (Marketo's default 300). */
  batchSize?: number;
}

const SETTLED: ReadonlySet<ExportStatus> = new Set(['Completed', 'Failed', 'Cancelled']);

/**
 * A client of one Marketo (or Tidemark) instance: tokens, retries and the bulk activity export calls.
 * @example
 * const client = new MarketoClient({ endpoint: 'https://123-ABC-456.mktorest.com/rest', clientId, clientSecret });
 * const job = await client.createExport({ filter: { createdAt: { startAt: '2026-03-01T00:00:00Z', endAt: '2026-03-31T23:59:59Z' } } });
 */
export class MarketoClient {
  readonly baseUrl: string;
  readonly tokens: TokenProvider;
  private readonly transport: ApiTransport;
  private readonly sleep: (ms: number) => Promise<void>;
  private reached = false;

  constructor(o: MarketoClientOptions) {
    this.baseUrl = normaliseEndpoint(o.endpoint);
    const inner = o.fetch ?? globalThis.fetch;
    // Any answer, even an error, proves the endpoint is reachable: from then on a refused
    // connection is a blip (a restart) that gets the full retries, not a wrong endpoint.
    const fetch: FetchLike = async (input, init) => {
      const res = await inner(input, init);
      this.reached = true;
      return res;
    };
    const now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.tokens = new TokenProvider({ baseUrl: this.baseUrl, clientId: o.clientId, clientSecret: o.clientSecret, fetch, now });
    this.transport = new ApiTransport({
      baseUrl: this.baseUrl, fetch, tokens: this.tokens, sleep: this.sleep, now, reached: () => this.reached,
      ...(o.retry ? { retry: o.retry } : {}), ...(o.onRetry ? { onRetry: o.onRetry } : {}),
    });
  }

  /**
   * Gets a token now, with the retries of any call, so a wrong endpoint or refused credentials
   * show before any work starts (calls get one by themselves otherwise).
   * @example await client.authenticate() // throws MarketoApiError 'invalid_client' for bad credentials
   */
  async authenticate(): Promise<void> {
    await this.transport.authenticate();
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
   * The caller's jobs of the last 7 days, a page at a time, following `nextPageToken`; the next
   * page is asked for only when the loop wants it.
   * @example
   * for await (const page of client.paginateExports({ status: ['Completed'], batchSize: 100 })) {
   *   for (const job of page) console.log(job.exportId, job.fileSize);
   * }
   */
  async *paginateExports(options: ListExportsOptions = {}): AsyncGenerator<ExportJob[], void, undefined> {
    let token: string | undefined;
    do {
      const q = new URLSearchParams();
      if (options.status?.length) q.set('status', options.status.join(','));
      if (options.batchSize) q.set('batchSize', String(options.batchSize));
      if (token) q.set('nextPageToken', token);
      const page = await this.transport.json<ExportJob>('GET', `/bulk/v1/activities/export.json?${q}`);
      yield page.result;
      token = page.nextPageToken;
    } while (token);
  }

  /**
   * The caller's jobs of the last 7 days, every page (see `paginateExports`).
   * @example const running = await client.listExports({ status: ['Queued', 'Processing'] })
   */
  async listExports(options: ListExportsOptions = {}): Promise<ExportJob[]> {
    const out: ExportJob[] = [];
    for await (const page of this.paginateExports(options)) out.push(...page);
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
      if (SETTLED.has(job.status)) return job;
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
    return this.transport.raw(method, path, headers, signal);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T[]> {
    return (await this.transport.json<T>(method, path, body)).result;
  }
}

function first<T>(list: T[]): T {
  if (list.length === 0) throw new MarketoTransportError('the answer held an empty result');
  return list[0]!;
}

const enc = encodeURIComponent;

/**
 * The base URL the client calls: `https://x.mktorest.com/rest/` and `https://x.mktorest.com` both
 * become `https://x.mktorest.com`.
 * @example normaliseEndpoint('https://123-ABC-456.mktorest.com/rest/') // 'https://123-ABC-456.mktorest.com'
 */
export function normaliseEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '').replace(/\/rest$/, '');
}
