/**
 * One engine worker for one job: starts it, sends the request, hands its messages to the job until
 * the job finishes, and turns a worker `error` message, a crash or an unexpected exit into the
 * job's error. The worker is always terminated before the call returns. Train, export (and the
 * attack jobs to come) differ only in the messages they expect.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/contract/errors.ts';
import type { FromWorker, ToWorker } from '../engine/protocol.ts';

/** The worker entry: the TypeScript source when running from source, the bundle's sibling otherwise. */
export function engineWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('../engine/worker.ts', import.meta.url) : new URL('./engine-worker.js', import.meta.url);
}

export interface EngineCall<T> {
  request: ToWorker;
  signal: AbortSignal;
  /** on abort: ask the worker to stop (`cancel`: it answers with its final message), or give up with this error */
  onAbort: 'cancel' | (() => Error);
  /** every message but `error`; call `finish` with the job's value */
  onMessage(msg: Exclude<FromWorker, { type: 'error' }>, finish: (value: T) => void): void;
  crashed(err: Error): Error;
  exited(code: number): Error;
  /** the worker's entry (tests inject failing ones) */
  url?: URL;
}

export async function callEngine<T>(call: EngineCall<T>): Promise<T> {
  const worker = new Worker(call.url ?? engineWorkerUrl());
  let abort = (): void => {};
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.on('message', (msg: FromWorker) => (msg.type === 'error' ? reject(AppError.from(msg.error)) : call.onMessage(msg, resolve)));
      worker.on('error', (err) => reject(call.crashed(err)));
      worker.on('exit', (code) => reject(call.exited(code)));
      const onAbort = call.onAbort;
      abort = onAbort === 'cancel' ? () => worker.postMessage({ type: 'cancel' } satisfies ToWorker) : () => reject(onAbort());
      call.signal.addEventListener('abort', abort, { once: true });
      worker.postMessage(call.request);
      // a request cancelled before it started: the listener would never fire
      if (call.signal.aborted) abort();
    });
  } finally {
    call.signal.removeEventListener('abort', abort);
    worker.removeAllListeners();
    await worker.terminate();
  }
}
