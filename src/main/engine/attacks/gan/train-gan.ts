/**
 * Trains a (conditional) DCGAN on public images only: non-saturating logistic losses, Adam
 * (2e-4, beta1 0.5, as DCGAN), DiffAugment on every image the discriminator sees. Seeded,
 * cancellable between steps, resumable from a saved step, every step in tf.tidy.
 * [ours] Each step's fakes are generated once, in the generator step, and reused (detached) by
 * the discriminator step that follows: one generator forward per step instead of two, and no
 * state carried from step to step (a resumed run repeats an unbroken one exactly).
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import { applyStatUpdates, type Ctx } from '../../models/layers.ts';
import { Params } from '../../models/params.ts';
import { DIFF_AUGMENT, diffAugment, drawAugment, type AugmentPolicy } from './augment.ts';
import { discriminate, discriminatorParams, GAN_SIZE, generate, generatorParams, type GanConfig } from './nets.ts';

export interface GanTrainConfig {
  gan: GanConfig;
  steps: number;
  batch: number;
  lr: number;
  beta1: number;
  /** null: no augmentation (for comparison) */
  augment: AugmentPolicy | null;
  /** mirror a random half of each real batch (faces are symmetric enough; absent: no) */
  mirror?: boolean;
  seed: number;
}

export interface GanCurvePoint {
  step: number;
  dLoss: number;
  gLoss: number;
  /** mean sigmoid(D) on real and on fake images */
  dReal: number;
  dFake: number;
}

export interface GanTraining {
  params: Params;
  gOpt: tf.Optimizer;
  dOpt: tf.Optimizer;
  /** next step to run */
  step: number;
  curves: GanCurvePoint[];
}

export interface GanHooks {
  signal?: AbortSignal;
  /** polled between steps, like `signal` */
  shouldStop?: () => boolean;
  /** called every `every` steps (and at the last) with the latest losses */
  onProgress?: (p: GanCurvePoint & { steps: number }) => void | Promise<void>;
  every?: number;
}

export function ganParams(cfg: GanConfig, seed: number): Params {
  const p = new Params(seed);
  generatorParams(p, cfg);
  discriminatorParams(p, cfg);
  return p;
}

export function createGanTraining(cfg: GanTrainConfig): GanTraining {
  return {
    params: ganParams(cfg.gan, cfg.seed),
    gOpt: tf.train.adam(cfg.lr, cfg.beta1, 0.999),
    dOpt: tf.train.adam(cfg.lr, cfg.beta1, 0.999),
    step: 0,
    curves: [],
  };
}

function varsOf(params: Params, prefix: 'g/' | 'd/'): tf.Variable[] {
  return [...params.vars].filter(([name, v]) => name.startsWith(prefix) && v.trainable).map(([, v]) => v);
}

/** Latents for one step, seeded by (seed, step, salt). */
export function latents(n: number, latent: number, seed: number, step: number, salt = 0): tf.Tensor2D {
  return tf.randomNormal([n, latent], 0, 1, 'float32', hashSeed(seed, step, salt, 0x1a7)) as tf.Tensor2D;
}

interface StepData {
  real: tf.Tensor4D;
  realLabels?: tf.Tensor1D;
  fakeLabels?: tf.Tensor1D;
}

function augmentFor(cfg: GanTrainConfig, x: tf.Tensor4D, rng: Rng): tf.Tensor4D {
  return cfg.augment ? diffAugment(x, drawAugment(x.shape[0], GAN_SIZE, cfg.augment, rng), cfg.augment) : x;
}

/** One discriminator step on real images and this step's (detached) fakes. Returns [loss, dReal, dFake]. */
function discriminatorStep(t: GanTraining, cfg: GanTrainConfig, data: StepData, fake: tf.Tensor4D, rng: Rng): tf.Tensor[] {
  const ctx: Ctx = { params: t.params, training: true };
  return tf.tidy(() => {
    let probs: tf.Tensor[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const real = discriminate(ctx, cfg.gan, augmentFor(cfg, data.real, rng), data.realLabels);
      const fk = discriminate(ctx, cfg.gan, augmentFor(cfg, fake, rng), data.fakeLabels);
      probs = [tf.keep(tf.sigmoid(real).mean()), tf.keep(tf.sigmoid(fk).mean())];
      return tf.softplus(real.neg()).mean().add(tf.softplus(fk).mean()) as tf.Scalar;
    }, varsOf(t.params, 'd/'));
    t.dOpt.applyGradients(grads);
    return [value, ...probs];
  });
}

