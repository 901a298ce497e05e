/**
 * A small client for Tidemark's emulator controls (`/tidemark/v1/emulator`, enabled by
 * `tidemark serve --emulator-controls --admin-token ...`). Tidemark-only: Marketo has no such API.
 * Errors are the SDK's: a `success:false` answer throws MarketoApiError with its code, a wrong or
 * missing admin token MarketoApiError `invalid_token`, network trouble MarketoTransportError.
 */
import { MarketoApiError, MarketoTransportError } from './errors.js';
import { fetchFailure } from './fetch-failure.js';
import { normaliseEndpoint } from './client.js';
import type { FetchLike } from './token-provider.js';

export interface EmulatorClientOptions {
  /** The Tidemark base URL, e.g. `http://127.0.0.1:3000`. */
  endpoint: string;
  /** The server's `--admin-token` (TIDEMARK_ADMIN_TOKEN). */
  adminToken: string;
  fetch?: FetchLike;
}

/** Faults and clock of the server, as `state()` and the fault calls return them. */
export interface EmulatorState {
  now: string;
  offsetMs: number;
  jobFaults: { pendingFailures: number; delayMs: number };
  forcedCalls: { code: '606' | '615'; remaining: number } | null;
  quotaExhaustedUntil: string | null;
}

export interface ResetResult {
  jobs: number;
  tokens: number;
  activities: number;
  files: number;
}

/** A duration: text such as `'8d'`, `'1h30m'`, `'500ms'`, or a number of milliseconds. */
export type Duration = string | number;

/**
 * Drives Tidemark's emulator controls: its clock, job and call faults, the daily quota, resets.
 * @example
 * const emu = new EmulatorClient({ endpoint: 'http://127.0.0.1:3000', adminToken: process.env.TIDEMARK_ADMIN_TOKEN! });
 * await emu.advanceClock('8d'); // files of jobs finished 8 days ago now answer 404
 */
export class EmulatorClient {
  private readonly baseUrl: string;
  private readonly fetch: FetchLike;

  constructor(private readonly o: EmulatorClientOptions) {
    this.baseUrl = `${normaliseEndpoint(o.endpoint)}/tidemark/v1/emulator`;
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  /**
   * The server's clock and pending faults.
   * @example const { now, jobFaults } = await emu.state()
   */
  async state(): Promise<EmulatorState> {
    return this.call<EmulatorState>('GET', '');
  }

  /**
   * Moves the server's clock forward: token expiry, the quota day, file and status retention follow.
   * @example await emu.advanceClock('8d')
   */
  async advanceClock(by: Duration): Promise<{ now: string; offsetMs: number; advancedMs: number }> {
    return this.call('POST', '/clock', { advance: by });
  }

  /**
   * The next `count` jobs that start fail, with `message` as their `errorMsg`.
   * @example await emu.failNextJobs(1, 'Export failed: disk quota exceeded')
   */
  async failNextJobs(count: number, message?: string): Promise<EmulatorState> {
    return this.call('POST', '/faults/jobs', { fail: count, ...(message !== undefined ? { message } : {}) });
  }

  /**
   * Every job that starts from now on stays Processing at least this much longer (`0` = off).
   * @example await emu.delayJobs('5s')
   */
  async delayJobs(by: Duration): Promise<EmulatorState> {
    return this.call('POST', '/faults/jobs', { delay: by });
  }

  /**
   * The next `count` API calls (after token and permission checks) answer `code`.
   * @example await emu.forceCalls('606', 3)
   */
  async forceCalls(code: '606' | '615', count = 1): Promise<EmulatorState> {
    return this.call('POST', '/faults/calls', { code, count });
  }

  /**
   * Spends the daily export quota until the next 00:00 America/Chicago (server time).
   * @example await emu.exhaustQuota() // create and enqueue now answer 1029
   */
  async exhaustQuota(): Promise<EmulatorState> {
    return this.call('POST', '/quota/exhaust');
  }

  /**
   * Clears every pending fault (the clock stays where it is).
   * @example await emu.clearFaults()
   */
  async clearFaults(): Promise<EmulatorState> {
    return this.call('POST', '/faults/clear');
  }

  /**
   * Deletes every job, export file and token (users stay); with `activities`, every activity too.
   * Clears the faults.
   * @example await emu.reset({ activities: true })
   */
  async reset(options: { activities?: boolean } = {}): Promise<ResetResult> {
    return this.call('POST', '/reset', { activities: options.activities ?? false });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.o.adminToken}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      throw fetchFailure(`${method} /tidemark/v1/emulator${path}`, this.baseUrl, err);
    }
    const text = await res.text();
    let parsed: { success?: boolean; result?: T[]; errors?: { code: unknown; message?: string }[]; requestId?: string; error?: string; error_description?: string };
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new MarketoTransportError(`emulator ${path || '/'} answered HTTP ${res.status} with a body that is not JSON`, res.status, err);
    }
    if (res.status === 401) throw new MarketoApiError(parsed.error ?? 'invalid_token', parsed.error_description ?? 'Admin token missing or invalid');
    if (parsed.success !== true || !Array.isArray(parsed.result) || parsed.result.length === 0) {
      const e = parsed.errors?.[0];
      if (e) throw new MarketoApiError(String(e.code), e.message ?? `HTTP ${res.status}`, parsed.requestId);
      throw new MarketoTransportError(`emulator ${path || '/'} answered HTTP ${res.status} without a result`, res.status);
    }
    return parsed.result[0]!;
  }
}
