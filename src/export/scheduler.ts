/**
 * Claims Queued jobs within the processing limit (FIFO by queuedAt), runs each in a worker thread,
 * and records the outcome. The job table is the queue: the store's claim is atomic, so several
 * schedulers (processes) can share one store.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { DAY_MS } from '../domain/dates.js';
import { ExportSourceGone } from '../domain/errors.js';
import type { JobRecord, JobStatus } from '../domain/job.js';
import type { FileStore } from '../files/file-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import { ExportStopped, runExport, type RunningExport } from './export-runner.js';
import { filesToRemove, tagOfOwner } from './file-sweep.js';
import { InjectedFailure, type JobFaults } from './job-faults.js';

export interface SchedulerOptions {
  store: Store;
  files: FileStore;
  clock: Clock;
  log: Logger;
  maxProcessing: number;
  fileRetentionDays: number;
  statusRetentionDays: number;
  /** How often to look for work that another process queued, and to renew leases; local enqueues kick at once. */
  pollMs?: number;
  /** How long a claim holds without renewal; a worker that dies loses its jobs after this. */
  leaseMs?: number;
  /** The emulator's injected failures and delays (only with --emulator-controls). */
  faults?: JobFaults;
}

export interface JobSettled {
  exportId: string;
  status: JobStatus;
}

export class Scheduler extends EventEmitter<{ settled: [JobSettled] }> {
  private readonly running = new Map<string, RunningExport>();
  /**
   * Exports that finished but whose outcome the store did not take (a full disk): each is tried
   * again on every tick, under its lease, until the store takes it.
   */
  private readonly unrecorded = new Map<string, () => Promise<void>>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private lastSweep = 0;
  private lastSweepWall = 0;
  private stopped = false;
  private started = false;
  /** Identifies this process's claims in the job table. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Names this process's temp files; the file sweep tells from it whose lease a temp file lives under. */
  private readonly tag = tagOfOwner(this.owner);

  constructor(private readonly o: SchedulerOptions) {
    super();
  }

  /**
   * Starts claiming. With a single-writer store this process is the only worker, so jobs left
   * Processing by a crash go straight back to the head of the queue; where several processes
   * share the store, their leases run out instead and any worker picks them up.
   */
  async start(): Promise<void> {
    this.started = true;
    if (!this.o.store.capabilities.concurrentClaims) {
      const requeued = await this.o.store.requeueProcessing();
      const temps = this.o.files.removeTemps();
      if (requeued || temps) this.o.log.info({ requeued, temps }, 'recovered jobs interrupted by a restart');
    }
    this.timer = setInterval(() => this.kick(), this.o.pollMs ?? 500);
    this.timer.unref();
    this.kick();
  }

  /** Looks for claimable work now. Calls while a tick runs coalesce into one more tick. */
  kick(): void {
    if (this.stopped || !this.started) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err) => this.o.log.error({ err }, 'scheduler tick failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async tick(): Promise<void> {
    const now = this.o.clock.now();
    // Once a minute of either clock (the server's may stand still in tests, or leap with clock
    // travel), or every two leases if that is sooner: a dead worker's temp files go soon after its lease.
    const every = Math.min(60_000, 2 * (this.o.leaseMs ?? 30_000));
    if (now - this.lastSweep > every || Date.now() - this.lastSweepWall > every) {
      this.lastSweep = now;
      this.lastSweepWall = Date.now();
      await this.sweep().catch((err: unknown) => this.o.log.error({ err }, 'file sweep failed'));
    }
    await this.recordPending();
    await this.renewLeases();
    let job: JobRecord | undefined;
    while (!this.stopped && (job = await this.o.store.claimNextJob(this.o.clock.now(), this.o.maxProcessing, this.lease()))) {
      this.launch(job);
    }
  }

  private lease() {
    return { owner: this.owner, until: Date.now() + (this.o.leaseMs ?? 30_000) };
  }

