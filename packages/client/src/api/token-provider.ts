import { MarketoApiError, MarketoTransportError } from './errors.js';
import { fetchFailure } from './fetch-failure.js';

/** The part of `fetch` the SDK uses; pass your own to test without a server or to add a proxy. */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TokenProviderOptions {
  /** Base URL of the instance, e.g. `https://123-ABC-456.mktorest.com` or `http://127.0.0.1:3000`. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: FetchLike;
  /** Refresh this long before the token expires (default 60 s). */
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * Client-credentials tokens from `/identity/oauth/token`: fetched once, cached, refreshed shortly
 * before expiry or when a call reports 601/602. Concurrent callers share one identity call.
 * @example
 * const tokens = new TokenProvider({ baseUrl, clientId, clientSecret });
 * const bearer = await tokens.get();
 */
export class TokenProvider {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(private readonly o: TokenProviderOptions) {
    this.fetch = o.fetch ?? globalThis.fetch;
    this.now = o.now ?? Date.now;
  }

  /**
   * A valid access token, from cache when it has more than the refresh margin left.
   * @example const token = await tokens.get()
   */
  async get(): Promise<string> {
    if (this.token && this.token.expiresAt - (this.o.refreshMarginMs ?? 60_000) > this.now()) return this.token.value;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * Forgets the cached token, so the next `get()` asks the identity endpoint (after 601/602).
   * @example tokens.invalidate()
   */
  invalidate(): void {
    this.token = undefined;
  }

  private async fetchToken(): Promise<string> {
    const q = new URLSearchParams({ grant_type: 'client_credentials', client_id: this.o.clientId, client_secret: this.o.clientSecret });
    const url = `${this.o.baseUrl}/identity/oauth/token`;
    let res: Response;
    try {
      res = await this.fetch(`${url}?${q}`);
    } catch (err) {
      throw fetchFailure('GET /identity/oauth/token', url, err);
    }
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch (err) {
      throw new MarketoTransportError(`identity answered HTTP ${res.status} with a body that is not JSON`, res.status, err);
    }
    if (typeof body.error === 'string') {
      throw new MarketoApiError(body.error, String(body.error_description ?? 'identity refused the credentials'));
    }
    if (!res.ok || typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new MarketoTransportError(`identity answered HTTP ${res.status} without an access token`, res.status);
    }
    this.token = { value: body.access_token, expiresAt: this.now() + body.expires_in * 1000 };
    return body.access_token;
  }
}
