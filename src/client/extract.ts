/**
 * The extraction Marketo users wish they had: a long range split into 31-day jobs, at most
 * `concurrency` of them queued or processing, each downloaded as soon as it completes (Range
 * resume, checksum verified), merged in order into one file with duplicate GUIDs dropped at the
 * seams, and a state file that lets a later run continue where this one stopped.
 */
import { existsSync, mkdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CallWindow } from './call-window.js';
import type { MarketoClient } from './client.js';
import { downloadExport } from './download.js';
import { DownloadFeed, FollowBroken } from './download-feed.js';
import { ExportQuotaError, MarketoApiError, MarketoTransportError } from './errors.js';
import { loadState, sameParams, saveState, type ExtractParams, type ExtractState, type WindowState } from './extract-state.js';
import { appendWindowInThread } from './merge-thread.js';
import { CALL_BUDGET, FIRST_POLL_MS, MAX_POLL_MS, POLL_BACKOFF, QUEUE_FULL_FIRST_MS, QUEUE_FULL_MAX_MS } from './poll-cadence.js';
import { sleep } from './sleep.js';
import type { CreateExportRequest, ExportFormat, ExportJob } from './types.js';
import { appendWindow, type WindowMerge, type WindowMerged } from './window-merge.js';
import { splitWindows } from './windows.js';

export type ExtractEvent =
  | { type: 'window'; index: number; phase: WindowState['phase']; exportId?: string; status?: string }
  | { type: 'download'; index: number; bytes: number; total: number }
  | { type: 'merged'; index: number; rows: number; totalRows: number; outBytes: number }
  | { type: 'resumed'; merged: number; windows: number }
  | { type: 'cancelled'; exportIds: string[] };

