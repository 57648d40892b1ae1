/**
 * Data-parallel training over two cores (tfjs-wasm is single-threaded in Node): the leader keeps
 * the only optimizer; each step, it and one helper thread compute gradients on their halves of
 * the batch, the leader averages them (weighted by half size), applies one update and publishes
 * the new parameters through a SharedArrayBuffer. Batch norm sees each half separately ("ghost
 * batch norm") [ours]; `TrainConfig.workers` records the choice so runs stay reproducible.
 */
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import type { BackendName } from '../../../shared/domain/run.ts';
import { copyInto } from '../backend/tensor-io.ts';
import type { Augment } from '../train/data.ts';
import type { FromHelper, Slot, ToHelper } from './protocol.ts';
import type { Item, Replica, ReplicaSpec } from './replica.ts';

export function helperWorkerUrl(): URL {
  return import.meta.url.endsWith('.ts') ? new URL('./helper-worker.ts', import.meta.url) : new URL('./grad-helper.js', import.meta.url);
}

/** Gradients of the mean loss over a batch, keyed by global variable name, and the loss. */
export interface BatchGradients {
  loss: number;
  grads: tf.NamedTensorMap;
  /** per-sample losses in batch order, when the replica keeps them (adaptive) */
  perSample?: Float32Array | null;
}

/** Single-threaded gradients (also the fallback for batches too small to split). */
export function localGradients(replica: Replica, items: readonly Item[], augment?: readonly Augment[]): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  return tf.variableGrads(() => tf.tidy(() => replica.loss(items, augment)), replica.params.trainable());
}

/**
 * Where `gradients` splits a batch of `n`: the leader's first half, the helper's second; no split
 * when the second half would hold fewer than 2 (MixUp draws partners within these groups).
 */
export function halfSplit(n: number): number {
  const half = Math.ceil(n / 2);
  return n - half < 2 ? n : half;
}

export class DataParallel {
  private readonly worker: Worker;
  /** the leader's replica: the trainer must compute through it (its BN statistics live here) */
  readonly replica: Replica;
  private readonly layout: Slot[];
  private readonly view: Float32Array;
  private readonly paramsLength: number;
  private version = 0;
  private pending: { resolve(msg: FromHelper): void; reject(err: Error): void } | null = null;

  private constructor(worker: Worker, replica: Replica, layout: Slot[], view: Float32Array, paramsLength: number) {
    this.worker = worker;
    this.replica = replica;
    this.layout = layout;
    this.view = view;
    this.paramsLength = paramsLength;
    worker.on('message', (msg: FromHelper) => {
      const p = this.pending;
      this.pending = null;
      if (msg.type === 'error') p?.reject(new Error(`gradient helper: ${msg.message}`));
      else p?.resolve(msg);
    });
    worker.on('error', (err) => this.pending?.reject(err));
    worker.on('exit', (code) => this.pending?.reject(new Error(`the gradient helper thread exited (code ${code})`)));
  }

  /** Starts a helper for `replica` (the leader's) built from `spec`, and publishes the parameters. */
  static async start(spec: ReplicaSpec, replica: Replica, backend: BackendName, url: URL = helperWorkerUrl()): Promise<DataParallel> {
    const layout: Slot[] = [];
    let offset = 0;
    for (const v of replica.params.trainable()) {
      layout.push({ name: replica.params.local(v.name), shape: v.shape, offset, length: v.size });
      offset += v.size;
    }
    const buffer = new SharedArrayBuffer(offset * 2 * 4);
    const dp = new DataParallel(new Worker(url), replica, layout, new Float32Array(buffer), offset);
    await dp.request({ type: 'init', spec, backend, buffer, layout, paramsLength: offset });
    dp.publish();
    return dp;
  }

  private request(msg: ToHelper): Promise<FromHelper> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  /** Copies the leader's current parameters into the shared buffer for the helper. */
  publish(): void {
    for (const slot of this.layout) copyInto(this.replica.params.get(slot.name), this.view, slot.offset);
    this.version++;
  }

  /** Averaged gradients of the batch: the helper takes the second half, the leader the first. */
  async gradients(items: readonly Item[], augment?: readonly Augment[]): Promise<BatchGradients> {
    const half = halfSplit(items.length);
    if (half === items.length) {
      const { value, grads } = localGradients(this.replica, items, augment);
      const loss = (await value.data())[0];
      value.dispose();
      return { loss, grads, perSample: this.replica.takePerSample?.() ?? null };
    }
    const theirs = this.request({ type: 'step', items: items.slice(half), augment: augment?.slice(half), paramsVersion: this.version });
    const mine = localGradients(this.replica, items.slice(0, half), augment?.slice(0, half));
    const reply = await theirs;
    if (reply.type !== 'grads') throw new Error('gradient helper answered out of turn');
    const n = items.length;
    const wa = half / n;
    const wb = (n - half) / n;
    const grads = tf.tidy(() => {
      const out: tf.NamedTensorMap = {};
      for (const slot of this.layout) {
        const name = this.replica.params.prefix + slot.name;
        const other = tf.tensor(this.view.subarray(this.paramsLength + slot.offset, this.paramsLength + slot.offset + slot.length), slot.shape);
        out[name] = mine.grads[name].mul(wa).add(other.mul(wb));
      }
      return out;
    });
    const loss = (await mine.value.data())[0] * wa + reply.loss * wb;
    tf.dispose([mine.value, ...Object.values(mine.grads)]);
    const own = this.replica.takePerSample?.() ?? null;
    const perSample = own && reply.perSample ? Float32Array.from([...own, ...reply.perSample]) : null;
    return { loss, grads, perSample };
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners();
    await this.worker.terminate();
  }
}