  /** Keeps this process's claims alive; stops exports whose job was cancelled elsewhere or taken over. */
  private async renewLeases(): Promise<void> {
    const ids = [...this.running.keys(), ...this.unrecorded.keys()];
    if (ids.length === 0) return;
    const held = new Set(await this.o.store.renewLeases(this.owner, ids, this.lease().until));
    for (const id of ids) {
      if (held.has(id)) continue;
      this.o.log.info({ exportId: id }, 'export stopped: the job was cancelled or claimed elsewhere');
      await this.running.get(id)?.stop();
      this.unrecorded.delete(id);
      this.o.files.discard(id, this.tag);
    }
  }

  private launch(job: JobRecord): void {
    const { exportId } = job;
    this.o.log.info({ exportId }, 'export started');
    const injected = this.o.faults?.takeFailure();
    const started = injected === undefined
      ? runExport({
        location: this.o.store.location, request: job.request,
        tempPath: this.o.files.tempPath(exportId, this.tag),
      })
      : this.o.faults!.failedRun(injected);
    const run = this.o.faults?.delayed(started) ?? started;
    this.running.set(exportId, run);
    run.done
      .then((out) => this.record(exportId, this.publication(exportId, out)), (err: unknown) => this.recordFailure(exportId, err))
      .catch((err: unknown) => this.o.log.error({ exportId, err }, 'recording the export outcome failed'))
      .finally(() => {
        this.running.delete(exportId);
        if (!this.unrecorded.has(exportId)) void this.settle(exportId);
        this.kick();
      });
  }

  /**
   * Publishing a finished export: if this process still holds the job, its file goes into place
   * and the job becomes Completed. Safe to run again after a failure part way (the file is moved
   * once). A worker that stalled past its lease may find the job taken over: it must not publish.
   */
  private publication(exportId: string, out: { records: number; bytes: number; checksum: string }): () => Promise<void> {
    let moved = false;
    return async () => {
      if (!(await this.stillHeld(exportId))) {
        if (!moved) this.o.files.discard(exportId, this.tag);
        return;
      }
      if (!moved) {
        try {
          this.o.files.commit(exportId, this.tag);
        } catch (err) {
          if ((err as { code?: string }).code !== 'ENOENT') throw err;
          // The sweep removed the temp file while the lease had run out: run the job again.
          this.o.log.warn({ exportId }, 'export file gone before it was published (the lease had run out); the job runs again');
          await this.o.store.requeueProcessing([exportId]);
          return;
        }
        moved = true;
      }
      const done = await this.o.store.transitionJob(exportId, 'Processing', {
        status: 'Completed', finishedAt: this.o.clock.now(), numberOfRecords: out.records, fileSize: out.bytes, fileChecksum: out.checksum,
      });
      // Cancelled (or requeued) while the last bytes were written: the file must not stay.
      if (!done) this.o.files.remove(exportId);
      else this.o.log.info({ exportId, records: out.records, bytes: out.bytes }, 'export completed');
    };
  }

  private async recordFailure(exportId: string, err: unknown): Promise<void> {
    this.o.files.discard(exportId, this.tag);
    if (err instanceof ExportStopped) return;
    this.o.log.error({ exportId, err }, 'export failed');
    await this.record(exportId, async () => {
      if (!(await this.stillHeld(exportId))) return;
      await this.o.store.transitionJob(exportId, 'Processing', { status: 'Failed', finishedAt: this.o.clock.now(), errorMsg: describeFailure(err) });
    });
  }

