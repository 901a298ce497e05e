/**
 * Export the 31-day window on PostgreSQL: enqueue -> Completed through a real server, against
 * `psql -c "COPY (the same query) TO STDOUT (FORMAT csv, NULL 'null')"` into a file.
 */
import { closeSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatHeader } from '../../src/domain/file-format.js';
import { parsePostgresUrl, PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { exportCopy } from '../../src/store/postgres/sql.js';
import type { BenchContext } from '../lib/context.js';
import { WINDOW } from '../lib/dataset.js';
import { csvRequest, fileChecksum, oracleChecksum } from '../lib/oracle.js';
import { run } from '../lib/proc.js';
import { Api, createUser, iso, startServe } from '../lib/server.js';
import { fmt, interleaved, measure, type ScenarioResult } from '../lib/stats.js';

async function psqlCopy(baseUrl: string, schema: string, sql: string, out: string): Promise<number> {
  const fd = openSync(out, 'w');
  try {
    const env = { ...process.env, PGOPTIONS: `-c search_path=${schema}` };
    const r = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', baseUrl, '-c', sql], { stdio: ['ignore', fd, 'pipe'], env });
    return r.ms;
  } finally {
    closeSync(fd);
  }
}

export async function exportPostgres(ctx: BenchContext): Promise<ScenarioResult> {
  if (!ctx.pg) throw new Error('export-postgres needs PostgreSQL');
  const { url, baseUrl } = ctx.pg;
  const { schema } = parsePostgresUrl(url);
  const dataDir = join(ctx.root, 'pg-serve');
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const request = csvRequest(WINDOW);
  // The very query Tidemark's worker sends, one line, as psql takes it.
  const sql = exportCopy(request).replace(/\s+/g, ' ');
  const creds = await createUser({ dataDir, databaseUrl: url });
  const server = await startServe({ dataDir, databaseUrl: url }, [], ctx.profileDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : []);
  const refOut = join(ctx.root, 'psql-copy.csv');
  try {
    const api = new Api(server.url, creds);
    ctx.log('  oracle (JS formatter over store.exportRows)...');
    const store = new PostgresStore(url, { poolSize: 1, migrate: false });
    const oracle = await oracleChecksum(store, request);
    await store.close();
    await psqlCopy(baseUrl, schema, sql, refOut); // warm the buffer cache for both sides

    const serverMs: number[] = [];
    let exact = true;
    const { a: tm, b: ref } = await interleaved(ctx.samples, async () => {
      const id = await api.create(iso(WINDOW.start), iso(WINDOW.end));
      const { ms, job } = await api.runJob(id);
      const t = await server.exportTimes(id);
      serverMs.push(t.completedAt - t.startedAt);
      if (job.fileChecksum !== oracle.checksum || job.numberOfRecords !== oracle.rows) exact = false;
      rmSync(join(dataDir, 'exports', `${id}.export`), { force: true });
      ctx.log(`  tidemark ${fmt.s(ms / 1000)} (${job.numberOfRecords} rows)`);
      return ms;
    }, async () => {
      const ms = await psqlCopy(baseUrl, schema, sql, refOut);
      ctx.log(`  psql     ${fmt.s(ms / 1000)}`);
      return ms;
    });
    const refSame = (await fileChecksum(refOut, formatHeader(request))) === oracle.checksum;
    rmSync(refOut, { force: true });
    const t = measure('s', tm.map((x) => x / 1000));
    const r = measure('s', ref.map((x) => x / 1000));
    const ratio = r.median / t.median;
    return {
      id: 'export-postgres',
      title: 'Export a 31-day window, PostgreSQL (enqueue → Completed)',
      tidemark: 'POST enqueue, then status polled every 25 ms until Completed, on a real `tidemark serve --database-url`',
      reference: '`psql -c "COPY (the same query) TO STDOUT (FORMAT csv, NULL \'null\')"`, stdout to a file',
      measures: {
        tidemark_s: t, reference_s: r,
        server_log_s: measure('s', serverMs.map((x) => x / 1000)),
        tidemark_rows_per_s: measure('rows/s', tm.map((x) => oracle.rows / (x / 1000))),
        reference_rows_per_s: measure('rows/s', ref.map((x) => oracle.rows / (x / 1000))),
      },
      ratio,
      ratioLabel: 'psql time / Tidemark time',
      target: '≥ 1.0×, file byte-exact',
      met: ratio >= 1.0 && exact,
      notes: [
        `${oracle.rows.toLocaleString('en-US')} rows, ${(oracle.bytes / 1e6).toFixed(0)} MB`,
        `Tidemark file ${exact ? 'byte-exact against' : 'DIFFERS from'} the oracle in every sample`,
        `psql's output (behind the same header line) is ${refSame ? 'identical to' : 'different from'} Tidemark's file`,
      ],
      tidemarkCell: `${fmt.s(t.median)} (${fmt.int(oracle.rows / t.median)} rows/s)`,
      referenceCell: `${fmt.s(r.median)} (${fmt.int(oracle.rows / r.median)} rows/s)`,
    };
  } finally {
    await server.stop();
  }
}
