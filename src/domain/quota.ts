/** Daily export quota and retention maths. Pure. */
import { chicagoDayStart, DAY_MS, nextChicagoDayStart } from './dates.js';

export const MB = 1024 * 1024;

export interface QuotaState {
  usedBytes: number;
  limitBytes: number;
  resetsAt: number;
}

/** The window the export quota counts: jobs Completed since 00:00 America/Chicago today. */
export function quotaWindowStart(now: number): number {
  return chicagoDayStart(now);
}

/** True when the quota is spent; Marketo checks at create and enqueue only, so running jobs still finish. */
export function quotaSpent(usedBytes: number, quotaMb: number): boolean {
  return quotaMb > 0 && usedBytes >= quotaMb * MB;
}

export function quotaResetsAt(now: number): number {
  return nextChicagoDayStart(now);
}

export interface RetentionSettings {
  fileRetentionDays: number;
  statusRetentionDays: number;
  listWindowDays: number;
}

/** A Completed job's file is gone this long after it finished; its status still says Completed. */
export function fileExpired(finishedAt: number | undefined, now: number, s: RetentionSettings): boolean {
  return finishedAt === undefined || now >= finishedAt + s.fileRetentionDays * DAY_MS;
}

/** A job is no longer visible this long after it ended (or was created, if it never ended). */
export function statusExpired(job: { createdAt: number; finishedAt?: number }, now: number, s: RetentionSettings): boolean {
  return now >= (job.finishedAt ?? job.createdAt) + s.statusRetentionDays * DAY_MS;
}

export function listWindowStart(now: number, s: RetentionSettings): number {
  return now - s.listWindowDays * DAY_MS;
}
