/**
 * Trains the reconstruction decoder on public faces passed through the attacker's view of the
 * defence (seeded flips, shifts and contrast changes, Adam with a cosine-decayed rate [ours]), and applies it to
 * leaked samples. Loss: squared error on the removed channels weighted by their variance on the
 * public faces, i.e. the pixel MSE (the DCT is orthonormal). Every step in tidy; no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import type { Params } from '../../models/params.ts';
import { augmentFor, batchTensor, batchesPerEpoch, type TrainData } from '../../train/data.ts';
import { applyDefence, type DefenceModel } from '../../defence/apply.ts';
import type { PublicFaces } from '../public-data.ts';
import { decoderForward, decoderParams } from './decoder.ts';
import { assemblePixels, coefficientsOf, type AttackerView } from './frequency.ts';
import { attackerInputs, largestSource } from './leak.ts';

/** The defence the public faces go through (mixing defences): the attacker's copy of the run's. */
export interface PublicDefence {
  model: DefenceModel;
  /** put the defence's output channels in the attacker's order (key known: the run's own front end) */
  reorder: boolean;
}

export interface DecoderConfig {
  width: number;
  /** residual blocks at the decoder's coarsest level */
  blocks: number;
  /** at most this many epochs... */
  epochs: number;
  /** ...and at most about this many training samples in all (the public set's size sets the epochs) */
  samples: number;
  batch: number;
  lr: number;
  /** random shifts of public faces in pixels (each axis) */
  shift: number;
  /** random contrast change about each face's mean, factor in [1 - contrast, 1 + contrast] */
  contrast: number;
}

export const DECODER_PROFILES: Record<'quick' | 'standard', DecoderConfig> = {
  quick: { width: 8, blocks: 1, epochs: 2, samples: 2000, batch: 16, lr: 2e-3, shift: 2, contrast: 0.1 },
  standard: { width: 32, blocks: 2, epochs: 80, samples: 24000, batch: 32, lr: 2e-3, shift: 4, contrast: 0.2 },
};

export interface TrainedDecoder {
  params: Params;
  view: AttackerView;
  /** mixed samples: the decoder predicts every channel of the largest-weight source, kept ones too */
  predictKept: boolean;
  /** per-channel scales: kept inputs and removed outputs */
  inStd: tf.Tensor1D;
  outStd: tf.Tensor1D;
  finalLoss: number;
  epochs: number;
}

export interface DecoderHooks {
  onStep(done: number, total: number): void;
  shouldStop(): boolean;
}

function channelStd(pixels: tf.Tensor4D, channels: readonly number[], planes: number): tf.Tensor1D {
  return tf.tidy(() => tf.moments(coefficientsOf(pixels, channels, planes), [0, 1, 2]).variance.sqrt().add(1e-3) as tf.Tensor1D);
}

/** Epochs for `count` public faces: the sample budget over the set, within 1..cfg.epochs. */
export function decoderEpochs(cfg: DecoderConfig, count: number): number {
  return Math.max(1, Math.min(cfg.epochs, Math.round(cfg.samples / Math.max(1, count))));
}

/** Cosine decay from `lr` to 5% of it over `total` steps [ours]. */
export function cosineRate(lr: number, step: number, total: number): number {
  return lr * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, total))));
}

/** Each face's contrast scaled about its mean by a seeded factor in [1 - amount, 1 + amount], clipped to 0..255; disposes `x`. */
function withContrast(x: tf.Tensor4D, amount: number, seed: number): tf.Tensor4D {
  if (amount <= 0) return x;
  const rng = new Rng(seed);
  const y = tf.tidy(() => {
    const c = tf.tensor4d(Array.from({ length: x.shape[0] }, () => 1 + amount * (2 * rng.next() - 1)), [x.shape[0], 1, 1, 1]);
    const m = x.mean([1, 2, 3], true);
    return x.sub(m).mul(c).add(m).clipByValue(0, 255) as tf.Tensor4D;
  });
  x.dispose();
  return y;
}

/** One training pair: decoder input and target (both standardised) for a batch of public faces. */
function pair(x: tf.Tensor4D, labels: number[], d: { view: AttackerView; outChannels: number[]; inStd: tf.Tensor1D; outStd: tf.Tensor1D; noise: tf.Tensor1D | null; defence: PublicDefence | null; seed: number }): { input: tf.Tensor4D; target: tf.Tensor4D } {
  return tf.tidy(() => {
    if (!d.defence) {
      const kept = coefficientsOf(x, d.view.kept, d.view.planes);
      const noisy = d.noise ? kept.add(tf.randomNormal(kept.shape, 0, 1, 'float32', d.seed).mul(d.noise)) : kept;
      return { input: noisy.div(d.inStd) as tf.Tensor4D, target: coefficientsOf(x, d.outChannels, d.view.planes).div(d.outStd) as tf.Tensor4D };
    }
    const applied = applyDefence(d.defence.model, x, labels, { seed: d.seed });
    const input = attackerInputs(applied.samples, applied.images, applied.form, d.view, d.defence.reorder).div(d.inStd) as tf.Tensor4D;
    const sources = tf.gather(x, applied.recipes.map(largestSource)) as tf.Tensor4D;
    tf.dispose([applied.samples, applied.images]);
    return { input, target: coefficientsOf(sources, d.outChannels, d.view.planes).div(d.outStd) as tf.Tensor4D };
  });
}

/**
 * Trains on `faces` (through `defence` when it mixes); returns null when stopped (cancel).
 * `leakedStd` (plain masking only): the leaked set's own per-channel std of the kept channels, in
 * the attacker's order; where it exceeds the public faces' (sensor noise: ORL's scans carry 2-4x
 * LFW's energy there), white noise tops the public inputs up to it [ours: moment matching on the
 * leaked set, which the attacker holds; no labels, no originals].
 */
