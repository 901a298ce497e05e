/**
 * Runs a byte merge (byte-merge.ts) in a worker thread. The merge of a window follows its download;
 * on one thread the two take turns, so the download of the last window (the one nothing else
 * overlaps) took as long as both. In a worker they run side by side.
 */
import { FollowBroken, type DownloadFeed } from './download-feed.js';
import { startWorker } from '../lib/worker-thread.js';
import type { MergeJob, MergeReply, WindowMerge, WindowMerged } from './types.js';

/**
 * Appends a window in a worker thread, following `feed` when given. Rejects with FollowBroken
 * when that download breaks off.
 * @example const merged = await appendWindowInThread(merge, feed)
 */
export function appendWindowInThread(m: WindowMerge, feed?: DownloadFeed): Promise<WindowMerged> {
  const job: MergeJob = { merge: { ...m, seam: [...m.seam] }, follow: feed !== undefined };
  const worker = startWorker(import.meta.url, 'merge-worker', { data: job });
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
