/**
 * Runs long operations as jobs: an id, throttled progress events with ETA, cancellation through
 * an AbortSignal (cancellation is a result: the job ends 'cancelled'), and a failed job that
 * never takes the app down.
 */
import { randomUUID } from 'node:crypto';
import { AppError, toErrorInfo } from '../../shared/contract/errors.ts';
import type { JobInfo, JobKind } from '../../shared/domain/job.ts';
import type { EventBus } from './event-bus.ts';

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; events are throttled to about 10 a second. */
  progress(done: number, total: number): void;
  /** Starts a named phase: progress and the ETA count afresh within it (pushed at once). */
  setPhase(phase: string): void;
  /** Names what the job works on (e.g. its run id), pushed with the next progress event. */
  setSubject(subject: string): void;
  /** Throws CANCELLED when the job was cancelled; call between units of work. */
  throwIfCancelled(): void;
  /** Marks something the job reads or writes until it ends (`run:<id>`), so a deletion can refuse meanwhile (`JobRunner.holder`). */
  hold(resource: string): void;
}

const EMIT_INTERVAL_MS = 100;

export class JobRunner {
  private readonly jobs = new Map<string, { info: JobInfo; controller: AbortController; holds: Set<string> }>();
  private readonly bus: EventBus;

  constructor(bus: EventBus) {
    this.bus = bus;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info }));
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.info.status !== 'running') return false;
    job.controller.abort();
    return true;
  }

  /** The running job that holds `resource` (see `JobContext.hold`), or null. Jobs start at once: none waits queued. */
  holder(resource: string): JobInfo | null {
    const job = [...this.jobs.values()].find((j) => j.info.status === 'running' && j.holds.has(resource));
    return job ? { ...job.info } : null;
  }

  async run<T>(kind: JobKind, label: string, work: (ctx: JobContext) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const controller = new AbortController();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener('abort', () => controller.abort(), { once: true });
    const info: JobInfo = { id: randomUUID(), kind, label, status: 'running', done: 0, total: 0, etaSeconds: null, subject: null, error: null };
    const holds = new Set<string>();
    this.jobs.set(info.id, { info, controller, holds });
    let started = performance.now();
    let lastEmit = 0;
    const emit = (): void => this.bus.emit('job.progress', { ...info });
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total) => {
        info.done = done;
        info.total = total;
        const elapsed = (performance.now() - started) / 1000;
        info.etaSeconds = done > 0 && total > done ? Math.round((elapsed / done) * (total - done)) : null;
        const now = performance.now();
        if (now - lastEmit >= EMIT_INTERVAL_MS || done === total) {
          lastEmit = now;
          emit();
        }
      },
      setPhase: (phase) => {
        Object.assign(info, { phase, done: 0, total: 0, etaSeconds: null });
        started = performance.now();
        emit();
      },
      setSubject: (subject) => {
        info.subject = subject;
        emit();
      },
      throwIfCancelled: () => {
        if (controller.signal.aborted) throw new AppError('CANCELLED', `${label} was cancelled; nothing was kept.`);
      },
      hold: (resource) => void holds.add(resource),
    };
    emit();
    try {
      const value = await work(ctx);
      info.status = 'done';
      info.etaSeconds = 0;
      return value;
    } catch (err) {
      const error = toErrorInfo(err);
      info.status = error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      info.error = error;
      throw err;
    } finally {
      emit();
      this.pruneFinished();
    }
  }

  /** Keeps the last 50 finished jobs for `jobs.list`. */
  private pruneFinished(): void {
    const finished = [...this.jobs.values()].filter((j) => j.info.status !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - 50))) this.jobs.delete(j.info.id);
  }
}
