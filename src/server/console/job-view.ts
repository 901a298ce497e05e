/**
 * Jobs as the console shows them: every field, the owner's name, the export type, a one-line
 * filter, why a Queued job waits, its create body and its timeline. Pure.
 */
import { formatMarketoDate } from '../../domain/dates.js';
import { EXPORT_KINDS, type ExportKind, type ExportRequest } from '../../domain/export-kind.js';
import { isListFilter } from '../../domain/lead-export-request.js';
import type { JobRecord, JobView } from '../../domain/job.js';
import { queueWait, type JobTiming } from '../../domain/marketo-timing.js';

/** Export types: the kind the job's request carries. */
export const JOB_KINDS = EXPORT_KINDS;
export type JobKind = ExportKind;

export function jobKind(job: JobRecord): JobKind {
  return job.request.kind;
}

/** What decides when a Queued job starts: the claim order and the processing slots. */
export interface QueueState {
  /** Queued jobs in claim order. */
  queuedIds: string[];
  processing: number;
  maxProcessing: number;
  /** With Marketo's timing, a Queued job also waits out its queue wait (domain/marketo-timing.ts). */
  timing?: JobTiming;
  now?: number;
}

/** The job as its owner's status call shows it, plus what only an operator sees. */
export interface ConsoleJob extends Omit<JobView, 'format'> {
  kind: JobKind;
  owner: string;
  ownerName: string | null;
  format: string;
  filter: string;
  /** Why the job has not started, for Created and Queued jobs. */
  waiting?: string;
  /** 1 for the job the scheduler claims next. */
  queuePosition?: number;
}

/** Why a job is not running yet, or undefined when it is past that. */
export function waitReason(job: Pick<JobRecord, 'exportId' | 'status' | 'queuedAt'>, queue: QueueState): { text: string; position?: number } | undefined {
  if (job.status === 'Created') return { text: 'Created, not queued: it starts after enqueue' };
  if (job.status !== 'Queued') return undefined;
  const reason = slotReason(job, queue);
  const { timing, now } = queue;
  if (timing?.mode !== 'marketo' || now === undefined || job.queuedAt === undefined) return reason;
  const waitEnds = job.queuedAt + queueWait(job.exportId, timing);
  return waitEnds > now ? { ...reason, text: `${reason.text}; its queue wait (--timing marketo) ends ${formatMarketoDate(waitEnds)}` } : reason;
}

function slotReason(job: Pick<JobRecord, 'exportId'>, queue: QueueState): { text: string; position?: number } {
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

const window = (w: { startMs: number; endMs: number }) => ({ startAt: formatMarketoDate(w.startMs), endAt: formatMarketoDate(w.endMs) });
const shortDate = (ms: number) => formatMarketoDate(ms).replace('T', ' ').replace('Z', '');
const span = (w: { startMs: number; endMs: number }) => `${shortDate(w.startMs)} to ${shortDate(w.endMs)} UTC`;
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The filter in a line: the date window or list, and what narrows it. */
export function filterSummary(request: ExportRequest): string {
  switch (request.kind) {
    case 'activities': {
      const f = request.filter;
      const parts = [span(f)];
      if (f.activityTypeIds) parts.push(`types ${f.activityTypeIds.join(', ')}`);
      if (f.primaryAttributeValueIds) parts.push(count(f.primaryAttributeValueIds.length, 'primary attribute id'));
      if (f.primaryAttributeValues) parts.push(count(f.primaryAttributeValues.length, 'primary attribute name'));
      return parts.join('; ');
    }
    case 'leads': {
      const f = request.filter;
      if (isListFilter(f)) return `${f.type === 'staticList' ? 'static' : 'smart'} list ${f.listId ?? `'${f.listName}'`}`;
      return `${f.type} ${span(f)}`;
    }
    case 'programMembers': {
      const f = request.filter;
      const parts = [`program${f.programIds.length === 1 ? '' : 's'} ${f.programIds.join(', ')}`];
      if (f.statusNames) parts.push(`status ${f.statusNames.join(', ')}`);
      if (f.isExhausted !== undefined) parts.push(`isExhausted ${f.isExhausted}`);
      if (f.nurtureCadence) parts.push(`cadence ${f.nurtureCadence}`);
      if (f.updatedAt) parts.push(`updatedAt ${span(f.updatedAt)}`);
      return parts.join('; ');
    }
  }
}

/** The filter of the create body that makes this job, in Marketo's shape. */
function filterBody(request: ExportRequest): Record<string, unknown> {
  switch (request.kind) {
    case 'activities': {
      const f = request.filter;
      return {
        createdAt: window(f),
        ...(f.activityTypeIds ? { activityTypeIds: f.activityTypeIds } : {}),
        ...(f.primaryAttributeValueIds ? { primaryAttributeValueIds: f.primaryAttributeValueIds } : {}),
        ...(f.primaryAttributeValues ? { primaryAttributeValues: f.primaryAttributeValues } : {}),
      };
    }
    case 'leads': {
      const f = request.filter;
      if (!isListFilter(f)) return { [f.type]: window(f) };
      const prefix = f.type === 'staticList' ? 'staticList' : 'smartList';
      return f.listId !== undefined ? { [`${prefix}Id`]: f.listId } : { [`${prefix}Name`]: f.listName };
    }
    case 'programMembers': {
      const f = request.filter;
      return {
        ...(f.several ? { programIds: f.programIds } : { programId: f.programIds[0] }),
        ...(f.isExhausted !== undefined ? { isExhausted: f.isExhausted } : {}),
        ...(f.nurtureCadence ? { nurtureCadence: f.nurtureCadence } : {}),
        ...(f.statusNames ? { statusNames: f.statusNames } : {}),
        ...(f.updatedAt ? { updatedAt: window(f.updatedAt) } : {}),
      };
    }
  }
}

/** The create body that makes this job, in Marketo's shape (the stored request, normalised). */
export function createBodyOf(request: ExportRequest): Record<string, unknown> {
  return {
    format: request.format,
    fields: request.fields,
    ...(Object.keys(request.columnHeaderNames).length ? { columnHeaderNames: request.columnHeaderNames } : {}),
    filter: filterBody(request),
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
