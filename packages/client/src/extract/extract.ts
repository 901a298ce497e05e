/**
 * The extraction Marketo users wish they had: a long range split into 31-day jobs, at most
 * `concurrency` of them queued or processing, each downloaded as soon as it completes (Range
 * resume, checksum verified), merged in order into one file with duplicate GUIDs dropped at the
 * seams, and a state file that lets a later run continue where this one stopped.
 *
 * The parts: plan.ts (the windows), window-job.ts (one window's job), window-fetcher.ts (job and
 * download of each window), merge-window.ts (one window into the output), ledger.ts (the state
 * and the events). This file runs them and decides what a failure leaves behind.
 */
import { existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MarketoClient } from '../api/client.js';
import { ExportQuotaError } from '../api/errors.js';
import { CallWindow } from './call-window.js';
import { Ledger, type ExtractEvent } from './ledger.js';
import { mergeWindow } from './merge-window.js';
import { jobFormatOf, planExtraction } from './plan.js';
import { CALL_BUDGET, FIRST_POLL_MS, MAX_POLL_MS, POLL_BACKOFF, QUEUE_FULL_FIRST_MS, QUEUE_FULL_MAX_MS } from './poll-cadence.js';
import { Slots } from './slots.js';
import { hasProgress, openState, removeState, type ExtractParams } from './state.js';
import { WindowFetcher } from './window-fetcher.js';
import type { PollSettings } from './window-job.js';

export interface ExtractOptions {
  client: MarketoClient;
  params: ExtractParams;
  /** Where progress is saved; without it a stopped run starts over. */
  statePath?: string;
  /** Ignore (and replace) a saved state: start over. */
  restart?: boolean;
  /** Keep the state file after a successful run (default: it is removed). */
  keepState?: boolean;
  /** Jobs queued or processing at once (default 2). */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: (e: ExtractEvent) => void;
  /**
   * First status poll delay (default 250 ms), each delay 1.07 times the last up to `maxPollMs`
   * (default 30 s). Given, they also set the wait while the server's queue is full (default 1 s
   * doubling to 60 s).
   */
  pollMs?: number;
  maxPollMs?: number;
}

export interface ExtractSummary {
  windows: number;
  rows: number;
  bytes: number;
  duplicatesDropped: number;
}

/** Rows this close to a window's end may come again in the next window (Marketo documents it around DST changes). */
const SEAM_MS = 3600_000;

/**
 * Runs (or resumes) an extraction into `params.out`. Throws ExportQuotaError when the daily quota
 * runs out and the signal's reason when `signal` aborts; either way the state is saved first and,
 * on abort, the server jobs this run started are cancelled. A state saved for another extraction
 * throws StateMismatchError unless `restart` is set.
 * @example
 * const summary = await extract({
 *   client,
 *   params: { endpoint: client.baseUrl, since: Date.parse('2026-03-01T00:00:00Z'), until: Date.parse('2026-10-31T23:59:59Z'), format: 'csv', out: 'all.csv' },
 *   statePath: 'all.csv.state.json',
 * });
 */
export async function extract(o: ExtractOptions): Promise<ExtractSummary> {
  const { params } = o;
  const emit = o.onEvent ?? (() => {});
  const opened = openState(o.statePath, params, o.restart ?? false, () => planExtraction(params));
  const ledger = new Ledger(opened.state, o.statePath, emit);
  if (opened.replaced) emit({ type: 'restarted', reason: opened.replaced });
  const workDir = workDirOf(params);
  mkdirSync(workDir, { recursive: true });
  const partFile = (i: number) => join(workDir, `window-${i}.${jobFormatOf(params.format).toLowerCase()}`);
  prepareOut(params.out, ledger.state.outBytes, o.statePath);
  ledger.save();

  const failure = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, failure.signal]) : failure.signal;
  const budget = new CallWindow(CALL_BUDGET.calls, CALL_BUDGET.windowMs);
  const fetcher = new WindowFetcher({
    client: o.client, ledger, slots: new Slots(o.concurrency ?? 2), pace: () => budget.take(signal), poll: pollSettings(o), signal, partFile,
  });
  try {
    // One identity call before the windows start: a wrong endpoint is retried and reported once, not once per window.
    await o.client.authenticate();
  } catch (err) {
    throw await stopped(o, ledger, [], err);
  }
  if (opened.abandoned?.length) await cancelAbandoned(o, opened.abandoned, emit);
  const merged = ledger.state.windows.filter((w) => w.phase === 'merged').length;
  if (merged) emit({ type: 'resumed', merged, windows: ledger.state.windows.length });
  const downloads = ledger.state.windows.map((_, i) => fetcher.fetch(i));
  let firstError: unknown;
  for (const d of downloads) {
    d.done.catch((err: unknown) => {
      firstError ??= err;
      failure.abort();
    });
  }
  let duplicates = 0;
  try {
    for (const [i, w] of ledger.state.windows.entries()) {
      if (w.phase === 'merged') await downloads[i]!.done;
      else duplicates += await mergeInto(i, ledger, downloads[i]!, partFile(i));
    }
  } catch (err) {
    failure.abort();
    throw await stopped(o, ledger, downloads.map((d) => d.done), firstError ?? err);
  }
  rmSync(workDir, { recursive: true, force: true });
  if (o.statePath && !o.keepState) removeState(o.statePath);
  else ledger.save();
  const s = ledger.state;
  return { windows: s.windows.length, rows: s.rows, bytes: s.outBytes, duplicatesDropped: duplicates };
}