/** One generator step; returns its loss and the fakes it made (kept for the next discriminator step). */
function generatorStep(t: GanTraining, cfg: GanTrainConfig, data: StepData, rng: Rng): { loss: tf.Scalar; fake: tf.Tensor4D } {
  const ctx: Ctx = { params: t.params, training: true, statUpdates: [] };
  let fake: tf.Tensor4D | null = null;
  const loss = tf.tidy(() => {
    const z = latents(data.real.shape[0], cfg.gan.latent, cfg.seed, t.step);
    const { value, grads } = tf.variableGrads(() => {
      const images = generate(ctx, cfg.gan, z, data.fakeLabels);
      fake = tf.keep(images);
      return tf.softplus(discriminate(ctx, cfg.gan, augmentFor(cfg, images, rng), data.fakeLabels).neg()).mean() as tf.Scalar;
    }, varsOf(t.params, 'g/'));
    t.gOpt.applyGradients(grads);
    return value;
  });
  applyStatUpdates(ctx);
  return { loss, fake: fake! };
}

/** Real images `[M, 64, 64, C]` in [-1, 1] (and their labels when conditional). */
export interface GanData {
  images: tf.Tensor4D;
  labels?: Int32Array;
}

function stepData(cfg: GanTrainConfig, data: GanData, step: number): StepData {
  const rng = new Rng(hashSeed(cfg.seed, step, 0xda7a));
  const m = data.images.shape[0];
  const rows = Array.from({ length: cfg.batch }, () => rng.int(m));
  const real = tf.tidy(() => {
    const x = tf.gather(data.images, rows) as tf.Tensor4D;
    if (!cfg.mirror) return x;
    const m = tf.tensor4d(rows.map(() => (rng.next() < 0.5 ? 1 : 0)), [rows.length, 1, 1, 1]);
    return x.mul(m).add(tf.reverse(x, 2).mul(tf.scalar(1).sub(m)));
  }) as tf.Tensor4D;
  if (!cfg.gan.classes) return { real };
  const labels = data.labels!;
  return {
    real,
    realLabels: tf.tensor1d(rows.map((r) => labels[r]), 'int32'),
    // fake classes drawn from the real label distribution [ours]
    fakeLabels: tf.tensor1d(Array.from({ length: cfg.batch }, () => labels[rng.int(m)]), 'int32'),
  };
}

/** Runs steps from `t.step` to `cfg.steps` (or until the signal aborts). Returns true when finished. */
export async function trainGan(t: GanTraining, cfg: GanTrainConfig, data: GanData, hooks: GanHooks = {}): Promise<boolean> {
  if (cfg.gan.classes > 0 && (!data.labels || data.labels.length !== data.images.shape[0])) throw new Error('a conditional GAN needs one label per image');
  const every = hooks.every ?? 25;
  while (t.step < cfg.steps) {
    if (hooks.signal?.aborted || hooks.shouldStop?.()) return false;
    const sd = stepData(cfg, data, t.step);
    const rng = new Rng(hashSeed(cfg.seed, t.step, 0xa06));
    const g = generatorStep(t, cfg, sd, rng);
    const d = discriminatorStep(t, cfg, sd, g.fake, rng);
    tf.dispose([g.fake, sd.real, sd.realLabels, sd.fakeLabels].filter((x) => x !== undefined) as tf.Tensor[]);
    t.step++;
    if (t.step % every === 0 || t.step === cfg.steps) {
      const [dLoss, dReal, dFake] = await Promise.all(d.map(async (x) => (await x.data())[0]));
      const point = { step: t.step, dLoss, gLoss: (await g.loss.data())[0], dReal, dFake };
      t.curves.push(point);
      await hooks.onProgress?.({ ...point, steps: cfg.steps });
    }
    tf.dispose([...d, g.loss]);
  }
  return true;
}

/** Generator samples `[n, 64, 64, C]` in [-1, 1] (batch-norm running statistics), seeded. */
export function sampleGan(params: Params, gan: GanConfig, n: number, seed: number, labels?: number[]): tf.Tensor4D {
  return tf.tidy(() => generate({ params, training: false }, gan, latents(n, gan.latent, seed, 0, 7), labels ? tf.tensor1d(labels, 'int32') : undefined));
}

export function disposeGanTraining(t: GanTraining): void {
  t.params.dispose();
  t.gOpt.dispose();
  t.dOpt.dispose();
}
