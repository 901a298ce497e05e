/**
 * status.json under load (autocannon, 10 connections) while a big export runs in the same server,
 * against a bare Fastify route answering the same envelope, measured during the same running exports.
 */
import autocannon from 'autocannon';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { WINDOW } from '../lib/dataset.js';
import { sleep, start } from '../lib/proc.js';
import { Api, createUser, iso, REPO, startServe } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function cannon(url: string, headers: Record<string, string>, seconds: number): Promise<Load> {
  const r = await autocannon({ url, headers, connections: 10, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx + r.timeouts };
}

/** Runs big exports back to back until `stop` is called; counts the seconds no export was running. */
export function keepExporting(api: Api, dataDir: string) {
  let stopping = false;
  let completed = 0;
  const loop = (async () => {
    while (!stopping) {
      const id = await api.create(iso(WINDOW.start), iso(WINDOW.end));
      await api.enqueue(id);
      for (;;) {
        const job = await api.status(id);
        if (job.status === 'Completed' || job.status === 'Failed') break;
        await sleep(200);
      }
      completed++;
      rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
    }
  })();
  return { stop: async () => ((stopping = true), await loop, completed) };
}

export async function statusLoad(ctx: BenchContext): Promise<ScenarioResult> {
  const { dataDir } = ctx.dataset;
  const seconds = ctx.quick ? 5 : 10;
  const creds = await createUser({ dataDir });
  const server = await startServe({ dataDir });
  const bare = start(process.execPath, ['--import', 'tsx', join(REPO, 'bench/children/bare-fastify.ts')], { cwd: REPO });
  try {
    const bareUrl = (await bare.waitFor(/listening on (http:\/\/\S+)/))[1]!;
    const api = new Api(server.url, creds);
    const statusId = await api.create(iso(WINDOW.start), iso(WINDOW.end));
    const headers = { Authorization: `Bearer ${await api.auth()}` };
    const tmUrl = `${server.url}/bulk/v1/activities/export/${statusId}/status.json`;
    const refUrl = `${bareUrl}/bulk/v1/activities/export/${statusId}/status.json`;
    await cannon(tmUrl, headers, 1); // warm both (JIT) before measuring
    await cannon(refUrl, headers, 1);
    const busy = keepExporting(api, dataDir);
    await sleep(300);
    const n = Math.max(ctx.samples, 3);
    const { a: tm, b: ref } = await interleaved(n, async () => {
      const r = await cannon(tmUrl, headers, seconds);
      ctx.log(`  tidemark ${fmt.int(r.rps)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`);
      return r;
    }, async () => {
      const r = await cannon(refUrl, headers, seconds);
      ctx.log(`  fastify  ${fmt.int(r.rps)} req/s p50 ${r.p50} ms p99 ${r.p99} ms`);
      return r;
    });
    const exports = await busy.stop();
    const m = {
      tidemark_rps: measure('req/s', tm.map((x) => x.rps)), reference_rps: measure('req/s', ref.map((x) => x.rps)),
      tidemark_p50_ms: measure('ms', tm.map((x) => x.p50)), reference_p50_ms: measure('ms', ref.map((x) => x.p50)),
      tidemark_p99_ms: measure('ms', tm.map((x) => x.p99)), reference_p99_ms: measure('ms', ref.map((x) => x.p99)),
    };
    const errors = [...tm, ...ref].reduce((s, x) => s + x.errors, 0);
    const ratio = m.tidemark_rps.median / m.reference_rps.median;
    return {
      id: 'status-load',
      title: 'status.json under load (autocannon, 10 connections) during a running export',
      tidemark: 'GET status.json with a Bearer token (token check, limits, store read, envelope) on a real `tidemark serve`',
      reference: 'a bare Fastify 5 route answering the same envelope (no token, no store), same machine load',
      measures: m,
      ratio,
      ratioLabel: 'Tidemark req/s / bare Fastify req/s',
      target: '≥ 0.5×, p99 < 20 ms',
      met: ratio >= 0.5 && m.tidemark_p99_ms.median < 20 && errors === 0,
      notes: [
        `${n} runs of ${seconds} s a side, interleaved`,
        `${exports} big exports ran back to back in the Tidemark server through all runs (both sides)`,
        `${errors} errors or non-2xx answers`,
        `p99 ${fmt.ms(m.tidemark_p99_ms.median)} vs ${fmt.ms(m.reference_p99_ms.median)}`,
      ],
      tidemarkCell: `${fmt.int(m.tidemark_rps.median)} req/s, p50 ${fmt.ms(m.tidemark_p50_ms.median)}, p99 ${fmt.ms(m.tidemark_p99_ms.median)}`,
      referenceCell: `${fmt.int(m.reference_rps.median)} req/s, p50 ${fmt.ms(m.reference_p50_ms.median)}, p99 ${fmt.ms(m.reference_p99_ms.median)}`,
    };
  } finally {
    await bare.stop();
    await server.stop();
  }
}
