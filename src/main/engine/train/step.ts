/**
 * One optimizer step, shared by the trainer and the benchmark: gradients of the batch (on this
 * thread, or split with the data-parallel helper), one update, batch-norm statistics, an optional
 * hook on the updated parameters (weight decay), then publishing them to the helper.
 */
import * as tf from '@tensorflow/tfjs';
import { applyStatUpdates } from '../models/layers.ts';
import { localGradients, type DataParallel } from '../parallel/data-parallel.ts';
import type { Item, Replica } from '../parallel/replica.ts';
import type { Augment } from './data.ts';

/** Runs one step and returns the batch's mean loss (read before the update). */
export async function optimizerStep(
  replica: Replica,
  optimizer: tf.Optimizer,
  parallel: DataParallel | null,
  items: readonly Item[],
  augment?: readonly Augment[],
  afterUpdate?: () => void,
): Promise<number> {
  let loss: number;
  let grads: tf.NamedTensorMap;
  if (parallel) ({ loss, grads } = await parallel.gradients(items, augment));
  else {
    const local = localGradients(replica, items, augment);
    loss = (await local.value.data())[0];
    local.value.dispose();
    grads = local.grads;
  }
  optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
  tf.dispose(Object.values(grads));
  applyStatUpdates(replica.ctx);
  afterUpdate?.();
  parallel?.publish();
  return loss;
}
