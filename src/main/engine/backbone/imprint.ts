/**
 * Head initialisation for pretrained runs by weight imprinting (Qi, Brown, Lowe, CVPR 2018,
 * "Low-shot learning with imprinted weights") [ours, for this use]: each class centre of the
 * cosine head starts as the mean normalised embedding of that class's training images under the
 * pretrained backbone (through the run's own input path), so fine-tuning starts from a nearest-
 * centroid classifier instead of a random head. Training images only; inference only.
 */
import * as tf from '@tensorflow/tfjs';
import type { Ctx } from '../models/layers.ts';
import { batchTensor, type TrainData } from '../train/data.ts';
import { embed, type FaceModel } from '../train/face-model.ts';

const BATCH = 64;

/** Overwrites `head/w` `[embedding, classes]` with the class means of normalised embeddings (cosine heads only). */
export async function imprintHead(model: FaceModel, data: TrainData): Promise<void> {
  if (model.config.head.kind === 'softmax' || data.train.length === 0) return;
  const head = model.params.get('head/w');
  const [dim, classes] = head.shape;
  const sums = new Float32Array(dim * classes);
  const ctx: Ctx = { params: model.params, training: false };
  for (let i = 0; i < data.train.length; i += BATCH) {
    const chunk = data.train.slice(i, i + BATCH);
    const e = tf.tidy(() => {
      const emb = embed(model, ctx, batchTensor(data, chunk.map((t) => t.row)));
      return emb.div(emb.norm('euclidean', 1, true).add(1e-8));
    });
    const values = await e.data();
    e.dispose();
    chunk.forEach((t, j) => {
      for (let d = 0; d < dim; d++) sums[d * classes + t.label] += values[j * dim + d];
    });
  }
  tf.tidy(() => {
    const w = tf.tensor2d(sums, [dim, classes]);
    // A class without training images keeps its random centre.
    const empty = w.abs().sum(0).equal(0);
    head.assign(tf.where(empty.reshape([1, classes]).tile([dim, 1]), head, w.div(w.norm('euclidean', 0, true).add(1e-8))));
  });
}
