/**
 * The Defence Lab's engine worker: one long-lived worker thread (tfjs loaded once, the dataset's
 * pixels and energies cached) so moving a slider answers in well under a second. Requests are
 * matched to answers by id; the worker is stopped after a minute without requests, and a crash
 * fails the pending requests and starts a fresh worker next time.
 */
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorInfo } from '../../shared/contract/errors.ts';
import type { LabRequest } from '../engine/lab/lab-service.ts';
import type { LabOutput } from '../engine/lab/preview.ts';
import type { FromWorker, ToWorker } from '../engine/protocol.ts';
import { engineWorkerUrl } from './engine-call.ts';

const IDLE_MS = 60_000;

interface Pending {
  resolve(output: LabOutput): void;
  reject(err: Error): void;
}

export class LabEngine {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;
  private readonly url: URL;

  constructor(url: URL = engineWorkerUrl()) {
    this.url = url;
  }

  preview(request: LabRequest): Promise<LabOutput> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.idle) clearTimeout(this.idle);
    return new Promise<LabOutput>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'lab', id, request } satisfies ToWorker);
    }).finally(() => this.armIdle());
  }

  close(): void {
    if (this.idle) clearTimeout(this.idle);
    this.fail(new AppError('CANCELLED', 'The studio is closing.'));
    void this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.url);
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'lab-result' && msg.type !== 'lab-error') return;
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.type === 'lab-result') p?.resolve(msg.output);
      else p?.reject(toAppError(msg.error));
    });
    worker.on('error', (err) => this.crashed(worker, `The Defence Lab's engine worker crashed: ${err.message}. Try again.`));
    worker.on('exit', (code) => this.crashed(worker, `The Defence Lab's engine worker stopped (exit code ${code}). Try again.`));
    this.worker = worker;
    return worker;
  }

  private crashed(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.fail(new AppError('INTERNAL', message));
  }

  private fail(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private armIdle(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.pending.size > 0) return;
    this.idle = setTimeout(() => {
      const w = this.worker;
      this.worker = null;
      void w?.terminate();
    }, IDLE_MS);
    this.idle.unref();
  }
}

function toAppError(e: ErrorInfo): AppError {
  return new AppError(e.code, e.message);
}
