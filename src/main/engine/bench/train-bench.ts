/**
 * `veil bench train`: times training steps of a fixed model on random data and reports images/s
 * and the median step time. Warm-up steps (kernel compilation, allocation) are not counted.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../../../shared/domain/run.ts';
import type { Ctx } from '../models/layers.ts';
import type { Params } from '../models/params.ts';

export interface BenchModel {
  name: string;
  inputShape: readonly number[];
  classes: number;
  params(seed: number): Params;
  forward(ctx: Ctx, x: tf.Tensor4D): tf.Tensor2D;
}

export interface BenchResult {
  model: string;
  backend: BackendName;
  batch: number;
  imagesPerSecond: number;
  stepMsMedian: number;
  steps: number;
}

export async function benchTrain(model: BenchModel, opts: { batch: number; seconds: number; backend: BackendName; warmup?: number }): Promise<BenchResult> {
  const params = model.params(1);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([opts.batch, ...model.inputShape] as [number, number, number, number], 0, 1, 'float32', 7) as tf.Tensor4D;
  const labels = tf.tidy(() => tf.oneHot(tf.randomUniform([opts.batch], 0, model.classes, 'int32', 8), model.classes));
  const ctx: Ctx = { params, training: true };
  const step = async (): Promise<void> => {
    const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(labels, model.forward(ctx, x)) as tf.Scalar, true, params.trainable());
    await loss!.data();
    loss!.dispose();
  };
  for (let i = 0; i < (opts.warmup ?? 3); i++) await step();
  const times: number[] = [];
  const start = performance.now();
  while (performance.now() - start < opts.seconds * 1000 || times.length < 3) {
    const t = performance.now();
    await step();
    times.push(performance.now() - t);
  }
  const total = (performance.now() - start) / 1000;
  tf.dispose([x, labels]);
  optimizer.dispose();
  params.dispose();
  times.sort((a, b) => a - b);
  return {
    model: model.name,
    backend: opts.backend,
    batch: opts.batch,
    imagesPerSecond: +((times.length * opts.batch) / total).toFixed(1),
    stepMsMedian: +times[Math.floor(times.length / 2)].toFixed(1),
    steps: times.length,
  };
}
