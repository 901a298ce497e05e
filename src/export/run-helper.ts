/**
 * Runs inside a helper thread started by an export worker (shared-runs.ts): opens its own read
 * snapshot, reports the export's mark in it, then builds the lines of each run it is handed and
 * sends them back, moving the bytes rather than copying them.
 */
import { parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { openStore } from '../store/open-store.js';
import type { LineChunk } from '../store/store.js';
import type { FromHelper, HelperInput, ToHelper } from './helper-thread.js';

const input = workerData as HelperInput;
const port = parentPort!;
const inbox: ToHelper[] = [];
let wake: (() => void) | undefined;
port.on('message', (m: ToHelper) => {
  inbox.push(m);
  wake?.();
});
const next = async (): Promise<ToHelper> => {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return inbox.shift()!;
};
const send = (m: FromHelper, transfer: TransferListItem[] = []) => port.postMessage(m, transfer);

const store = await openStore(input.location, { readonly: true });
try {
  await store.inReadSnapshot(async () => {
    send({ mark: await store.exportMark(input.request) });
    for (let m = await next(); 'run' in m; m = await next()) {
      const chunks: LineChunk[] = [];
      for await (const c of store.exportLines(input.request, m.run)) chunks.push(c);
      // A Buffer that owns its whole memory moves; any other is copied.
      const movable = chunks.map((c) => c.bytes).filter((b) => b.byteOffset === 0 && b.buffer.byteLength === b.length);
      send({ id: m.id, chunks }, movable.map((b) => b.buffer as ArrayBuffer));
    }
  });
} finally {
  await store.close();
  port.close();
}
