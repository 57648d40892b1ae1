/**
 * One optimizer step, shared by the trainer and the benchmark: gradients of the batch (on this
 * thread, or split with the data-parallel helper), one update, batch-norm statistics, an optional
 * hook on the updated parameters (weight decay), then publishing them to the helper.
 */
import * as tf from '@tensorflow/tfjs';
import type { DpConfig } from '../defence/config.ts';
import { dpGradients } from '../defence/dp/dp-step.ts';
import { applyStatUpdates } from '../models/layers.ts';
import { localGradients, type DataParallel } from '../parallel/data-parallel.ts';
import type { Item, Replica } from '../parallel/replica.ts';
import type { Augment } from './data.ts';

/** What a defence adds to a step: DP-SGD's clipped, noised gradient; the per-sample losses (adaptive). */
export interface StepExtras {
  dp?: { config: DpConfig; noiseSeed: number };
  onPerSample?(values: Float32Array | null): void;
}

/** Runs one step and returns the batch's mean loss (read before the update). */
export async function optimizerStep(
  replica: Replica,
  optimizer: tf.Optimizer,
  parallel: DataParallel | null,
  items: readonly Item[],
  augment?: readonly Augment[],
  afterUpdate?: () => void,
  extras?: StepExtras,
): Promise<number> {
  let loss: number;
  let grads: tf.NamedTensorMap;
  let perSample: Float32Array | null = null;
  if (extras?.dp) ({ loss, grads } = await dpGradients(replica, items, augment, extras.dp.config, extras.dp.noiseSeed));
  else if (parallel) ({ loss, grads, perSample = null } = await parallel.gradients(items, augment));
  else {
    const local = localGradients(replica, items, augment);
    loss = (await local.value.data())[0];
    local.value.dispose();
    grads = local.grads;
    perSample = replica.takePerSample?.() ?? null;
  }
  extras?.onPerSample?.(perSample);
  optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
  tf.dispose(Object.values(grads));
  applyStatUpdates(replica.ctx);
  afterUpdate?.();
  parallel?.publish();
  return loss;
}
