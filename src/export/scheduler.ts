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
import { EXPORT_TEMP_PARTS, type FileStore } from '../files/file-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../store/store.js';
import { ExportStopped, runExport, type RunningExport } from './export-runner.js';
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
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private again = false;
  private lastSweep = 0;
  private stopped = false;
  private started = false;
  /** Identifies this process's claims in the job table. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Names this process's temp files. */
  private readonly tag = `${process.pid}-${randomUUID().slice(0, 8)}`;

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
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      await this.sweep(now);
    }
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
    const ids = [...this.running.keys()];
    if (ids.length === 0) return;
    const held = new Set(await this.o.store.renewLeases(this.owner, ids, this.lease().until));
    for (const id of ids) {
      if (held.has(id)) continue;
      this.o.log.info({ exportId: id }, 'export stopped: the job was cancelled or claimed elsewhere');
      await this.running.get(id)?.stop();
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
        tempPaths: Array.from({ length: EXPORT_TEMP_PARTS }, (_, part) => this.o.files.tempPath(exportId, this.tag, part)),
      })
      : this.o.faults!.failedRun(injected);
    const run = this.o.faults?.delayed(started) ?? started;
    this.running.set(exportId, run);
    run.done
      .then(async (out) => {
        // A worker that stalled past its lease may find the job taken over: it must not publish.
        if (!(await this.stillHeld(exportId))) {
          this.o.files.discard(exportId, this.tag);
          return;
        }
        this.o.files.commit(exportId, this.tag);
        const done = await this.o.store.transitionJob(exportId, 'Processing', {
          status: 'Completed',
          finishedAt: this.o.clock.now(),
          numberOfRecords: out.records,
          fileSize: out.bytes,
          fileChecksum: out.checksum,
        });
        // Cancelled (or requeued) while the last bytes were written: the file must not stay.
        if (!done) this.o.files.remove(exportId);
        else this.o.log.info({ exportId, records: out.records, bytes: out.bytes }, 'export completed');
      })
      .catch(async (err: unknown) => {
        this.o.files.discard(exportId, this.tag);
        if (err instanceof ExportStopped || !(await this.stillHeld(exportId))) return;
        this.o.log.error({ exportId, err }, 'export failed');
        await this.o.store.transitionJob(exportId, 'Processing', {
          status: 'Failed',
          finishedAt: this.o.clock.now(),
          errorMsg: describeFailure(err),
        });
      })
      .catch((err: unknown) => this.o.log.error({ exportId, err }, 'recording the export outcome failed'))
      .finally(async () => {
        this.running.delete(exportId);
        const job = await this.o.store.getJob(exportId).catch(() => undefined);
        this.emit('settled', { exportId, status: job?.status ?? 'Failed' });
        this.kick();
      });
  }

  private async stillHeld(exportId: string): Promise<boolean> {
    return (await this.o.store.renewLeases(this.owner, [exportId], this.lease().until)).length > 0;
  }

  /** Called after a job was cancelled: stops its export if it runs here and removes partial output. */
  async cancel(exportId: string): Promise<void> {
    const run = this.running.get(exportId);
    if (run) await run.stop();
    else this.emit('settled', { exportId, status: 'Cancelled' });
    this.o.files.discard(exportId, this.tag);
    this.o.files.remove(exportId);
  }

  /** Stops every running export without recording an outcome; the emulator's reset has deleted their jobs. */
  async abortAll(): Promise<void> {
    const runs = [...this.running];
    await Promise.all(runs.map(([, run]) => run.stop()));
    for (const [id] of runs) this.o.files.discard(id, this.tag);
  }

  /** Deletes expired files and job rows past status retention. */
  private async sweep(now: number): Promise<void> {
    // A worker that died leaves its temp file; one nobody has written for two leases is dead.
    this.o.files.removeTempsOlderThan(Date.now() - 2 * (this.o.leaseMs ?? 30_000));
    for (const job of await this.o.store.jobsFinishedBefore(now - this.o.fileRetentionDays * DAY_MS)) {
      this.o.files.remove(job.exportId);
    }
    await this.o.store.deleteJobsEndedBefore(now - this.o.statusRetentionDays * DAY_MS);
  }

  /** Stops claiming, stops running exports and puts their jobs back at the head of the queue. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    const ids = [...this.running.keys()];
    await Promise.all([...this.running.values()].map((r) => r.stop()));
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
