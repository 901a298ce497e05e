/**
 * One export written in slices: this thread writes the header and the first slice, other workers
 * write the rest into scratch files, which are appended and hashed in file order. The slices are
 * cut, and the first written, in one read snapshot; a slice worker's snapshot starts a little
 * later, so a slice whose row count differs from the plan saw an import land in between, and is
 * rewritten here from the first snapshot instead of appended. The file is thus always one
 * snapshot of the store.
 */
import { rmSync } from 'node:fs';
import type { ExportRequest } from '../domain/export-kind.js';
import type { ExportSlice, PlannedSlice, Store } from '../store/store.js';
import type { SliceOutcome } from './export-runner.js';
import { formatHeader } from '../domain/file-format.js';
import type { LineWriter } from './line-writer.js';
import { ExportSourceGone } from '../domain/errors.js';
import { missingExportSource } from './export-sources.js';
import type { RunningWorker } from './start-worker.js';

export interface SlicedExport {
  store: Store;
  request: ExportRequest;
  out: LineWriter;
  /** One scratch file per slice after the first; their count caps the slices. */
  scratchPaths: string[];
  minRowsPerSlice: number;
  /** Starts a worker that writes `slice` into `path`. */
  runSlice(slice: ExportSlice, path: string): RunningWorker<SliceOutcome>;
}

/** Writes the whole export into `out`; returns how many slices had to be rewritten from this thread's snapshot. */
export async function writeSlicedExport(o: SlicedExport): Promise<{ slices: number; rewritten: number }> {
  return o.store.inReadSnapshot(async () => {
    // Lists and programs are read when the job starts Processing, in the export's snapshot (notes Q2).
    const gone = await missingExportSource(o.store, o.request);
    if (gone) throw new ExportSourceGone(gone);
    const [first, ...rest]: [ExportSlice, ...PlannedSlice[]] = o.scratchPaths.length
      ? await o.store.splitExport(o.request, o.scratchPaths.length + 1, o.minRowsPerSlice) as [PlannedSlice, ...PlannedSlice[]]
      : [{}]; // one slice: no need to count it
    const helpers = rest.map((slice, i) => {
      const helper = o.runSlice(slice, o.scratchPaths[i]!);
      helper.done.catch(() => undefined); // awaited below; a failure while this thread still writes must not go unhandled
      return helper;
    });
    try {
      o.out.write(Buffer.from(formatHeader(o.request), 'utf8'));
      await o.out.writeChunks(o.store.exportLines(o.request, first));
      let rewritten = 0;
      for (const [i, helper] of helpers.entries()) {
        const written = await helper.done;
        if (written.records === rest[i]!.rows) {
          o.out.records += written.records;
          o.out.append(o.scratchPaths[i]!);
        } else {
          rewritten++;
          await o.out.writeChunks(o.store.exportLines(o.request, rest[i]!));
        }
      }
      return { slices: 1 + rest.length, rewritten };
    } finally {
      await Promise.all(helpers.map((h) => h.stop()));
      for (const path of o.scratchPaths) rmSync(path, { force: true });
    }
  });
}
