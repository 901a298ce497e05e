/** Row -> domain object mappers shared by the SQL backends (their column names are the same). */
import type { Asset, AssetKind } from '../domain/assets.js';
import { JOB_STATUSES, type JobRecord, type JobStatus } from '../domain/job.js';
import type { AccessToken, ApiUser, JobOwnership, JobPatch } from './store.js';

export type Row = Record<string, unknown>;

/** Job fields a patch may set, and their columns. */
export const JOB_COLUMNS: Record<keyof JobPatch, string> = {
  status: 'status', queuedAt: 'queued_at', startedAt: 'started_at', finishedAt: 'finished_at',
  numberOfRecords: 'number_of_records', fileSize: 'file_size', fileChecksum: 'file_checksum', errorMsg: 'error_msg',
};

export function toJob(r: Row): JobRecord {
  const job: JobRecord = {
    exportId: r.export_id as string, owner: r.owner as string, format: r.format as JobRecord['format'],
    // Rows from before the kind column hold activity requests without a kind.
    status: r.status as JobStatus, request: { ...JSON.parse(r.request as string), kind: r.kind ?? 'activities' }, createdAt: r.created_at as number,
  };
  const optional: [keyof JobRecord, unknown][] = [
    ['queuedAt', r.queued_at], ['startedAt', r.started_at], ['finishedAt', r.finished_at],
    ['numberOfRecords', r.number_of_records], ['fileSize', r.file_size], ['fileChecksum', r.file_checksum], ['errorMsg', r.error_msg],
  ];
  for (const [k, v] of optional) if (v !== null && v !== undefined) (job as unknown as Record<string, unknown>)[k] = v;
  return job;
}

export function jobParams(j: JobRecord): unknown[] {
  return [j.exportId, j.owner, j.format, j.status, JSON.stringify(j.request), j.createdAt, j.queuedAt ?? null,
    j.startedAt ?? null, j.finishedAt ?? null, j.numberOfRecords ?? null, j.fileSize ?? null, j.fileChecksum ?? null,
    j.errorMsg ?? null, j.request.kind];
}

export function toUser(r: Row): ApiUser {
  return {
    clientId: r.client_id as string, name: r.name as string, role: r.role as string, secretHash: r.secret_hash as string,
    // SQLite stores 0/1, PostgreSQL a boolean.
    disabled: r.disabled === true || r.disabled === 1, createdAt: r.created_at as number,
  };
}

export function toToken(r: Row): AccessToken {
  return { tokenHash: r.token_hash as string, nonce: r.nonce as string, clientId: r.client_id as string, issuedAt: r.issued_at as number, expiresAt: r.expires_at as number };
}

export function toAsset(r: Row): Asset {
  return { kind: r.kind as AssetKind, id: r.id as number, name: r.name as string, qualifiedName: r.qualified_name as string, data: JSON.parse(r.data as string) };
}

/** `status, n` rows -> a count for every status (0 for those without rows). */
export function countsByStatus(rows: Row[]): Record<JobStatus, number> {
  const out = Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>;
  for (const r of rows) if ((JOB_STATUSES as readonly string[]).includes(r.status as string)) out[r.status as JobStatus] = Number(r.n);
  return out;
}

export function toOwnership(r: Row): JobOwnership {
  const out: JobOwnership = { exportId: r.export_id as string, status: r.status as JobStatus };
  if (r.finished_at !== null && r.finished_at !== undefined) out.finishedAt = Number(r.finished_at);
  if (r.status === 'Processing' && r.lease_owner !== null && r.lease_owner !== undefined) {
    out.lease = { owner: r.lease_owner as string, until: Number(r.lease_expires_at ?? 0) };
  }
  return out;
}
