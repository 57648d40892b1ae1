/**
 * DP-SGD's gradient (Abadi et al. 2016, Algorithm 1, with TF Privacy's microbatches): the batch is
 * cut into microbatches; each microbatch's gradient is clipped to L2 norm C over all parameters;
 * the clipped gradients are summed, Gaussian noise N(0, (sigma C)^2) is added per coordinate, and
 * the sum is divided by the number of microbatches. One example changes one microbatch, so the
 * sensitivity is C. The noise is seeded per step so a resumed run draws the same noise.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../../data/synth/random.ts';
import { localGradients } from '../../parallel/data-parallel.ts';
import type { Item, Replica } from '../../parallel/replica.ts';
import type { Augment } from '../../train/data.ts';
import type { DpConfig } from '../config.ts';

/** Clipped-and-noised mean gradient and the batch's mean loss. */
export async function dpGradients(replica: Replica, items: readonly Item[], augment: readonly Augment[] | undefined, dp: DpConfig, noiseSeed: number): Promise<{ loss: number; grads: tf.NamedTensorMap }> {
  let sum: tf.NamedTensorMap | null = null;
  let lossSum = 0;
  let count = 0;
  for (let i = 0; i < items.length; i += dp.microbatch) {
    const { value, grads } = localGradients(replica, items.slice(i, i + dp.microbatch), augment?.slice(i, i + dp.microbatch));
    lossSum += (await value.data())[0];
    value.dispose();
    count++;
    const prev: tf.NamedTensorMap | null = sum;
    sum = tf.tidy(() => {
      const gs = Object.values(grads);
      const norm = tf.sqrt(tf.addN(gs.map((g) => g.square().sum())));
      const scale = tf.minimum(1, tf.div(dp.clip, norm.add(1e-12)));
      const out: tf.NamedTensorMap = {};
      for (const [name, g] of Object.entries(grads)) out[name] = prev ? prev[name].add(g.mul(scale)) : g.mul(scale);
      return out;
    });
    tf.dispose([...Object.values(grads), ...(prev ? Object.values(prev) : [])]);
  }
  const total = sum!;
  const grads = tf.tidy(() => {
    const out: tf.NamedTensorMap = {};
    Object.entries(total).forEach(([name, g], k) => {
      const noise = tf.randomNormal(g.shape, 0, dp.noiseMultiplier * dp.clip, 'float32', hashSeed(noiseSeed, k));
      out[name] = g.add(noise).div(count);
    });
    return out;
  });
  tf.dispose(Object.values(total));
  return { loss: lossSum / count, grads };
}
