/**
 * One export written by this thread, with helper threads sharing the work. The export is cut
 * into runs of a few thousand rows (`store.exportRuns`); a helper builds the lines of each run
 * handed to it and sends the bytes back (moved, not copied); this thread builds the other runs
 * and writes every run in file order, hashing as it writes. No run is written twice and no file
 * is read back.
 *
 * Runs are handed out as helpers finish them, a couple at a time, so an export takes the cores
 * that are free: a helper the machine gives little time to is handed little, and this thread
 * builds what it would have. A small export never starts a helper (its start-up costs more
 * than it saves).
 *
 * One snapshot: the runs are cut and this thread's runs built in one read snapshot. A helper's
 * snapshot starts a little later, so it counts the export's mark (`store.exportMark`) in it; a
 * helper that counts differently saw an import land in between and is sent away unused.
 */
import type { ExportRequest } from '../domain/export-kind.js';
import { formatHeader } from '../domain/file-format.js';
import { ExportSourceGone } from '../domain/errors.js';
import type { ExportRun, LineChunk, Store } from '../store/store.js';
import { missingExportSource } from './export-sources.js';
import type { LineWriter } from './line-writer.js';

export interface RunSharing {
  /** Helper threads the export may start (0: this thread alone). */
  helpers: number;
  /** Rows per run: a run's lines travel between threads as one piece of about 1 MB. */
  rowsPerRun: number;
  /** Runs this thread writes before it starts helpers. */
  soloRuns: number;
  /** Runs a helper holds at once: enough that it never waits for the next, few enough to take back. */
  runsPerHelper: number;
  /** Runs this thread may build ahead of the one it waits for from a helper. */
  runsAhead: number;
}

// About 1.2 MB of activity lines a run; four or so runs of the window's 1.7 M rows at once.
export const DEFAULT_SHARING: RunSharing = { helpers: 1, rowsPerRun: 4096, soloRuns: 6, runsPerHelper: 2, runsAhead: 4 };

/** A helper thread as this thread sees it (helper-thread.ts). */
export interface Helper {
  /** The helper's count of the export's mark, once its snapshot is open. */
  readonly mark: Promise<number>;
  /** Builds a run's lines in the helper. */
  build(run: ExportRun): Promise<LineChunk[]>;
  stop(): Promise<void>;
}

export interface SharedExport {
  store: Store;
  request: ExportRequest;
  out: LineWriter;
  sharing: RunSharing;
  startHelper(): Helper;
}

/** A run on its way into the file: built (chunks) or being built by a helper (settles when it answers). */
interface Slot {
  run: ExportRun;
  chunks?: LineChunk[];
  helper?: Working;
  answered?: Promise<void>;
}

interface Working {
  helper: Helper;
  held: number;
  /** Its snapshot matched this thread's; it may take runs. */
  ready: boolean;
}

/** Writes the header and every run; returns how many runs there were and how many helpers built. */
export async function writeSharedExport(o: SharedExport): Promise<{ runs: number; byHelpers: number }> {
  return o.store.inReadSnapshot(async () => {
    // Lists and programs are read when the job starts Processing, in the export's snapshot (notes Q2).
    const gone = await missingExportSource(o.store, o.request);
    if (gone) throw new ExportSourceGone(gone);
    const share = o.sharing.helpers > 0 && o.store.capabilities.parallelRuns;
    const mark = share ? await o.store.exportMark(o.request) : undefined;
    o.out.write(Buffer.from(formatHeader(o.request), 'utf8'));
    const writer = new RunWriter(o, mark);
    try {
      return await writer.writeAll();
    } finally {
      await writer.stopHelpers();
    }
  });
}

class RunWriter {
  private readonly runs: AsyncIterator<ExportRun>;
  private readonly queue: Slot[] = [];
  private readonly working: Working[] = [];
  private exhausted = false;
  private written = 0;
  private byHelpers = 0;

  /** `mark` undefined: this thread works alone. */
  constructor(private readonly o: SharedExport, private readonly mark: number | undefined) {
    this.runs = o.store.exportRuns(o.request, o.sharing.rowsPerRun)[Symbol.asyncIterator]();
  }

  async writeAll(): Promise<{ runs: number; byHelpers: number }> {
    for (;;) {
      this.writeFinished();
      if (this.mark !== undefined && this.written === this.o.sharing.soloRuns && this.working.length === 0) this.startHelpers();
      await this.handOut();
      const head = this.queue[0];
      if (head?.helper) {
        const built = this.queue.filter((s) => s.chunks).length;
        if (built >= this.o.sharing.runsAhead || !(await this.buildAhead())) await head.answered;
      } else {
        const run = head ? this.queue.shift()!.run : await this.nextRun();
        if (!run) return { runs: this.written, byHelpers: this.byHelpers };
        // Written as it is built: a run without maxRows may be a whole export (one COPY).
        await this.o.out.writeChunks(this.o.store.exportLines(this.o.request, run));
        this.written++;
      }
      // Let helpers' answers in, and the writer's background flush finish.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async stopHelpers(): Promise<void> {
    await Promise.all(this.working.map((w) => w.helper.stop()));
  }

  private writeFinished(): void {
    while (this.queue[0]?.chunks) {
      for (const chunk of this.queue.shift()!.chunks!) this.o.out.writeChunk(chunk);
      this.written++;
    }
  }

  private async nextRun(): Promise<ExportRun | undefined> {
    if (this.exhausted) return undefined;
    const next = await this.runs.next();
    if (next.done) this.exhausted = true;
    return next.done ? undefined : next.value;
  }

  private startHelpers(): void {
    for (let i = 0; i < this.o.sharing.helpers; i++) {
      const w: Working = { helper: this.o.startHelper(), held: 0, ready: false };
      this.working.push(w);
      w.helper.mark.then((m) => {
        if (m === this.mark) w.ready = true;
        else this.dismiss(w);
      }, () => this.dismiss(w));
    }
  }

  /** Gives every ready helper small runs (maxRows) up to what it may hold. */
  private async handOut(): Promise<void> {
    for (const w of this.working) {
      while (w.ready && w.held < this.o.sharing.runsPerHelper) {
        const run = await this.nextRun();
        if (!run) return;
        const slot: Slot = { run };
        this.queue.push(slot);
        if (run.maxRows === undefined) return; // it may be the whole export: it stays here
        slot.helper = w;
        w.held++;
        slot.answered = w.helper.build(run).then((chunks) => {
          if (slot.helper !== w) return;
          slot.chunks = chunks;
          slot.helper = undefined;
          w.held--;
          this.byHelpers++;
        }, () => this.dismiss(w));
      }
    }
  }

  /** Builds the next small run here while the head waits on a helper; false when there is none. */
  private async buildAhead(): Promise<boolean> {
    if (this.exhausted) return false;
    const run = await this.nextRun();
    if (!run) return false;
    const slot: Slot = { run };
    this.queue.push(slot);
    if (run.maxRows !== undefined) slot.chunks = await collect(this.o.store.exportLines(this.o.request, run));
    return true;
  }

  /** A helper that failed or saw another snapshot: its runs come back to this thread. */
  private dismiss(w: Working): void {
    w.ready = false;
    w.held = 0;
    for (const slot of this.queue) if (slot.helper === w) slot.helper = undefined;
    void w.helper.stop();
  }
}

async function collect(chunks: AsyncIterable<LineChunk>): Promise<LineChunk[]> {
  const out: LineChunk[] = [];
  for await (const c of chunks) out.push(c);
  return out;
}
