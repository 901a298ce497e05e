/**
 * Jobs as the console shows them: every field, the owner's name, the export type, a one-line
 * filter, why a Queued job waits, its create body and its timeline. Pure.
 */
import { formatMarketoDate } from '../../domain/dates.js';
import type { ExportRequest } from '../../domain/export-request.js';
import type { JobRecord, JobStatus } from '../../domain/job.js';

/** Export types. Jobs gain a `kind` with the lead and program-member exports; until then each exports activities. */
export const JOB_KINDS = ['activities', 'leads', 'programMembers'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export function jobKind(job: JobRecord): JobKind {
  const kind = (job as { kind?: unknown }).kind;
  return (JOB_KINDS as readonly unknown[]).includes(kind) ? (kind as JobKind) : 'activities';
}

/** What decides when a Queued job starts: the claim order and the processing slots. */
export interface QueueState {
  /** Queued jobs in claim order. */
  queuedIds: string[];
  processing: number;
  maxProcessing: number;
}

export interface ConsoleJob {
  exportId: string;
  kind: JobKind;
  owner: string;
  ownerName: string | null;
  status: JobStatus;
  format: string;
  filter: string;
  createdAt: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
  /** Why the job has not started, for Created and Queued jobs. */
  waiting?: string;
  /** 1 for the job the scheduler claims next. */
  queuePosition?: number;
}

/** Why a job is not running yet, or undefined when it is past that. */
export function waitReason(job: Pick<JobRecord, 'exportId' | 'status'>, queue: QueueState): { text: string; position?: number } | undefined {
  if (job.status === 'Created') return { text: 'Created, not queued: it starts after enqueue' };
  if (job.status !== 'Queued') return undefined;
  const index = queue.queuedIds.indexOf(job.exportId);
  if (index < 0) return { text: 'Queued: starting' }; // claimed between the two reads
  const position = index + 1;
  const ahead = position === 1 ? 'next in line' : `position ${position} in the queue`;
  if (queue.processing >= queue.maxProcessing) {
    return { text: `Processing slots full (${queue.processing} of ${queue.maxProcessing}); ${ahead}`, position };
  }
  const free = queue.maxProcessing - queue.processing;
  return { text: position <= free ? `${ahead}: a processing slot is free, it starts at the scheduler's next look` : `${ahead}; ${free} slot${free === 1 ? '' : 's'} free for the jobs ahead`, position };
}

/** The filter in a line: the date window, the types and the primary attribute values. */
export function filterSummary(request: ExportRequest): string {
  const f = request.filter;
  const short = (ms: number) => formatMarketoDate(ms).replace('T', ' ').replace('Z', '');
  const parts = [`${short(f.startMs)} to ${short(f.endMs)} UTC`];
  if (f.activityTypeIds) parts.push(`types ${f.activityTypeIds.join(', ')}`);
  if (f.primaryAttributeValueIds) parts.push(`${f.primaryAttributeValueIds.length} primary attribute id${f.primaryAttributeValueIds.length === 1 ? '' : 's'}`);
  if (f.primaryAttributeValues) parts.push(`${f.primaryAttributeValues.length} primary attribute name${f.primaryAttributeValues.length === 1 ? '' : 's'}`);
  return parts.join('; ');
}

/** The create body that makes this job, in Marketo's shape (the stored request, normalised). */
export function createBodyOf(request: ExportRequest): Record<string, unknown> {
  const f = request.filter;
  const filter: Record<string, unknown> = { createdAt: { startAt: formatMarketoDate(f.startMs), endAt: formatMarketoDate(f.endMs) } };
  if (f.activityTypeIds) filter.activityTypeIds = f.activityTypeIds;
  if (f.primaryAttributeValueIds) filter.primaryAttributeValueIds = f.primaryAttributeValueIds;
  if (f.primaryAttributeValues) filter.primaryAttributeValues = f.primaryAttributeValues;
  return {
    format: request.format,
    fields: request.fields,
    ...(Object.keys(request.columnHeaderNames).length ? { columnHeaderNames: request.columnHeaderNames } : {}),
    filter,
  };
}

/** What happened to the job, in order, with the time of each step. */
export function timelineOf(job: JobRecord): { step: string; at: string }[] {
  const out = [{ step: 'Created', at: formatMarketoDate(job.createdAt) }];
  if (job.queuedAt !== undefined) out.push({ step: 'Queued', at: formatMarketoDate(job.queuedAt) });
  if (job.startedAt !== undefined) out.push({ step: 'Processing', at: formatMarketoDate(job.startedAt) });
  if (job.finishedAt !== undefined && job.status !== 'Queued' && job.status !== 'Processing') {
    out.push({ step: job.status, at: formatMarketoDate(job.finishedAt) });
  }
  return out;
}

export function toConsoleJob(job: JobRecord, ownerName: string | undefined, queue: QueueState): ConsoleJob {
  const view: ConsoleJob = {
    exportId: job.exportId, kind: jobKind(job), owner: job.owner, ownerName: ownerName ?? null, status: job.status, format: job.format,
    filter: filterSummary(job.request), createdAt: formatMarketoDate(job.createdAt),
  };
  if (job.queuedAt !== undefined) view.queuedAt = formatMarketoDate(job.queuedAt);
  if (job.startedAt !== undefined) view.startedAt = formatMarketoDate(job.startedAt);
  if (job.finishedAt !== undefined) view.finishedAt = formatMarketoDate(job.finishedAt);
  if (job.numberOfRecords !== undefined) view.numberOfRecords = job.numberOfRecords;
  if (job.fileSize !== undefined) view.fileSize = job.fileSize;
  if (job.fileChecksum !== undefined) view.fileChecksum = job.fileChecksum;
  if (job.errorMsg !== undefined) view.errorMsg = job.errorMsg;
  const wait = waitReason(job, queue);
  if (wait) {
    view.waiting = wait.text;
    if (wait.position !== undefined) view.queuePosition = wait.position;
  }
  return view;
}
