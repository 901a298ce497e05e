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
import { FAST_TIMING, mayStart, outcomeTime, type JobTiming } from '../domain/marketo-timing.js';
import type { FileStore } from '../files/file-store.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { RepeatLimiter } from '../lib/repeat-limiter.js';
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
  /**
   * Marketo's timing (domain/marketo-timing.ts): a Queued job starts only after its queue wait,
   * and an outcome is recorded only once its modelled time and the job's next status refresh have
   * come. Absent or `fast`: jobs start when a slot is free and outcomes are recorded at once.
   */
  timing?: JobTiming;
}

export interface JobSettled {
  exportId: string;
  status: JobStatus;
}

export class Scheduler extends EventEmitter<{ settled: [JobSettled] }> {
  private readonly running = new Map<string, RunningExport>();
  /** Each running export's whole course: the run, then recording (or holding) its outcome. */
  private readonly courses = new Set<Promise<void>>();
  /**
   * Exports that finished but whose outcome is not in the store yet: held until `notBefore`
   * (Marketo's timing: the job "still processes" and keeps its slot), or refused by the store (a
   * full disk). Each is tried on every tick, under its lease, until the store takes it.
   */
  private readonly unrecorded = new Map<string, PendingOutcome>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  /** A lasting fault (full disk) fails every tick: log it once a minute, not twice a second. */
  private readonly tickFailures = new RepeatLimiter();
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
      .then(() => {
        const { recovered, passedOver } = this.tickFailures.succeeded();
        if (recovered) this.o.log.info({ failuresNotLogged: passedOver }, 'scheduler ticks succeed again');
      })
      .catch((err: unknown) => {
        const { log, passedOver } = this.tickFailures.failed(err instanceof Error ? err.message : String(err), Date.now());
        if (log) this.o.log.error({ err, failuresNotLogged: passedOver }, 'scheduler tick failed');
      })
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
    const timing = this.o.timing;
    while (!this.stopped) {
      // One reading of the clock per claim: clock travel during the store's await must not let the
      // wait check see the new time while the job is stamped with the old one.
      const now = this.o.clock.now();
      // Marketo's queue wait: the head of the queue starts only once its wait is over (FIFO, so the rest wait too).
      const ready = timing?.mode === 'marketo' ? (queued: JobRecord) => mayStart(queued, now, timing) : undefined;
      const job = await this.o.store.claimNextJob(now, this.o.maxProcessing, this.lease(), ready);
      if (!job) break;
      this.launch(job);
    }
  }

  /**
   * Kicks, and resolves once a tick that began after the call has run: claims that are due have
   * started and outcomes that are due are recorded. Clock travel waits for it, so the next call
   * sees the new time's effects.
   */
  async kickAndWait(): Promise<void> {
    this.kick();
    while (this.ticking) await this.ticking;
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
    const course = run.done
      .then((out) => {
        const at = outcomeTime(job, this.o.clock.now(), out.records, this.o.timing ?? FAST_TIMING);
        return this.record(exportId, this.publication(exportId, out, at?.finishedAt), at?.publishAt);
      }, (err: unknown) => this.recordFailure(job, err))
      .catch((err: unknown) => this.o.log.error({ exportId, err }, 'recording the export outcome failed'))
      .finally(() => {
        this.running.delete(exportId);
        this.courses.delete(course);
        if (!this.unrecorded.has(exportId)) void this.settle(exportId);
        this.kick();
      });
    this.courses.add(course);
  }

  /**
   * Resolves once no export runs in this process: each has been recorded, or is held for its
   * time (Marketo's timing) or for a store that refused it. Tests that walk the clock use it, so
   * that a run's real duration does not change what the next clock step shows.
   */
  async idle(): Promise<void> {
    while (this.courses.size > 0) await Promise.allSettled([...this.courses]);
  }

  /**
   * Publishing a finished export: if this process still holds the job, its file goes into place
   * and the job becomes Completed. Safe to run again after a failure part way (the file is moved
   * once). A worker that stalled past its lease may find the job taken over: it must not publish.
   */
  private publication(exportId: string, out: { records: number; bytes: number; checksum: string }, finishedAt?: number): () => Promise<void> {
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
        status: 'Completed', finishedAt: finishedAt ?? this.o.clock.now(), numberOfRecords: out.records, fileSize: out.bytes, fileChecksum: out.checksum,
      });
      // Cancelled (or requeued) while the last bytes were written: the file must not stay.
      if (!done) this.o.files.remove(exportId);
      else this.o.log.info({ exportId, records: out.records, bytes: out.bytes }, 'export completed');
    };
  }

  private async recordFailure(job: JobRecord, err: unknown): Promise<void> {
    const { exportId } = job;
    this.o.files.discard(exportId, this.tag);
    if (err instanceof ExportStopped) return;
    this.o.log.error({ exportId, err }, 'export failed');
    const at = outcomeTime(job, this.o.clock.now(), undefined, this.o.timing ?? FAST_TIMING);
    await this.record(exportId, async () => {
      if (!(await this.stillHeld(exportId))) return;
      await this.o.store.transitionJob(exportId, 'Processing', {
        status: 'Failed', finishedAt: at?.finishedAt ?? this.o.clock.now(), errorMsg: describeFailure(err),
      });
    }, at?.publishAt);
  }

  /**
   * Records an outcome now, or holds it until `notBefore` (Marketo's timing), or, when the store
   * cannot take it (a full disk), tries again on every tick until it can. The job keeps its lease
   * (and its processing slot) meanwhile and settles once recorded, rather than being left
   * Processing until its lease runs out and running again.
   */
  private async record(exportId: string, write: () => Promise<void>, notBefore = 0): Promise<void> {
    if (this.o.clock.now() < notBefore) {
      this.unrecorded.set(exportId, { write, notBefore, refused: false });
      return;
    }
    try {
      await write();
    } catch (err) {
      this.o.log.error({ exportId, err }, 'recording the export outcome failed; trying again on every tick');
      this.unrecorded.set(exportId, { write, notBefore, refused: true });
    }
  }

  private async recordPending(): Promise<void> {
    for (const [exportId, pending] of [...this.unrecorded]) {
      if (this.o.clock.now() < pending.notBefore) continue;
      try {
        await pending.write();
      } catch (err) {
        if (!pending.refused) this.o.log.error({ exportId, err }, 'recording the export outcome failed; trying again on every tick');
        pending.refused = true;
        continue; // still refused; logged when it first failed
      }
      this.unrecorded.delete(exportId);
      if (pending.refused) this.o.log.info({ exportId }, 'export outcome recorded');
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

/** An outcome waiting to be recorded (see `unrecorded`). */
interface PendingOutcome {
  write: () => Promise<void>;
  /** Clock time before which it must not be recorded (0: as soon as the store takes it). */
  notBefore: number;
  /** The store refused it at least once (logged then, and when it finally goes in). */
  refused: boolean;
}

function describeFailure(err: unknown): string {
  if (err instanceof InjectedFailure || err instanceof ExportSourceGone) return err.message;
  const code = (err as { code?: string }).code;
  if (code === 'ENOSPC') return 'Export failed: no space left on the export volume';
  if (code === 'EFBIG') return 'Export failed: file size limit reached';
  return 'Export failed: internal error while writing the file';
}
