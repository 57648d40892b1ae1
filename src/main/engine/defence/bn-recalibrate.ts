/**
 * Batch-norm statistics re-estimated on clean inputs after MixUp training [ours]: a MixUp network's
 * running statistics describe mixed samples (lower variance than single faces), but test time never
 * mixes. One training-mode forward pass over the masked, UNMIXED training images (no update of any
 * weight) replaces each layer's running mean and variance by the average of its batch statistics,
 * as AugMix-style and "precise BN" practice does. Does nothing for GroupNorm or a pretrained backbone.
 */
import * as tf from '@tensorflow/tfjs';
import type { Ctx } from '../models/layers.ts';
import { batchTensor, type TrainData } from '../train/data.ts';
import { embed, type FaceModel } from '../train/face-model.ts';

/** Whether the model has running batch-norm statistics that `recalibrateBatchNorm` would set. */
export function hasRunningBatchNorm(model: FaceModel): boolean {
  return !model.config.backbone && model.config.net.norm !== 'group';
}

/**
 * Sets every batch-norm layer's running statistics to the mean of its batch statistics over `rows`
 * (cache rows of training images, front end applied, never mixed), in groups of `batch` images, the
 * size each gradient thread normalises in training (ghost batch norm). Pixels are not augmented.
 */
export async function recalibrateBatchNorm(model: FaceModel, data: TrainData, rows: readonly number[], batch: number): Promise<void> {
  if (!hasRunningBatchNorm(model) || rows.length === 0) return;
  const ctx: Ctx = { params: model.params, training: true, statUpdates: [] };
  const sums = new Map<string, { mean: Float64Array; variance: Float64Array }>();
  let groups = 0;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    if (chunk.length < 2) break;
    tf.tidy(() => void embed(model, ctx, batchTensor(data, chunk)));
    for (const u of ctx.statUpdates!) {
      const [mean, variance] = [await u.mean.data(), await u.variance.data()];
      const s = sums.get(u.name) ?? { mean: new Float64Array(mean.length), variance: new Float64Array(mean.length) };
      mean.forEach((v, c) => (s.mean[c] += v));
      variance.forEach((v, c) => (s.variance[c] += v));
      sums.set(u.name, s);
      tf.dispose([u.mean, u.variance]);
    }
    ctx.statUpdates!.length = 0;
    groups++;
  }
  for (const [name, s] of sums) {
    tf.tidy(() => {
      model.params.get(`${name}/mean`).assign(tf.tensor1d(Float32Array.from(s.mean, (v) => v / groups)));
      model.params.get(`${name}/var`).assign(tf.tensor1d(Float32Array.from(s.variance, (v) => v / groups)));
    });
  }
}

/** The running statistics' current values, to put back with `restoreBatchNorm`. */
function saveBatchNorm(model: FaceModel): [string, tf.Tensor][] {
  return [...model.params.vars].filter(([n]) => /\/(mean|var)$/.test(n)).map(([n, v]) => [n, tf.clone(v)]);
}

/**
 * Runs `fn` with statistics re-estimated on `rows`, then puts the running ones back, so evaluating
 * during training leaves the training itself untouched (the per-epoch accuracy, adaptive's acc_val).
 */
export async function withRecalibratedBatchNorm<T>(model: FaceModel, data: TrainData, o: { rows: readonly number[]; batch: number }, fn: () => Promise<T>): Promise<T> {
  if (!hasRunningBatchNorm(model)) return fn();
  const saved = saveBatchNorm(model);
  try {
    await recalibrateBatchNorm(model, data, o.rows, o.batch);
    return await fn();
  } finally {
    for (const [n, t] of saved) model.params.get(n).assign(t);
    tf.dispose(saved.map(([, t]) => t));
  }
}