/** Merges window i into the output and records it; returns the duplicates it dropped. */
async function mergeInto(i: number, ledger: Ledger, download: ReturnType<WindowFetcher['fetch']>, file: string): Promise<number> {
  const { state } = ledger;
  const { params } = state;
  const w = state.windows[i]!;
  const merged = await mergeWindow({
    file,
    format: jobFormatOf(params.format),
    out: params.out,
    output: params.format === 'ndjson' ? 'ndjson' : 'raw',
    writeHeader: !(state.outBytes > 0 || params.format === 'ndjson'),
    seam: new Set(state.seamGuids),
    seamFrom: w.end - SEAM_MS,
  }, download, () => truncateSync(params.out, state.outBytes));
  ledger.merged(i, merged, (await stat(params.out)).size);
  rmSync(file, { force: true });
  return merged.duplicates;
}

/**
 * After a failure: waits for every window to stop, cancels the jobs this run left open (unless
 * the quota ran out: those jobs finish on the server and the next run collects them), cuts what
 * a merge wrote of an unfinished window, saves the state, and returns the error to throw.
 */
async function stopped(o: ExtractOptions, ledger: Ledger, tasks: Promise<void>[], cause: unknown): Promise<unknown> {
  const settled = await Promise.allSettled(tasks);
  const quota = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason instanceof ExportQuotaError)?.reason as ExportQuotaError | undefined;
  if (!quota) {
    const open = ledger.state.windows.flatMap((w, index) => ((w.phase === 'created' || w.phase === 'queued') && w.exportId ? [{ index, exportId: w.exportId }] : []));
    for (const { exportId } of open) await o.client.cancelExport(exportId).catch(() => undefined);
    ledger.cancelled(open);
  }
  const { out } = o.params;
  if (existsSync(out) && statSync(out).size > ledger.state.outBytes) truncateSync(out, ledger.state.outBytes);
  if (ledger.createdJobs || hasProgress(ledger.state)) ledger.save();
  else leaveNothing(o, workDirOf(o.params));
  return quota ?? (o.signal?.aborted ? o.signal.reason : cause);
}

/** Cancels the jobs a restarted run's state had left open; one the server no longer has (or that has ended) is passed over. */
async function cancelAbandoned(o: ExtractOptions, exportIds: string[], emit: (e: ExtractEvent) => void): Promise<void> {
  const cancelled: string[] = [];
  for (const id of exportIds) {
    if (await o.client.cancelExport(id).then(() => true, () => false)) cancelled.push(id);
  }
  emit({ type: 'abandoned', exportIds: cancelled });
}

/** A run that failed before any job was created (a wrong endpoint, say) leaves no state, parts or empty output behind. */
function leaveNothing(o: ExtractOptions, workDir: string): void {
  if (o.statePath) removeState(o.statePath);
  rmSync(workDir, { recursive: true, force: true });
  if (existsSync(o.params.out) && statSync(o.params.out).size === 0) rmSync(o.params.out, { force: true });
}

const workDirOf = (params: ExtractParams) => `${params.out}.parts`;

function pollSettings(o: ExtractOptions): PollSettings {
  return {
    firstMs: o.pollMs ?? FIRST_POLL_MS, backoff: POLL_BACKOFF, maxMs: o.maxPollMs ?? MAX_POLL_MS,
    queueFullFirstMs: o.pollMs ?? QUEUE_FULL_FIRST_MS, queueFullMaxMs: o.maxPollMs ?? QUEUE_FULL_MAX_MS,
  };
}

/** A fresh run starts an empty output; a resumed one cuts off whatever a killed merge left behind. */
function prepareOut(out: string, outBytes: number, statePath?: string): void {
  if (outBytes === 0) return writeFileSync(out, '');
  // Windows the state calls merged live only in `out`: without them the file cannot be continued
  // (and truncating to a larger size would pad it with NUL bytes).
  const have = existsSync(out) ? statSync(out).size : -1;
  if (have < outBytes) {
    throw new Error(`${out} ${have < 0 ? 'is missing' : `holds ${have} bytes`} but ${statePath ?? 'the state'} says ${outBytes} bytes were merged into it; restore the file, or run with --restart to start over`);
  }
  truncateSync(out, outBytes);
}