  /**
   * Records an outcome now or, when the store cannot take it (a full disk), on every tick until it
   * can. The job keeps its lease (and its processing slot) meanwhile and settles the moment the
   * store recovers, rather than being left Processing until its lease runs out and running again.
   */
  private async record(exportId: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.o.log.error({ exportId, err }, 'recording the export outcome failed; trying again on every tick');
      this.unrecorded.set(exportId, write);
    }
  }

  private async recordPending(): Promise<void> {
    for (const [exportId, write] of [...this.unrecorded]) {
      try {
        await write();
      } catch {
        continue; // still refused; logged when it first failed
      }
      this.unrecorded.delete(exportId);
      this.o.log.info({ exportId }, 'export outcome recorded');
      void this.settle(exportId);
    }
  }

  private async settle(exportId: string): Promise<void> {
    const job = await this.o.store.getJob(exportId).catch(() => undefined);
    this.emit('settled', { exportId, status: job?.status ?? 'Failed' });
  }

  private async stillHeld(exportId: string): Promise<boolean> {
    return (await this.o.store.renewLeases(this.owner, [exportId], this.lease().until)).length > 0;
  }

  /** Called after a job was cancelled: stops its export if it runs here and removes partial output. */
  async cancel(exportId: string): Promise<void> {
    this.unrecorded.delete(exportId);
    const run = this.running.get(exportId);
    if (run) await run.stop();
    else this.emit('settled', { exportId, status: 'Cancelled' });
    this.o.files.discard(exportId, this.tag);
    this.o.files.remove(exportId);
  }

  /** Stops every running export without recording an outcome; the emulator's reset has deleted their jobs. */
  async abortAll(): Promise<void> {
    this.unrecorded.clear();
    const runs = [...this.running];
    await Promise.all(runs.map(([, run]) => run.stop()));
    for (const [id] of runs) this.o.files.discard(id, this.tag);
  }

  /**
   * Removes every export file and temp file no job owns (file-sweep.ts: files of jobs that ended
   * otherwise than Completed, expired ones, files of outcomes never recorded, temp files of dead
   * workers), then job rows past status retention. Runs once a minute; returns the files removed.
   */
  async sweep(): Promise<number> {
    const files = this.o.files.list();
    const owners = files.length > 0 ? await this.o.store.jobOwnership([...new Set(files.map((f) => f.exportId))]) : [];
    const doomed = filesToRemove({
      files, owners, now: this.o.clock.now(), wallNow: Date.now(), fileRetentionMs: this.o.fileRetentionDays * DAY_MS,
      runningHere: new Set([...this.running.keys(), ...this.unrecorded.keys()].map((id) => `${id} ${this.tag}`)),
    });
    for (const f of doomed) this.o.files.removeListed(f);
    if (doomed.length > 0) this.o.log.info({ files: doomed.length }, 'removed export files no job owns');
    await this.o.store.deleteJobsEndedBefore(this.o.clock.now() - this.o.statusRetentionDays * DAY_MS);
    return doomed.length;
  }

  /** Stops claiming, stops running exports and puts their jobs back at the head of the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await this.recordPending(); // a last try; what is still refused is requeued below and runs again
    const ids = [...this.running.keys(), ...this.unrecorded.keys()];
    await Promise.all([...this.running.values()].map((r) => r.stop()));
    this.unrecorded.clear();
    if (ids.length) await this.o.store.requeueProcessing(ids);
    for (const id of ids) this.o.files.discard(id, this.tag);
  }

  /** Resolves when the job is Completed, Failed or Cancelled (now or later). For tests and the CLI. */
  waitForJob(exportId: string, timeoutMs = 60_000): Promise<JobStatus> {
    return new Promise((resolve, reject) => {
      const finish = (status?: JobStatus, err?: Error) => {
        clearTimeout(timer);
        this.off('settled', onSettled);
        if (err) reject(err);
        else resolve(status!);
      };
      const timer = setTimeout(() => finish(undefined, new Error(`job ${exportId} did not settle within ${timeoutMs} ms`)), timeoutMs);
      const onSettled = (e: JobSettled) => {
        if (e.exportId === exportId && SETTLED.includes(e.status)) finish(e.status);
      };
      // Listen first, then look: a job that settled in between is caught either way.
      this.on('settled', onSettled);
      this.o.store.getJob(exportId).then((job) => {
        if (!job) finish(undefined, new Error(`job ${exportId} does not exist`));
        else if (SETTLED.includes(job.status)) finish(job.status);
      }, (err: Error) => finish(undefined, err));
    });
  }
}

const SETTLED: readonly JobStatus[] = ['Completed', 'Failed', 'Cancelled'];

function describeFailure(err: unknown): string {
  if (err instanceof InjectedFailure || err instanceof ExportSourceGone) return err.message;
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC') return 'Export failed: no space left on the export volume';
  if (code === 'EFBIG') return 'Export failed: file size limit reached';
  return 'Export failed: internal error while writing the file';
}
