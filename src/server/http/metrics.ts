/**
 * Prometheus metrics for `GET /metrics` (prom-client, a registry per app so that several servers in
 * one process never share counts). Requests are counted by route template, method, HTTP status
 * and Marketo code; jobs by status, the queue depth and the quotas are read from the store when
 * scraped; exports finished by this process add their rows, bytes and duration. Names and labels
 * are listed in docs/operability.md.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import client from 'prom-client';
import type { Config } from '../../config/config.js';
import { JOB_STATUSES } from '../../domain/job.js';
import { MB, quotaWindowStart } from '../../domain/quota.js';
import type { Scheduler } from '../../export/scheduler.js';
import type { Clock } from '../../lib/clock.js';
import type { Store } from '../../store/store.js';
import type { CallGate } from './limits.js';

export interface MetricsDeps {
  store: Store;
  scheduler: Scheduler;
  clock: Clock;
  config: Config;
  limits: CallGate;
}

export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'route' | 'method' | 'status' | 'code'>;
  private readonly latency: client.Histogram<'route'>;
  private readonly exports: client.Counter<'outcome'>;
  private readonly rows: client.Counter;
  private readonly bytes: client.Counter;
  private readonly exportSeconds: client.Histogram;

  constructor(private readonly d: MetricsDeps) {
    const registers = [this.registry];
    client.collectDefaultMetrics({ register: this.registry, prefix: 'tidemark_' }); // tidemark_process_*, tidemark_nodejs_*
    this.requests = new client.Counter({
      name: 'tidemark_http_requests_total', help: 'HTTP requests by route template, method, status and Marketo code (none when the answer is no error envelope)',
      labelNames: ['route', 'method', 'status', 'code'], registers,
    });
    this.latency = new client.Histogram({
      name: 'tidemark_http_request_duration_seconds', help: 'Time to answer, by route template', labelNames: ['route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.exports = new client.Counter({ name: 'tidemark_exports_total', help: 'Exports this process ran to an end, by outcome', labelNames: ['outcome'], registers });
    this.rows = new client.Counter({ name: 'tidemark_export_rows_total', help: 'Rows written by exports this process completed', registers });
    this.bytes = new client.Counter({ name: 'tidemark_export_bytes_total', help: 'File bytes written by exports this process completed', registers });
    this.exportSeconds = new client.Histogram({
      name: 'tidemark_export_duration_seconds', help: 'Processing time (startedAt to finishedAt) of exports this process completed',
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600], registers,
    });
    const { store, clock, config, limits } = d;
    new client.Gauge({
      name: 'tidemark_jobs', help: 'Export jobs in the store by status', labelNames: ['status'], registers,
      async collect() {
        const counts = await store.countJobsByStatus();
        for (const s of JOB_STATUSES) this.set({ status: s }, counts[s]);
      },
    });
    new client.Gauge({
      name: 'tidemark_queue_depth', help: 'Jobs Queued and waiting for a processing slot', registers,
      async collect() {
        this.set((await store.countJobsByStatus()).Queued);
      },
    });
    new client.Gauge({
      name: 'tidemark_export_quota_used_bytes', help: 'fileSize of jobs Completed since 00:00 America/Chicago (the daily export quota)', registers,
      async collect() {
        this.set(await store.exportedBytesSince(quotaWindowStart(clock.now())));
      },
    });
    new client.Gauge({
      name: 'tidemark_export_quota_limit_bytes', help: 'The daily export quota (0 = unlimited)', registers,
      collect() {
        this.set(config.dailyQuotaMb * MB);
      },
    });
    new client.Gauge({
      name: 'tidemark_api_calls_today', help: 'API calls counted against the daily call quota since 00:00 America/Chicago', registers,
      async collect() {
        this.set((await limits.usage()).total);
      },
    });
    d.scheduler.on('settled', (e) => void this.onSettled(e.exportId, e.status));
  }

  private async onSettled(exportId: string, status: string): Promise<void> {
    this.exports.inc({ outcome: status.toLowerCase() });
    if (status !== 'Completed') return;
    const job = await this.d.store.getJob(exportId).catch(() => undefined);
    if (!job) return;
    this.rows.inc(job.numberOfRecords ?? 0);
    this.bytes.inc(job.fileSize ?? 0);
    if (job.startedAt !== undefined && job.finishedAt !== undefined) this.exportSeconds.observe(Math.max(0, job.finishedAt - job.startedAt) / 1000);
  }

  /** Counts one answered request (the pipeline's onResponse). */
  observe(req: FastifyRequest, reply: FastifyReply): void {
    const route = req.routeOptions.url ?? 'unmatched';
    this.requests.inc({ route, method: req.method, status: String(reply.statusCode), code: req.ctx?.errorCode ?? 'none' });
    this.latency.observe({ route }, reply.elapsedTime / 1000);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
