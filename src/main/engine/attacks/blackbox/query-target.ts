/**
 * The attacked face model as a black-box oracle: plain pixel arrays in, plain probability arrays
 * out, every image counted. No tensor of the model crosses this boundary, so nothing the attack
 * does can reach the model's gradient (the black-box attack only ever sees `QueryTarget`).
 */
import * as tf from '@tensorflow/tfjs';
import { headLogits } from '../../models/heads.ts';
import type { Ctx } from '../../models/layers.ts';
import { embed, type FaceModel } from '../../train/face-model.ts';

export interface QueryTarget {
  classes: number;
  size: number;
  channels: 1 | 3;
  /** softmax probabilities `[n * classes]` for `n` images `[n, size, size, channels]` (0..255) */
  query(pixels: Float32Array, n: number): Promise<Float32Array>;
  /** images queried so far */
  readonly queries: number;
}

const QUERY_BATCH = 64;

export function queryTarget(model: FaceModel): QueryTarget {
  const ctx: Ctx = { params: model.params, training: false };
  const { size, channels, classes } = model.config.input;
  const per = size * size * channels;
  let queries = 0;
  return {
    classes,
    size,
    channels,
    get queries() {
      return queries;
    },
    async query(pixels: Float32Array, n: number): Promise<Float32Array> {
      if (pixels.length !== n * per) throw new Error(`query expects ${n} images of ${size}x${size}x${channels}`);
      const out = new Float32Array(n * classes);
      for (let i = 0; i < n; i += QUERY_BATCH) {
        const m = Math.min(QUERY_BATCH, n - i);
        const probs = tf.tidy(() => {
          const x = tf.tensor4d(pixels.subarray(i * per, (i + m) * per), [m, size, size, channels]);
          return tf.softmax(headLogits(ctx, model.config.head, embed(model, ctx, x)));
        });
        out.set(await probs.data(), i * classes);
        probs.dispose();
      }
      queries += n;
      return out;
    },
  };
}