export async function trainDecoder(faces: PublicFaces, view: AttackerView, cfg: DecoderConfig, seed: number, hooks: DecoderHooks, defence: PublicDefence | null = null, leakedStd: Float32Array | null = null): Promise<TrainedDecoder | null> {
  const data: TrainData = { pixels: faces.pixels, size: faces.size, channels: faces.channels, train: [], heldout: [], classes: 0 };
  const predictKept = defence !== null;
  const outChannels = predictKept ? [...view.kept, ...view.removed] : view.removed;
  const sample = batchTensor(data, Array.from({ length: Math.min(faces.count, 512) }, (_, i) => i));
  const publicStd = channelStd(sample, view.kept, view.planes);
  const noise = leakedStd && !defence ? tf.tidy(() => tf.tensor1d(leakedStd).square().sub(publicStd.square()).relu().sqrt() as tf.Tensor1D) : null;
  const inStd = noise ? tf.tidy(() => publicStd.square().add(noise.square()).sqrt() as tf.Tensor1D) : publicStd;
  if (noise) publicStd.dispose();
  const outStd = channelStd(sample, outChannels, view.planes);
  sample.dispose();
  const weight = tf.tidy(() => outStd.square().div(outStd.square().mean()).sqrt());
  const params = decoderParams({ inputs: view.kept.length, outputs: outChannels.length, width: cfg.width, blocks: cfg.blocks }, seed);
  const optimizer = tf.train.adam(cfg.lr);
  const steps = batchesPerEpoch(faces.count, cfg.batch);
  const epochs = decoderEpochs(cfg, faces.count);
  const total = epochs * steps;
  let last = tf.scalar(0);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = new Rng(hashSeed(seed, epoch, 0xdec0)).shuffle(Array.from({ length: faces.count }, (_, i) => i));
    for (let s = 0; s < steps; s++) {
      if (hooks.shouldStop()) return cleanup();
      const rows = order.slice(s * cfg.batch, s === steps - 1 ? order.length : (s + 1) * cfg.batch);
      const aug = augmentFor(rows.length, seed, epoch, s, { flip: true, shift: cfg.shift });
      (optimizer as unknown as { learningRate: number }).learningRate = cosineRate(cfg.lr, epoch * steps + s, total);
      const x = withContrast(batchTensor(data, rows, aug), cfg.contrast, hashSeed(seed, epoch, s, 0xc0a7));
      const { input, target } = pair(x, rows.map((r) => faces.labels[r]), { view, outChannels, inStd, outStd, noise, defence, seed: hashSeed(seed, epoch, s, 0x1eaf) });
      x.dispose();
      const loss = optimizer.minimize(() => decoderForward(params, input).sub(target).square().mul(weight).mean() as tf.Scalar, true, params.trainable());
      tf.dispose([input, target]);
      last.dispose();
      last = loss!;
      hooks.onStep(epoch * steps + s + 1, total);
      if (s % 4 === 0) await new Promise((r) => setImmediate(r));
    }
  }
  const finalLoss = (await last.data())[0];
  last.dispose();
  optimizer.dispose();
  tf.dispose([weight, ...(noise ? [noise] : [])]);
  return { params, view, predictKept, inStd, outStd, finalLoss, epochs };

  function cleanup(): null {
    last.dispose();
    optimizer.dispose();
    tf.dispose([weight, inStd, outStd, ...(noise ? [noise] : [])]);
    params.dispose();
    return null;
  }
}

/** Leaked samples as decoder inputs `[N, B, B, K]` (attacker's order) -> reconstructed pixels `[N, S, S, C]` 0..255. */
function reconstructOnce(decoder: TrainedDecoder, kept: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const out = decoderForward(decoder.params, kept.div(decoder.inStd) as tf.Tensor4D).mul(decoder.outStd) as tf.Tensor4D;
    if (!decoder.predictKept) return assemblePixels(kept, out, decoder.view);
    const k = decoder.view.kept.length;
    return assemblePixels(out.slice([0, 0, 0, 0], [-1, -1, -1, k]), out.slice([0, 0, 0, k], [-1, -1, -1, -1]), decoder.view);
  });
}

/**
 * Decoder inputs -> pixels, averaged with the reconstruction of the mirrored input mirrored back
 * [ours: test-time mirroring; the mirror is exact on block-DCT channels (mirrorChannels), so the
 * kept channels stay exact and only the predicted ones are averaged].
 */
export function reconstruct(decoder: TrainedDecoder, kept: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const mirrored = tf.reverse(reconstructOnce(decoder, mirrorChannels(kept, decoder.view.kept)), 2);
    return reconstructOnce(decoder, kept).add(mirrored).div(2) as tf.Tensor4D;
  });
}

/**
 * Channels `[N, B, B, K]` (channel ids p*64 + u*8 + v) of an image -> those of its left-right
 * mirror: blocks in reverse column order, and (-1)^v on each channel (the DCT basis cos((2x+1)v pi/16)
 * under x -> 7 - x).
 */
export function mirrorChannels(coeffs: tf.Tensor4D, channels: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => tf.reverse(coeffs, 2).mul(tf.tensor1d(channels.map((ch) => ((ch % 64) % 8) % 2 ? -1 : 1))) as tf.Tensor4D);
}

export function disposeDecoder(d: TrainedDecoder): void {
  d.params.dispose();
  tf.dispose([d.inStd, d.outStd]);
}
