/**
 * Merging one window into the output once its turn comes. Raw output (CSV, TSV, SSV) follows the
 * window's download while it runs; if that download breaks off (and is run again), what the
 * follow wrote is cut and the finished file is merged instead. NDJSON output merges the finished
 * file. Only files; the caller keeps the state.
 */
import { DownloadFeed, FollowBroken } from '../merge/download-feed.js';
import { appendWindowInThread } from '../merge/merge-thread.js';
import type { WindowMerge, WindowMerged } from '../merge/types.js';
import { appendWindow } from '../merge/window-merge.js';

/** The window's download as the merge sees it. */
export interface WindowDownload {
  /**
   * The feed of the download to follow, once one started; undefined when the window needs none
   * (its file was downloaded by an earlier run).
   */
  feed: () => Promise<DownloadFeed | undefined>;
  /** Settles when the window's file is downloaded and verified (rejects when that failed). */
  done: Promise<void>;
}

/**
 * Appends window `m.file` to `m.out`; `cutOutput` cuts the output back to where this window
 * started (before a merge of the finished file replaces a broken follow).
 * @example const merged = await mergeWindow(merge, { feed: async () => feed, done: downloaded }, () => truncateSync(out, outBytes))
 */
export async function mergeWindow(m: WindowMerge, download: WindowDownload, cutOutput: () => void): Promise<WindowMerged> {
  let merged = m.output === 'raw' ? await mergeFollowing(m, download) : undefined;
  if (!merged) {
    await download.done;
    cutOutput();
    merged = await appendWindow(m);
  }
  // A follow ends when its feed is done, which is when the download was verified.
  await download.done;
  return merged;
}

/** Merges as the download runs; undefined when there was nothing to follow or the download broke off. */
async function mergeFollowing(m: WindowMerge, download: WindowDownload): Promise<WindowMerged | undefined> {
  const feed = await download.feed();
  if (!feed) return undefined;
  try {
    return await appendWindowInThread(m, feed);
  } catch (err) {
    if (err instanceof FollowBroken) return undefined;
    throw err;
  }
}
