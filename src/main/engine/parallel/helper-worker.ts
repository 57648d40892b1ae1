/**
 * A gradient helper thread: holds a replica of the model, refreshes its parameters from the shared
 * buffer when the leader has published new ones, computes gradients of its half-batch and writes
 * them back. It never updates parameters itself: the leader's optimizer is the only one.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'node:worker_threads';
import { selectBackend } from '../backend/select-backend.ts';
import { copyInto } from '../backend/tensor-io.ts';
import type { FromHelper, Slot, ToHelper } from './protocol.ts';
import { buildReplica, type Replica } from './replica.ts';

const port = parentPort!;
let replica: Replica | null = null;
let view: Float32Array;
let layout: Slot[] = [];
let paramsLength = 0;
let version = -1;

function refreshParams(): void {
  for (const slot of layout) {
    const v = replica!.params.get(slot.name);
    tf.tidy(() => v.assign(tf.tensor(view.subarray(slot.offset, slot.offset + slot.length), slot.shape)));
  }
}

async function step(msg: Extract<ToHelper, { type: 'step' }>): Promise<void> {
  if (msg.paramsVersion !== version) {
    refreshParams();
    version = msg.paramsVersion;
  }
  const vars = replica!.params.trainable();
  const { value, grads } = tf.variableGrads(() => tf.tidy(() => replica!.loss(msg.items, msg.augment)), vars);
  for (const stats of replica!.ctx.statUpdates ?? []) tf.dispose([stats.mean, stats.variance]);
  if (replica!.ctx.statUpdates) replica!.ctx.statUpdates.length = 0;
  for (const slot of layout) {
    const g = grads[replica!.params.prefix + slot.name];
    if (g) copyInto(g, view, paramsLength + slot.offset);
  }
  const loss = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);
  const perSample = replica!.takePerSample?.();
  port.postMessage({ type: 'grads', loss, ...(perSample ? { perSample: Array.from(perSample) } : {}) } satisfies FromHelper);
}

port.on('message', (msg: ToHelper) => {
  const work =
    msg.type === 'init'
      ? (async () => {
          await selectBackend(msg.backend);
          replica = await buildReplica(msg.spec);
          view = new Float32Array(msg.buffer);
          layout = msg.layout;
          paramsLength = msg.paramsLength;
          port.postMessage({ type: 'ready' } satisfies FromHelper);
        })()
      : step(msg);
  work.catch((err: unknown) => port.postMessage({ type: 'error', message: (err as Error).message } satisfies FromHelper));
});