export interface ExtractOptions {
  client: MarketoClient;
  params: ExtractParams;
  /** Where progress is saved; without it a stopped run starts over. */
  statePath?: string;
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

const SEAM_MS = 3600_000;
const MAX_JOB_ATTEMPTS = 3;

/**
 * Runs (or resumes) an extraction. Throws ExportQuotaError when the daily quota runs out and an
 * AbortError when `signal` fires; either way the state is saved first and, on abort, the server
 * jobs this run started are cancelled.
 * @example
 * await runExtraction({ client, params: { endpoint, since, until, format: 'csv', out: 'all.csv' }, statePath: 'all.state.json' })
 */
export async function runExtraction(o: ExtractOptions): Promise<ExtractSummary> {
  const { client, params } = o;
  const state = initialState(o);
  const emit = o.onEvent ?? (() => {});
  const save = () => o.statePath && saveState(o.statePath, state);
  const jobFormat: ExportFormat = params.format === 'ndjson' ? 'CSV' : (params.format.toUpperCase() as ExportFormat);
  const workDir = `${params.out}.parts`;
  mkdirSync(workDir, { recursive: true });
  const partFile = (i: number) => join(workDir, `window-${i}.${jobFormat.toLowerCase()}`);
  prepareOut(params.out, state.outBytes, o.statePath);
  save();

  const failure = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, failure.signal]) : failure.signal;
  const slots = new Slots(o.concurrency ?? 2);
  const budget = new CallWindow(CALL_BUDGET.calls, CALL_BUDGET.windowMs);
  /** Calls the API once budget allows (see CALL_BUDGET). */
  const paced = async <T>(call: () => Promise<T>): Promise<T> => {
    await budget.take(signal);
    return call();
  };
  let duplicates = 0;
  /** The current download of each window, once one started: its merge follows it. */
  const feeds: (DownloadFeed | undefined)[] = [];
  const downloadStarted = state.windows.map(() => signalled());

  const setPhase = (i: number, w: WindowState, phase: WindowState['phase'], job?: ExportJob) => {
    w.phase = phase;
    if (phase === 'pending') {
      delete w.exportId;
      delete w.fileSize;
      delete w.fileChecksum;
    }
    save();
    emit({ type: 'window', index: i, phase, exportId: w.exportId, status: job?.status });
  };

  const request = (w: WindowState): CreateExportRequest => ({
    format: jobFormat,
    ...(params.fields ? { fields: params.fields } : {}),
    filter: {
      createdAt: { startAt: iso(w.start), endAt: iso(w.end) },
      ...(params.types ? { activityTypeIds: params.types } : {}),
    },
  });

  /** Drives one window to a downloaded file. Holds a slot only while its job is queued or processing. */
  async function runWindow(i: number): Promise<void> {
    const w = state.windows[i]!;
    if (w.phase === 'merged' || (w.phase === 'downloaded' && existsSync(partFile(i)))) return;
    if (w.phase === 'downloaded') w.phase = 'completed';
    for (let attempt = 1; ; attempt++) {
      if (w.phase !== 'completed') {
        await slots.acquire(signal);
        try {
          await runJob(i, w);
        } finally {
          slots.release();
        }
      }
      const feed = new DownloadFeed();
      feeds[i] = feed;
      downloadStarted[i]!.fire();
      try {
        const got = await downloadExport(client, w.exportId!, partFile(i), {
          fileSize: w.fileSize, fileChecksum: w.fileChecksum, signal,
          onProgress: (bytes, total) => {
            feed.progress(bytes);
            emit({ type: 'download', index: i, bytes, total });
          },
        });
        w.fileSize = got.bytes;
        setPhase(i, w, 'downloaded');
        feed.finish(got.bytes);
        return;
      } catch (err) {
        feed.break();
        // The file expired or vanished: run the window again.
        if (err instanceof MarketoTransportError && err.status === 404 && attempt < MAX_JOB_ATTEMPTS) {
          setPhase(i, w, 'pending');
          continue;
        }
        throw err;
      }
    }
  }

  async function runJob(i: number, w: WindowState): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      signal.throwIfAborted();
      if (w.phase !== 'pending') await reconcile(i, w);
      if (w.phase === 'pending') {
        const job = await paced(() => client.createExport(request(w)));
        w.exportId = job.exportId;
        setPhase(i, w, 'created', job);
      }
      if (w.phase === 'created') setPhase(i, w, 'queued', await enqueueWhenRoom(w.exportId!));
      const done = await client.waitForExport(w.exportId!, {
        intervalMs: o.pollMs ?? FIRST_POLL_MS, maxIntervalMs: o.maxPollMs ?? MAX_POLL_MS, backoff: POLL_BACKOFF,
        beforePoll: () => budget.take(signal), signal,
        onStatus: (job) => emit({ type: 'window', index: i, phase: w.phase, exportId: job.exportId, status: job.status }),
      });
      if (done.status === 'Completed') {
        w.fileSize = done.fileSize;
        w.fileChecksum = done.fileChecksum;
        w.records = done.numberOfRecords;
        setPhase(i, w, 'completed', done);
        return;
      }
      if (attempt >= MAX_JOB_ATTEMPTS) {
        throw new Error(`window ${iso(w.start)}..${iso(w.end)}: job ${w.exportId} ended ${done.status}${done.errorMsg ? ` (${done.errorMsg})` : ''} ${attempt} times`);
      }
      setPhase(i, w, 'pending', done);
    }
  }

  /** After a restart, asks the server what became of a window's job. */
  async function reconcile(i: number, w: WindowState): Promise<void> {
    let job: ExportJob;
    try {
      job = await paced(() => client.exportStatus(w.exportId!));
    } catch (err) {
      if (err instanceof MarketoApiError && err.code === '1003') return setPhase(i, w, 'pending');
      throw err;
    }
    if (job.status === 'Created') w.phase = 'created';
    else if (job.status === 'Queued' || job.status === 'Processing' || job.status === 'Completed') w.phase = 'queued';
    else setPhase(i, w, 'pending', job);
  }

  /** Enqueues, waiting (with backoff) while the server's queue is full; never piles jobs on it. */
  async function enqueueWhenRoom(exportId: string): Promise<ExportJob> {
    let delay = o.pollMs ?? QUEUE_FULL_FIRST_MS;
    for (;;) {
      try {
        return await paced(() => client.enqueueExport(exportId));
      } catch (err) {
        // An enqueue whose answer was lost (and was retried) finds its job already queued.
        if (err instanceof MarketoApiError && err.code === '1029' && /already queued/i.test(err.message)) return paced(() => client.exportStatus(exportId));
        if (!(err instanceof MarketoApiError && err.code === '1029' && /too many jobs/i.test(err.message))) throw err;
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, o.maxPollMs ?? QUEUE_FULL_MAX_MS);
    }
  }

  /**
   * Appends window i to the output, in order, dropping GUIDs already written at the seam. Raw
   * output follows the window's download while it runs; the window counts as merged only once
   * its download is verified.
   */
  async function merge(i: number): Promise<void> {
    const w = state.windows[i]!;
    const m: WindowMerge = {
      file: partFile(i),
      format: jobFormat,
      out: params.out,
      output: params.format === 'ndjson' ? 'ndjson' : 'raw',
      writeHeader: !(state.outBytes > 0 || params.format === 'ndjson'),
      seam: new Set(state.seamGuids),
      seamFrom: w.end - SEAM_MS,
    };
    let merged = m.output === 'raw' ? await mergeFollowing(i, m) : undefined;
    if (!merged) {
      await tasks[i];
      // What a merge that followed a broken-off download wrote is cut before merging the finished file.
      truncateSync(params.out, state.outBytes);
      merged = await appendWindow(m);
    }
    await tasks[i];
    const { rows, duplicates: dropped, nextSeam } = merged;
    duplicates += dropped;
    state.outBytes = (await stat(params.out)).size;
    state.rows += rows;
    state.seamGuids = nextSeam;
    setPhase(i, w, 'merged');
    rmSync(partFile(i), { force: true });
    emit({ type: 'merged', index: i, rows, totalRows: state.rows, outBytes: state.outBytes });
  }

  /** Merges window i as its download runs; undefined when that download broke off (it may have been run again). */
  async function mergeFollowing(i: number, m: WindowMerge): Promise<WindowMerged | undefined> {
    await Promise.race([downloadStarted[i]!.promise, tasks[i]]);
    const feed = feeds[i];
    if (!feed) return undefined; // downloaded by an earlier run
    try {
      return await appendWindowInThread(m, feed);
    } catch (err) {
      if (err instanceof FollowBroken) return undefined;
      throw err;
    }
  }

  const merged = state.windows.filter((w) => w.phase === 'merged').length;
  if (merged) emit({ type: 'resumed', merged, windows: state.windows.length });
  const tasks = state.windows.map((_, i) => runWindow(i));
  let firstError: unknown;
  tasks.forEach((t) => t.catch((err) => {
    firstError ??= err;
    failure.abort();
  }));
  try {
    for (let i = 0; i < tasks.length; i++) {
      if (state.windows[i]!.phase !== 'merged') await merge(i);
      else await tasks[i];
    }
  } catch (err) {
    failure.abort();
    await Promise.allSettled(tasks);
    const quota = await quotaHit(tasks);
    // Out of quota: leave queued jobs to finish on the server; the next run collects them.
    if (!quota) await cancelOpenJobs();
    // A merge that followed a download the failure cut short leaves no partial window behind.
    if (existsSync(params.out) && statSync(params.out).size > state.outBytes) truncateSync(params.out, state.outBytes);
    save();
    throw quota ?? (o.signal?.aborted ? o.signal.reason : firstError ?? err);
  }
  rmSync(workDir, { recursive: true, force: true });
  save();
  return { windows: state.windows.length, rows: state.rows, bytes: state.outBytes, duplicatesDropped: duplicates };

  /** Jobs this run left on the server half done are cancelled, and their windows start over next time. */
  async function cancelOpenJobs(): Promise<void> {
    const ids: string[] = [];
    for (const [i, w] of state.windows.entries()) {
      if ((w.phase === 'created' || w.phase === 'queued') && w.exportId) {
        await client.cancelExport(w.exportId).catch(() => undefined);
        ids.push(w.exportId);
        w.phase = 'pending';
        delete w.exportId;
        emit({ type: 'window', index: i, phase: 'pending' });
      }
    }
    if (ids.length) emit({ type: 'cancelled', exportIds: ids });
  }
}

