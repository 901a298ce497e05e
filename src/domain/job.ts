/** Export jobs: the record, the state machine and the public view. Pure. */
import { formatMarketoDate } from './dates.js';
import type { ExportRequest } from './export-kind.js';
import type { ActivityExportRequest } from './export-request.js';
import type { ExportFormat } from './export-body.js';

export const JOB_STATUSES = ['Created', 'Queued', 'Processing', 'Completed', 'Failed', 'Cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobRecord {
  exportId: string;
  /** clientId of the API user who created the job; only that user may see it. */
  owner: string;
  format: ExportFormat;
  status: JobStatus;
  request: ExportRequest;
  createdAt: number;
  queuedAt?: number;
  startedAt?: number;
  /** Set on Completed, Failed and Cancelled (the view shows it for the first two only). */
  finishedAt?: number;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
}

/** An activity job's request (tools and tests that only make activity jobs); throws for another kind. */
export function activityRequest(job: Pick<JobRecord, 'request' | 'exportId'>): ActivityExportRequest {
  if (job.request.kind !== 'activities') throw new Error(`job ${job.exportId} is a ${job.request.kind} export`);
  return job.request;
}

/** Statuses from which `enqueue` is allowed, and the error for the rest. */
export function enqueueBlocker(status: JobStatus): 'already-queued' | 'finished' | undefined {
  if (status === 'Created') return undefined;
  return status === 'Queued' || status === 'Processing' ? 'already-queued' : 'finished';
}

/** Cancel is allowed from Created, Queued and Processing; a Cancelled job is returned as is. */
export function cancelBlocker(status: JobStatus): 'finished' | 'noop' | undefined {
  if (status === 'Cancelled') return 'noop';
  return status === 'Completed' || status === 'Failed' ? 'finished' : undefined;
}

/** The job as Marketo shows it: keys in Marketo's order, keys that do not apply yet left out. */
export interface JobView {
  exportId: string;
  format: ExportFormat;
  status: JobStatus;
  createdAt: string;
  queuedAt?: string;
  startedAt?: string;
  finishedAt?: string;
  numberOfRecords?: number;
  fileSize?: number;
  fileChecksum?: string;
  errorMsg?: string;
}

export function toJobView(job: JobRecord): JobView {
  const view: JobView = {
    exportId: job.exportId,
    format: job.format,
    status: job.status,
    createdAt: formatMarketoDate(job.createdAt),
  };
  if (job.queuedAt !== undefined) view.queuedAt = formatMarketoDate(job.queuedAt);
  if (job.startedAt !== undefined) view.startedAt = formatMarketoDate(job.startedAt);
  if (job.status === 'Completed' || job.status === 'Failed') {
    if (job.finishedAt !== undefined) view.finishedAt = formatMarketoDate(job.finishedAt);
  }
  if (job.status === 'Completed') {
    view.numberOfRecords = job.numberOfRecords ?? 0;
    view.fileSize = job.fileSize ?? 0;
    if (job.fileChecksum) view.fileChecksum = job.fileChecksum;
  }
  if (job.status === 'Failed' && job.errorMsg) view.errorMsg = job.errorMsg;
  return view;
}

/** Parses the list endpoint's `status` filter: comma lists, repeated keys, any case, both cancel spellings. */
export function parseStatusFilter(raw: string | string[] | undefined): JobStatus[] | { invalid: string } | undefined {
  if (raw === undefined) return undefined;
  const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  const out = new Set<JobStatus>();
  for (const part of parts) {
    const lower = part.toLowerCase();
    const match = lower === 'canceled' ? 'Cancelled' : JOB_STATUSES.find((s) => s.toLowerCase() === lower);
    if (!match) return { invalid: part };
    out.add(match);
  }
  return [...out];
}
