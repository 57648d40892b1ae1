/**
 * Black-box model inversion with a conditional GAN, in the spirit of PLG-MI (Yuan et al. AAAI
 * 2023, section 3.1: top-n pseudo-label selection): the target labels public images by queries
 * only; each private class gets the n public images it scores highest; a class-conditional GAN
 * (projection discriminator) learns from those pseudo-labels; per identity, candidates are
 * sampled, queried, and the highest-scoring kept. The target is a `QueryTarget`: plain arrays.
 * [ours] The conditional GAN is fine-tuned from the unconditional public prior (same weights,
 * zero-initialised projection) rather than trained from scratch, to fit the CPU budget; PLG-MI
 * also trains its generator with the target's gradient, which a black-box attacker cannot.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../../data/synth/random.ts';
import type { Params } from '../../models/params.ts';
import type { AugmentPolicy } from '../gan/augment.ts';
import { generate, toGanImages, toPixels, type GanConfig } from '../gan/nets.ts';
import { createGanTraining, disposeGanTraining, latents, trainGan, type GanCurvePoint, type GanTrainConfig } from '../gan/train-gan.ts';
import type { Candidates, InversionHooks } from '../whitebox/gmi.ts';
import type { QueryTarget } from './query-target.ts';

export interface BlackboxConfig {
  /** public images pseudo-labelled per class (PLG-MI's top-n) */
  topN: number;
  /** conditional fine-tuning steps */
  steps: number;
  batch: number;
  lr: number;
  augment: AugmentPolicy | null;
  /** candidates sampled (and queried) per identity */
  candidates: number;
  keep: number;
  seed: number;
}

export interface BlackboxResult {
  candidates: Candidates[];
  /** images sent to the target */
  queries: number;
  /** per class, the public image rows it pseudo-labelled */
  pseudoLabels: number[][];
  curves: GanCurvePoint[];
}

/** PLG-MI's top-n selection: for each class, the rows of the n images with the highest probability of it. */
export function topNPerClass(probs: Float32Array, n: number, classes: number, topN: number): number[][] {
  return Array.from({ length: classes }, (_, c) => {
    const rows = Array.from({ length: n }, (_, i) => i);
    rows.sort((a, b) => probs[b * classes + c] - probs[a * classes + c] || a - b);
    return rows.slice(0, Math.min(topN, n));
  });
}

/** Copies every parameter of `from` that `to` has with the same shape (prior -> conditional GAN). */
export function copyMatching(from: Params, to: Params): number {
  let copied = 0;
  for (const [name, v] of to.vars) {
    const src = from.vars.get(name);
    if (!src || src.shape.join() !== v.shape.join()) continue;
    v.assign(src);
    copied++;
  }
  return copied;
}

/** Samples `count` candidates of one identity, queries them, keeps the best `keep`. */
async function sampleIdentity(params: Params, gan: GanConfig, target: QueryTarget, identity: number, cfg: BlackboxConfig): Promise<Candidates> {
  const px = tf.tidy(() => {
    const z = latents(cfg.candidates, gan.latent, cfg.seed, identity, 11);
    const labels = tf.fill([cfg.candidates], identity, 'int32') as tf.Tensor1D;
    return toPixels(generate({ params, training: false }, gan, z, labels), target.size).clipByValue(0, 255);
  });
  const pixels = (await px.data()) as Float32Array;
  px.dispose();
  const probs = await target.query(pixels, cfg.candidates);
  const per = target.size * target.size * target.channels;
  const order = Array.from({ length: cfg.candidates }, (_, i) => i).sort((a, b) => probs[b * target.classes + identity] - probs[a * target.classes + identity]).slice(0, cfg.keep);
  const kept = new Float32Array(order.length * per);
  order.forEach((i, k) => kept.set(pixels.subarray(i * per, (i + 1) * per), k * per));
  return { identity, pixels: kept, confidence: order.map((i) => probs[i * target.classes + identity]) };
}

export interface BlackboxPrior {
  params: Params;
  config: GanTrainConfig;
}

/**
 * Runs the attack: public pixels `[count, size, size, C]` (0..255, the target's geometry) are
 * queried, pseudo-labelled, used to fine-tune a conditional GAN, which then proposes candidates.
 */
export async function invertBlackbox(prior: BlackboxPrior, pub: { pixels: Float32Array; count: number }, target: QueryTarget, identities: number[], cfg: BlackboxConfig, hooks: InversionHooks = {}): Promise<BlackboxResult | null> {
  const probs = await target.query(pub.pixels, pub.count);
  const pseudoLabels = topNPerClass(probs, pub.count, target.classes, cfg.topN);
  const rows = pseudoLabels.flat();
  const labels = Int32Array.from(pseudoLabels.flatMap((r, c) => r.map(() => c)));
  const per = target.size * target.size * target.channels;
  const picked = new Float32Array(rows.length * per);
  rows.forEach((r, i) => picked.set(pub.pixels.subarray(r * per, (r + 1) * per), i * per));
  const images = tf.tidy(() => toGanImages(tf.tensor4d(picked, [rows.length, target.size, target.size, target.channels])));
  const gan: GanConfig = { ...prior.config.gan, classes: target.classes };
  const config: GanTrainConfig = { gan, steps: cfg.steps, batch: cfg.batch, lr: cfg.lr, beta1: prior.config.beta1, augment: cfg.augment, mirror: prior.config.mirror, seed: hashSeed(cfg.seed, 0xb1ac) };
  const t = createGanTraining(config);
  try {
    copyMatching(prior.params, t.params);
    const total = cfg.steps + identities.length;
    const finished = await trainGan(t, config, { images, labels }, { signal: hooks.signal, shouldStop: hooks.shouldStop, every: 10, onProgress: (p) => hooks.onProgress?.(p.step, total) });
    if (!finished) return null;
    const candidates: Candidates[] = [];
    for (const [i, id] of identities.entries()) {
      if (hooks.signal?.aborted || hooks.shouldStop?.()) return null;
      candidates.push(await sampleIdentity(t.params, gan, target, id, cfg));
      await hooks.onProgress?.(cfg.steps + i + 1, total);
    }
    return { candidates, queries: target.queries, pseudoLabels, curves: t.curves };
  } finally {
    images.dispose();
    disposeGanTraining(t);
  }
}
