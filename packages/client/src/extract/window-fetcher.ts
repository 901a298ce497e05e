/**
 * Brings each window to a verified file on disk: its job (holding one of the run's job slots only
 * while the job is queued or processing), then its download, which starts as soon as the job
 * completes and which the window's merge may follow. A file that expired (404) gets a new job.
 */
import { existsSync } from 'node:fs';
import type { MarketoClient } from '../api/client.js';
import { MarketoTransportError } from '../api/errors.js';
import { downloadExport } from '../files/download.js';
import { DownloadFeed } from '../merge/download-feed.js';
import type { Ledger } from './ledger.js';
import { windowRequest } from './plan.js';
import type { Slots } from './slots.js';
import { MAX_JOB_ATTEMPTS, runWindowJob, type PollSettings } from './window-job.js';
import type { WindowDownload } from './merge-window.js';

export interface WindowFetcherOptions {
  client: MarketoClient;
  ledger: Ledger;
  slots: Slots;
  /** Awaited before each create, enqueue and status call. */
  pace: () => Promise<void>;
  poll: PollSettings;
  signal: AbortSignal;
  /** Where window i's file is downloaded to. */
  partFile: (i: number) => string;
}

export class WindowFetcher {
  /** The current download of each window, once one started: its merge follows it. */
  private readonly feeds: (DownloadFeed | undefined)[] = [];
  private readonly started: { promise: Promise<void>; fire: () => void }[];
  private readonly tasks: Promise<void>[] = [];

  constructor(private readonly o: WindowFetcherOptions) {
    this.started = o.ledger.state.windows.map(() => signalled());
  }

  /**
   * Starts fetching window i (once) and returns what its merge needs.
   * @example const download = fetcher.fetch(0); await download.done
   */
  fetch(i: number): WindowDownload {
    this.tasks[i] ??= this.run(i);
    const done = this.tasks[i];
    return { done, feed: () => Promise.race([this.started[i]!.promise, done]).then(() => this.feeds[i]) };
  }

  private async run(i: number): Promise<void> {
    const { ledger, partFile } = this.o;
    const w = ledger.state.windows[i]!;
    if (w.phase === 'merged' || (w.phase === 'downloaded' && existsSync(partFile(i)))) return;
    if (w.phase === 'downloaded') w.phase = 'completed';
    for (let attempt = 1; ; attempt++) {
      if (w.phase !== 'completed') await this.runJob(i);
      try {
        return await this.download(i);
      } catch (err) {
        // The file expired or vanished: run the window again.
        if (err instanceof MarketoTransportError && err.status === 404 && attempt < MAX_JOB_ATTEMPTS) {
          ledger.position(i, { phase: 'pending' });
          continue;
        }
        throw err;
      }
    }
  }

  /** The window's job, from wherever the state has it to Completed, holding a job slot. */
  private async runJob(i: number): Promise<void> {
    const { client, ledger, slots, signal } = this.o;
    const w = ledger.state.windows[i]!;
    await slots.acquire(signal);
    try {
      const done = await runWindowJob({ phase: w.phase, ...(w.exportId ? { exportId: w.exportId } : {}) }, windowRequest(ledger.state.params, w), {
        client, pace: this.o.pace, poll: this.o.poll, signal,
        onStep: (at, job) => ledger.position(i, at, job),
        onStatus: (job) => ledger.tell({ type: 'window', index: i, phase: w.phase, exportId: job.exportId, status: job.status }),
      });
      ledger.completed(i, done);
    } finally {
      slots.release();
    }
  }

  /** Downloads the Completed job's file, telling a new feed how far it got. */
  private async download(i: number): Promise<void> {
    const { client, ledger, signal } = this.o;
    const w = ledger.state.windows[i]!;
    const feed = new DownloadFeed();
    this.feeds[i] = feed;
    this.started[i]!.fire();
    try {
      const got = await downloadExport(client, w.exportId!, this.o.partFile(i), {
        ...(w.fileSize !== undefined ? { fileSize: w.fileSize } : {}), ...(w.fileChecksum ? { fileChecksum: w.fileChecksum } : {}), signal,
        onProgress: (bytes, total) => {
          feed.progress(bytes);
          ledger.tell({ type: 'download', index: i, bytes, total });
        },
      });
      ledger.downloaded(i, got.bytes);
      feed.finish(got.bytes);
    } catch (err) {
      feed.break();
      throw err;
    }
  }
}

/** A promise that something fires (Promise.withResolvers needs Node 22). */
function signalled(): { promise: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const promise = new Promise<void>((resolve) => (fire = resolve));
  return { promise, fire };
}
