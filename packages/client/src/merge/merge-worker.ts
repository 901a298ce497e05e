/**
 * Worker thread entry (see merge-thread.ts): one byte merge, following the download's news that
 * the main thread forwards, so scanning and copying a window do not hold up the thread that
 * downloads the next one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { appendWindowBytes } from './byte-merge.js';
import { DownloadFeed, FollowBroken, type FeedNews } from './download-feed.js';
import type { MergeJob, MergeReply } from './types.js';

const job = workerData as MergeJob;
const port = parentPort!;
const feed = job.follow ? new DownloadFeed() : undefined;
port.on('message', (news: FeedNews) => feed?.apply(news));

let reply: MergeReply;
try {
  const merge = { ...job.merge, seam: new Set(job.merge.seam) };
  reply = { result: await appendWindowBytes(merge, feed ? { source: () => feed.follow(job.merge.file) } : {}) };
} catch (err) {
  reply = err instanceof FollowBroken ? { broken: true } : { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}
port.postMessage(reply);
port.close();
