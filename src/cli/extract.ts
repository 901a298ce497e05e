import type { Command } from 'commander';
import { MarketoClient } from '../client/client.js';
import { ExportQuotaError, isMarketoError } from '../client/errors.js';
import { runExtraction, type ExtractEvent } from '../client/extract.js';
import type { ExtractParams } from '../client/extract-state.js';
import { parseMarketoDate } from '../domain/dates.js';
import { fail } from './store-options.js';

const FORMATS = ['csv', 'tsv', 'ssv', 'ndjson'] as const;

interface ExtractFlags {
  endpoint?: string; clientId?: string; clientSecret?: string; since?: string; until?: string; types?: string;
  fields?: string; format?: string; out?: string; concurrency?: string; state?: string; json?: boolean;
}

const env = (name: string) => process.env[`TIDEMARK_${name}`];

export function registerExtract(program: Command): void {
  program.command('extract')
    .description('extract every activity of a date range from Tidemark or Marketo into one file')
    .option('--endpoint <url>', 'Marketo REST base URL (https://XXX-XXX-XXX.mktorest.com/rest) or a Tidemark URL (env TIDEMARK_ENDPOINT)')
    .option('--client-id <id>', 'API client id (env TIDEMARK_CLIENT_ID)')
    .option('--client-secret <secret>', 'API client secret (env TIDEMARK_CLIENT_SECRET)')
    .option('--since <date>', 'first moment, inclusive (ISO date or datetime, UTC unless it has a zone)')
    .option('--until <date>', 'last moment, inclusive; a date alone means the end of that day')
    .option('--types <ids>', 'activity type ids, comma separated (default: all)')
    .option('--fields <names>', 'columns, comma separated (default: the 8 standard columns)')
    .option('--format <format>', 'csv, tsv, ssv or ndjson (default: from --out, else csv)')
    .option('--out <file>', 'the merged output file')
    .option('--concurrency <n>', 'jobs queued or processing at once (default 2)')
    .option('--state <file>', 'progress file; rerun with the same file to continue (default <out>.state.json)')
    .option('--json', 'machine-readable progress: one JSON object a line on stdout')
    .action(async (flags: ExtractFlags) => {
      const params = readParams(flags);
      const statePath = flags.state ?? env('STATE') ?? `${params.out}.state.json`;
      const concurrency = Number(flags.concurrency ?? env('CONCURRENCY') ?? 2);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10) fail('--concurrency must be an integer from 1 to 10', 2);
      const client = new MarketoClient({
        endpoint: params.endpoint,
        clientId: (flags.clientId ?? env('CLIENT_ID'))!,
        clientSecret: (flags.clientSecret ?? env('CLIENT_SECRET'))!,
      });
      const abort = new AbortController();
      process.once('SIGINT', () => abort.abort(new Error('interrupted')));
      process.once('SIGTERM', () => abort.abort(new Error('terminated')));
      const progress = new Progress(flags.json ?? false);
      try {
        const summary = await runExtraction({ client, params, statePath, concurrency, signal: abort.signal, onEvent: (e) => progress.event(e) });
        progress.finish();
        const line = { event: 'done', ...summary, out: params.out };
        if (flags.json) process.stdout.write(JSON.stringify(line) + '\n');
        else process.stderr.write(`Done: ${summary.rows} rows from ${summary.windows} windows, ${summary.bytes} bytes in ${params.out}${summary.duplicatesDropped ? ` (${summary.duplicatesDropped} duplicate GUIDs dropped at window seams)` : ''}\n`);
      } catch (err) {
        progress.finish();
        if (err instanceof ExportQuotaError) {
          const msg = `The daily export quota is spent (${err.message.replace(/^1029: /, '')}). It resets at ${err.resetsAt.toISOString()} (00:00 America/Chicago). Progress is saved in ${statePath}; run the same command again after the reset to continue.`;
          if (flags.json) process.stdout.write(JSON.stringify({ event: 'quota-exceeded', resetsAt: err.resetsAt.toISOString(), state: statePath, message: msg }) + '\n');
          fail(msg, 3);
        }
        if (abort.signal.aborted) {
          if (flags.json) process.stdout.write(JSON.stringify({ event: 'interrupted', state: statePath }) + '\n');
          fail(`interrupted: the server jobs this run had queued were cancelled; progress is saved in ${statePath}`, 130);
        }
        fail(isMarketoError(err) || err instanceof Error ? err.message : String(err));
      }
    });
}