async function quotaHit(tasks: Promise<void>[]): Promise<ExportQuotaError | undefined> {
  for (const r of await Promise.allSettled(tasks)) {
    if (r.status === 'rejected' && r.reason instanceof ExportQuotaError) return r.reason;
  }
  return undefined;
}

function initialState(o: ExtractOptions): ExtractState {
  const saved = o.statePath ? loadState(o.statePath) : undefined;
  if (saved) {
    if (!sameParams(saved.params, o.params)) {
      throw new Error(`${o.statePath} belongs to a different extraction (range, types, fields, format or output differ); use another --state file`);
    }
    return saved;
  }
  const windows = splitWindows(o.params.since, o.params.until).map((w) => ({ ...w, phase: 'pending' as const }));
  return { version: 1, params: o.params, windows, outBytes: 0, rows: 0, seamGuids: [] };
}

/** A fresh run starts an empty output; a resumed one cuts off whatever a killed merge left behind. */
function prepareOut(out: string, outBytes: number, statePath?: string): void {
  if (outBytes === 0) return writeFileSync(out, '');
  // Windows the state calls merged live only in `out`: without them the file cannot be continued
  // (and truncating to a larger size would pad it with NUL bytes).
  const have = existsSync(out) ? statSync(out).size : -1;
  if (have < outBytes) {
    throw new Error(`${out} ${have < 0 ? 'is missing' : `holds ${have} bytes`} but ${statePath ?? 'the state'} says ${outBytes} bytes were merged into it; restore the file or delete the state file to start over`);
  }
  truncateSync(out, outBytes);
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** A promise that something fires (Promise.withResolvers needs Node 22). */
function signalled(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}

/** A FIFO counting semaphore: windows take slots in the order they ask. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(n: number) {
    this.free = n;
  }
  async acquire(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const k = this.waiting.indexOf(go);
        if (k >= 0) this.waiting.splice(k, 1);
        reject(signal.reason);
      };
      this.waiting.push(go);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
