/**
 * The one place an extraction's state changes: each change is saved to the state file (so a
 * killed run resumes from it) and told as an event, in that order.
 */
import type { ExportJob } from '../api/types.js';
import type { WindowMerged } from '../merge/types.js';
import { saveState, type ExtractState, type WindowPhase } from './state.js';
import type { CompletedJob, JobPosition } from './window-job.js';

/** What an extraction tells while it runs (`tidemark extract --json` prints each as a line). */
export type ExtractEvent =
  | { type: 'window'; index: number; phase: WindowPhase; exportId?: string; status?: string }
  | { type: 'download'; index: number; bytes: number; total: number }
  | { type: 'merged'; index: number; rows: number; totalRows: number; outBytes: number }
  | { type: 'resumed'; merged: number; windows: number }
  | { type: 'restarted'; reason: string[] }
  /** `--restart`: the jobs the earlier run had left Created or Queued, now cancelled. */
  | { type: 'abandoned'; exportIds: string[] }
  | { type: 'cancelled'; exportIds: string[] };

export class Ledger {
  /** Whether this run created a job on the server. */
  createdJobs = false;

  constructor(
    readonly state: ExtractState,
    private readonly statePath: string | undefined,
    private readonly emit: (e: ExtractEvent) => void,
  ) {}

  save(): void {
    if (this.statePath) saveState(this.statePath, this.state);
  }

  /** A window's job moved (created, queued, or back to pending to be run again). */
  position(i: number, at: JobPosition, job?: ExportJob): void {
    const w = this.state.windows[i]!;
    w.phase = at.phase;
    if (at.phase === 'created') this.createdJobs = true;
    if (at.exportId !== undefined) w.exportId = at.exportId;
    if (at.phase === 'pending') {
      delete w.exportId;
      delete w.fileSize;
      delete w.fileChecksum;
    }
    this.changed(i, job);
  }

  completed(i: number, done: CompletedJob): void {
    const w = this.state.windows[i]!;
    Object.assign(w, { phase: 'completed', exportId: done.exportId, fileSize: done.fileSize, fileChecksum: done.fileChecksum, records: done.records });
    this.changed(i, done.job);
  }

  downloaded(i: number, bytes: number): void {
    const w = this.state.windows[i]!;
    w.fileSize = bytes;
    w.phase = 'downloaded';
    this.changed(i);
  }

  merged(i: number, merged: WindowMerged, outBytes: number): void {
    const s = this.state;
    s.outBytes = outBytes;
    s.rows += merged.rows;
    s.seamGuids = merged.nextSeam;
    s.windows[i]!.phase = 'merged';
    this.changed(i);
    this.emit({ type: 'merged', index: i, rows: merged.rows, totalRows: s.rows, outBytes });
  }

  /** Jobs left open on the server were cancelled: their windows start over next time. */
  cancelled(ids: { index: number; exportId: string }[]): void {
    for (const { index } of ids) {
      const w = this.state.windows[index]!;
      w.phase = 'pending';
      delete w.exportId;
      this.emit({ type: 'window', index, phase: 'pending' });
    }
    if (ids.length) this.emit({ type: 'cancelled', exportIds: ids.map((x) => x.exportId) });
  }

  tell(e: ExtractEvent): void {
    this.emit(e);
  }

  private changed(i: number, job?: ExportJob): void {
    this.save();
    const w = this.state.windows[i]!;
    this.emit({ type: 'window', index: i, phase: w.phase, ...(w.exportId ? { exportId: w.exportId } : {}), ...(job ? { status: job.status } : {}) });
  }
}