function readParams(f: ExtractFlags): ExtractParams {
  const endpoint = f.endpoint ?? env('ENDPOINT');
  if (!endpoint || !/^https?:\/\//.test(endpoint)) fail('--endpoint must be an http(s) URL', 2);
  if (!(f.clientId ?? env('CLIENT_ID')) || !(f.clientSecret ?? env('CLIENT_SECRET'))) fail('--client-id and --client-secret are required', 2);
  const since = f.since && parseMarketoDate(f.since);
  if (!since) fail(`--since must be an ISO date or datetime, got '${f.since ?? ''}'`, 2);
  const untilParsed = f.until && parseMarketoDate(f.until);
  if (!untilParsed) fail(`--until must be an ISO date or datetime, got '${f.until ?? ''}'`, 2);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(f.until!);
  const until = dateOnly ? untilParsed.ms + 86_400_000 - 1000 : untilParsed.ms;
  if (until < since.ms) fail('--until is before --since', 2);
  if (!f.out) fail('--out is required', 2);
  const format = (f.format ?? env('FORMAT') ?? inferFormat(f.out)).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(format)) fail(`--format must be one of ${FORMATS.join(', ')}`, 2);
  const types = f.types?.split(',').map((t) => t.trim()).filter(Boolean);
  if (types?.some((t) => !/^\d+$/.test(t))) fail('--types must be comma-separated activity type ids', 2);
  const fields = f.fields?.split(',').map((t) => t.trim()).filter(Boolean);
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    since: since.ms,
    until,
    ...(types?.length ? { types: types.map(Number) } : {}),
    ...(fields?.length ? { fields } : {}),
    format: format as ExtractParams['format'],
    out: f.out,
  };
}

function inferFormat(out: string): string {
  if (/\.(ndjson|jsonl)$/i.test(out)) return 'ndjson';
  if (/\.tsv$/i.test(out)) return 'tsv';
  return 'csv';
}

/** Per-job and overall progress: a redrawn line on a terminal, JSON lines with --json, milestones otherwise. */
class Progress {
  private readonly started = Date.now();
  private readonly windows = new Map<number, string>();
  private rows = 0;
  private bytes = 0;
  private merged = 0;
  private total = 0;
  private readonly downloads = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private readonly tty = process.stderr.isTTY;

  constructor(private readonly json: boolean) {
    if (this.tty && !json) this.timer = setInterval(() => this.draw(), 250);
  }

  event(e: ExtractEvent): void {
    if (this.json) process.stdout.write(JSON.stringify({ event: e.type, ...e, type: undefined }) + '\n');
    switch (e.type) {
      case 'window':
        this.total = Math.max(this.total, e.index + 1);
        this.windows.set(e.index, e.status ?? e.phase);
        break;
      case 'download':
        this.downloads.set(e.index, e.bytes);
        break;
      case 'merged':
        this.merged++;
        this.rows = e.totalRows;
        this.bytes = e.outBytes;
        this.downloads.delete(e.index);
        if (!this.tty && !this.json) process.stderr.write(`window ${e.index + 1} merged: ${e.rows} rows (total ${e.totalRows})\n`);
        break;
      case 'resumed':
        this.merged = e.merged;
        this.total = e.windows;
        if (!this.json) process.stderr.write(`Resuming: ${e.merged} of ${e.windows} windows already done\n`);
        break;
      case 'cancelled':
        break;
    }
  }

  private draw(): void {
    const counts: Record<string, number> = {};
    for (const s of this.windows.values()) counts[s] = (counts[s] ?? 0) + 1;
    const running = Object.entries(counts).filter(([s]) => s !== 'merged' && s !== 'pending').map(([s, n]) => `${n} ${s}`).join(', ');
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = this.merged > 0 && this.total > this.merged ? `ETA ${fmtSecs((elapsed / this.merged) * (this.total - this.merged))}` : '';
    const dl = [...this.downloads.values()].reduce((a, b) => a + b, 0);
    const line = `windows ${this.merged}/${this.total || '?'} | ${running || 'starting'} | ${this.rows.toLocaleString('en-US')} rows | ${((this.bytes + dl) / 1e6).toFixed(1)} MB | ${fmtSecs(elapsed)} ${eta}`;
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns || 120) - 1).padEnd((process.stderr.columns || 120) - 1)}`);
  }

  finish(): void {
    if (this.timer) {
      clearInterval(this.timer);
      this.draw();
      process.stderr.write('\n');
    }
  }
}

function fmtSecs(s: number): string {
  const m = Math.floor(s / 60);
  return m ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}
