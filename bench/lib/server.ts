/**
 * A real `tidemark serve` child process (the built CLI in dist/) and the few API calls the
 * scenarios make. Limits are off so the benchmark measures work, not Marketo's throttles.
 */
import { join } from 'node:path';
import { run, sleep, start, type Started } from './proc.js';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const CLI = join(REPO, 'bin/tidemark.js');

export interface StoreArgs {
  dataDir: string;
  databaseUrl?: string;
}

const storeFlags = (s: StoreArgs) => ['--data-dir', s.dataDir, ...(s.databaseUrl ? ['--database-url', s.databaseUrl] : [])];

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export async function createUser(s: StoreArgs, role = 'read-write-activity'): Promise<Credentials> {
  const r = await run(process.execPath, [CLI, 'users', 'create', '--name', `bench-${Date.now()}`, '--role', role, '--json', ...storeFlags(s)]);
  return JSON.parse(r.stdout) as Credentials;
}

export interface Serve extends Started {
  url: string;
  /**
   * `export started` / `export completed` log times (ms) of a job, from the server's own log. The
   * log line follows the job's state change, so this waits for it.
   */
  exportTimes(exportId: string): Promise<{ startedAt: number; completedAt: number }>;
}

/**
 * Starts `tidemark serve --port 0` and waits until it listens. `nodeArgs` go before the CLI (e.g.
 * --cpu-prof); `cli` is another checkout's bin/tidemark.js for a before/after.
 */
export async function startServe(s: StoreArgs, extra: string[] = [], nodeArgs: string[] = [], cli = CLI): Promise<Serve> {
  const args = [...nodeArgs, cli, 'serve', '--port', '0', ...storeFlags(s), '--rate-limit', 'off', '--max-concurrent-requests', 'off',
    '--daily-call-quota', '0', '--daily-quota-mb', '0', ...extra];
  const child = start(process.execPath, args, { cwd: REPO });
  const m = await child.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  return {
    ...child,
    url: m[1]!,
    async exportTimes(exportId) {
      await child.waitFor(new RegExp(`"exportId":"${exportId}".*"msg":"export completed"`), 10_000);
      const out = { startedAt: NaN, completedAt: NaN };
      for (const l of child.lines) {
        if (l.stream !== 'err' || !l.text.includes(exportId)) continue;
        try {
          const j = JSON.parse(l.text) as { msg?: string; time: number };
          if (j.msg === 'export started') out.startedAt = j.time;
          if (j.msg === 'export completed') out.completedAt = j.time;
        } catch { /* not a log line */ }
      }
      return out;
    },
  };
}

/** Minimal API calls over fetch, with a token fetched once. */
export class Api {
  private token?: string;
  /** `base` is the export kind's path (the activity export unless given). */
  constructor(readonly url: string, private readonly creds: Credentials, readonly base = '/bulk/v1/activities/export') {}

  async auth(): Promise<string> {
    if (!this.token) {
      const r = await fetch(`${this.url}/identity/oauth/token?grant_type=client_credentials&client_id=${this.creds.clientId}&client_secret=${this.creds.clientSecret}`);
      this.token = ((await r.json()) as { access_token: string }).access_token;
    }
    return this.token;
  }

  async call(method: string, path: string, body?: unknown): Promise<any> {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.auth()}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const j = (await r.json()) as { success: boolean; result?: any[]; errors?: unknown };
    if (!j.success) throw new Error(`${method} ${path}: ${JSON.stringify(j.errors)}`);
    return j.result![0];
  }

  /** Creates a CSV job over [startAt, endAt] (ISO) and returns its id. */
  async create(startAt: string, endAt: string, extra: Record<string, unknown> = {}): Promise<string> {
    return this.createWith({ format: 'CSV', filter: { createdAt: { startAt, endAt } }, ...extra });
  }

  /** Creates a job from a whole create body and returns its id. */
  async createWith(body: Record<string, unknown>): Promise<string> {
    return (await this.call('POST', `${this.base}/create.json`, body)).exportId as string;
  }

  enqueue(id: string): Promise<any> {
    return this.call('POST', `${this.base}/${id}/enqueue.json`);
  }

  status(id: string): Promise<any> {
    return this.call('GET', `${this.base}/${id}/status.json`);
  }

  /** Enqueues and polls every `pollMs` until the job settles; `ms` is enqueue -> Completed as the client sees it. */
  async runJob(id: string, pollMs = 25): Promise<{ ms: number; job: any }> {
    const t0 = performance.now();
    await this.enqueue(id);
    for (;;) {
      const job = await this.status(id);
      if (job.status === 'Completed') return { ms: performance.now() - t0, job };
      if (job.status === 'Failed' || job.status === 'Cancelled') throw new Error(`job ${id} ended ${job.status}: ${job.errorMsg ?? ''}`);
      await sleep(pollMs);
    }
  }
}

export const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
