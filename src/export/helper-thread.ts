/** An export worker's helper thread (run-helper.ts), as the export worker sees it (shared-runs.ts). */
import type { ExportRequest } from '../domain/export-kind.js';
import type { ExportRun, LineChunk, StoreLocation } from '../store/store.js';
import type { Helper } from './shared-runs.js';
import { startWorker } from '@tidemark/client/internal';

export interface HelperInput {
  location: StoreLocation;
  request: ExportRequest;
}

export type ToHelper = { id: number; run: ExportRun } | { end: true };
export type FromHelper = { mark: number } | { id: number; chunks: LineChunk[] };

// The helper holds a run or two of about 1 MB; as the export worker's, its young generation
// stays small (start-worker.ts).
const HELPER_LIMITS = { maxYoungGenerationSizeMb: 6 };

export function startHelper(input: HelperInput): Helper {
  const worker = startWorker(import.meta.url, 'run-helper', { data: input, resourceLimits: HELPER_LIMITS });
  const waiting = new Map<number, { resolve(chunks: LineChunk[]): void; reject(err: Error): void }>();
  let nextId = 0;
  let failure: Error | undefined;
  let markOf: { resolve(n: number): void; reject(err: Error): void };
  const mark = new Promise<number>((resolve, reject) => (markOf = { resolve, reject }));
  const fail = (err: Error) => {
    failure ??= err;
    markOf.reject(failure);
    for (const w of waiting.values()) w.reject(failure);
    waiting.clear();
  };
  worker.on('message', (m: FromHelper) => {
    if ('mark' in m) return markOf.resolve(m.mark);
    const bytes = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);
    waiting.get(m.id)?.resolve(m.chunks.map((c) => ({ rows: c.rows, bytes: bytes(c.bytes) })));
    waiting.delete(m.id);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`export helper exited with code ${code}`)));
  mark.catch(() => undefined); // the export worker may never ask
  return {
    mark,
    build(run: ExportRun): Promise<LineChunk[]> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      const done = new Promise<LineChunk[]>((resolve, reject) => waiting.set(id, { resolve, reject }));
      worker.postMessage({ id, run } satisfies ToHelper);
      return done;
    },
    async stop() {
      fail(new Error('export helper stopped'));
      await worker.terminate();
    },
  };
}
