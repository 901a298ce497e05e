/**
 * Files follow jobs: which export files may stay. Pure; the scheduler lists the files, asks the
 * store who owns them, and removes what this says.
 *
 * A published file (`<id>.export`) stays while its job is Completed and within file retention, or
 * Processing (a worker renames its file into place just before it records Completed, and a job
 * whose outcome could not be recorded keeps its finished file until it is). A temp file stays
 * while the attempt that writes it still holds the job: the job is Processing under a lease that
 * has not run out, taken by the process the file's tag names; or the attempt runs in this very
 * process. Everything else has no job to serve it: files of Cancelled, Failed, Queued (requeued),
 * deleted or unknown jobs, temp files of dead workers and of attempts that lost their job.
 */
import type { StoredFile } from '../files/file-store.js';
import type { JobOwnership } from '../store/store.js';

export interface SweepInput {
  files: StoredFile[];
  owners: JobOwnership[];
  /** The server's clock (file retention counts on it). */
  now: number;
  /** Wall-clock time (leases count on it, as every process shares it). */
  wallNow: number;
  fileRetentionMs: number;
  /** `<exportId> <tag>` of the attempts running in this process. */
  runningHere: ReadonlySet<string>;
}

/** The attempt tag of a lease owner (`<host>:<pid>:<random>` writes files tagged `<pid>-<random>`). */
export function tagOfOwner(owner: string): string {
  return owner.split(':').slice(-2).join('-');
}

export function filesToRemove(input: SweepInput): StoredFile[] {
  const owners = new Map(input.owners.map((o) => [o.exportId, o]));
  return input.files.filter((f) => !keeps(f, owners.get(f.exportId), input));
}

function keeps(file: StoredFile, owner: JobOwnership | undefined, input: SweepInput): boolean {
  if (file.tag === undefined) {
    if (!owner) return false;
    if (owner.status === 'Processing') return true;
    return owner.status === 'Completed' && (owner.finishedAt ?? 0) >= input.now - input.fileRetentionMs;
  }
  if (input.runningHere.has(`${file.exportId} ${file.tag}`)) return true;
  const lease = owner?.status === 'Processing' ? owner.lease : undefined;
  return lease !== undefined && lease.until > input.wallNow && tagOfOwner(lease.owner) === file.tag;
}
