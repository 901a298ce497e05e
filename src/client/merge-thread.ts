/**
 * Runs a byte merge (byte-merge.ts) in a worker thread. The merge of a window follows its download;
 * on one thread the two take turns, so the download of the last window (the one nothing else
 * overlaps) took as long as both. In a worker they run side by side.
 */
import { Worker } from 'node:worker_threads';
import { FollowBroken, type DownloadFeed } from './download-feed.js';
import type { WindowMerge, WindowMerged } from './window-merge.js';

/** What the worker is given. */
export interface MergeJob {
  merge: Omit<WindowMerge, 'seam'> & { seam: string[] };
  /** Whether a download is still writing `merge.file` (its news arrive as messages). */
  follow: boolean;
}

/** What the worker answers, once. */
export type MergeReply = { result: WindowMerged } | { broken: true } | { error: string };

/**
 * Appends a window in a worker thread, following `feed` when given. Rejects with FollowBroken
 * when that download breaks off.
 * @example const merged = await appendWindowInThread(merge, feed)
 */
export function appendWindowInThread(m: WindowMerge, feed?: DownloadFeed): Promise<WindowMerged> {
  const job: MergeJob = { merge: { ...m, seam: [...m.seam] }, follow: feed !== undefined };
  const worker = startWorker('merge-worker', job);
  const unwatch = feed?.watch((news) => worker.postMessage(news));
  return new Promise<WindowMerged>((resolve, reject) => {
    let reply: MergeReply | undefined;
    worker.once('message', (r: MergeReply) => (reply = r));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      unwatch?.();
      if (!reply) reject(new Error(`the merge worker exited with code ${code} before answering`));
      else if ('result' in reply) resolve(reply.result);
      else if ('broken' in reply) reject(new FollowBroken());
      else reject(new Error(`merge failed: ${reply.error}`));
    });
  });
}

/**
 * Starts a sibling module in a worker thread. In dist/ it is plain .js; under tsx (the tests run
 * the sources) it is .ts, and Node 20 does not carry tsx's loader into workers, so a tiny
 * bootstrap registers it first.
 */
function startWorker(name: string, data: unknown): Worker {
  const isTs = import.meta.url.endsWith('.ts');
  const url = new URL(`./${name}${isTs ? '.ts' : '.js'}`, import.meta.url);
  if (!isTs) return new Worker(url, { workerData: data });
  const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData: data });
}
