/**
 * The trained decoder's inputs and outputs: training pairs from public faces (through the
 * attacker's copy of a mixing defence when there is one), decoder outputs back to pixels,
 * reconstruction with test-time mirroring, and its score on held-back public faces.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../../models/params.ts';
import { batchTensor, type TrainData } from '../../train/data.ts';
import { applyDefence, type DefenceModel } from '../../defence/apply.ts';
import type { PublicFaces } from '../public-data.ts';
import { decoderForward } from './decoder.ts';
import { assemblePixels, coefficientsOf, type AttackerView } from './frequency.ts';
import type { HeldBackScore } from './held-back.ts';
import { embedFaces, type IdentityNet } from './identity.ts';
import { attackerInputs, largestSource } from './leak.ts';

/** The defence the public faces go through (mixing defences): the attacker's copy of the run's. */
export interface PublicDefence {
  model: DefenceModel;
  /** put the defence's output channels in the attacker's order (key known: the run's own front end) */
  reorder: boolean;
}

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
  /** scores on held-back public identities after each stage (null: none held back) */
  heldBack: { afterSquaredError: HeldBackScore; afterIdentity: HeldBackScore | null } | null;
  /** the identity fine-tuning as run (null: none) */
  identity: { backbone: string; crop: number; samples: number; batch: number; lr: number; weight: number } | null;
}

/** What training needs besides the decoder: data, output channels, noise, defence, loss weights. */
export interface Setup {
  data: TrainData;
  faces: PublicFaces;
  decoder: TrainedDecoder;
  outChannels: number[];
  noise: tf.Tensor1D | null;
  defence: PublicDefence | null;
  weight: tf.Tensor1D;
}

/** Decoder input and target (both standardised) for public faces `x`, and the faces the target describes. */
export function pair(su: Setup, x: tf.Tensor4D, labels: number[], seed: number): { input: tf.Tensor4D; target: tf.Tensor4D; truth: tf.Tensor4D } {
  const { view, inStd, outStd } = su.decoder;
  return tf.tidy(() => {
    if (!su.defence) {
      const kept = coefficientsOf(x, view.kept, view.planes);
      const noisy = su.noise ? kept.add(tf.randomNormal(kept.shape, 0, 1, 'float32', seed).mul(su.noise)) : kept;
      return { input: noisy.div(inStd) as tf.Tensor4D, target: coefficientsOf(x, su.outChannels, view.planes).div(outStd) as tf.Tensor4D, truth: x.clone() };
    }
    const applied = applyDefence(su.defence.model, x, labels, { seed });
    const input = attackerInputs(applied.samples, applied.images, applied.form, view, su.defence.reorder).div(inStd) as tf.Tensor4D;
    const sources = tf.gather(x, applied.recipes.map(largestSource)) as tf.Tensor4D;
    tf.dispose([applied.samples, applied.images]);
    return { input, target: coefficientsOf(sources, su.outChannels, view.planes).div(outStd) as tf.Tensor4D, truth: sources };
  });
}

/** Pixels `[N, S, S, planes]` (unclipped) from raw kept inputs `[N, B, B, K]` and the decoder's standardised output. */
export function pixelsOf(decoder: TrainedDecoder, kept: tf.Tensor4D, predicted: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const out = predicted.mul(decoder.outStd) as tf.Tensor4D;
    if (!decoder.predictKept) return assemblePixels(kept, out, decoder.view);
    const k = decoder.view.kept.length;
    return assemblePixels(out.slice([0, 0, 0, 0], [-1, -1, -1, k]), out.slice([0, 0, 0, k], [-1, -1, -1, -1]), decoder.view);
  });
}

/** Leaked samples as decoder inputs `[N, B, B, K]` (attacker's order) -> reconstructed pixels `[N, S, S, C]`. */
function reconstructOnce(decoder: TrainedDecoder, kept: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => pixelsOf(decoder, kept, decoderForward(decoder.params, kept.div(decoder.inStd) as tf.Tensor4D)));
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

/** The decoder on held-back public face `rows` (no augmentation, training's noise), in chunks of 32. */
export async function evaluateHeldBack(su: Setup, rows: readonly number[], idNet: IdentityNet | null): Promise<HeldBackScore | null> {
  if (!rows.length) return null;
  const sums = [0, 0, 0];
  for (let i = 0; i < rows.length; i += 32) {
    const chunk = rows.slice(i, i + 32);
    const x = batchTensor(su.data, chunk);
    const { input, target, truth } = pair(su, x, chunk.map((r) => su.faces.labels[r]), 0x4e1d + i);
    const part = tf.tidy(() => {
      const predicted = decoderForward(su.decoder.params, input);
      const loss = predicted.sub(target).square().mul(su.weight).mean([1, 2, 3]);
      const pixels = pixelsOf(su.decoder, input.mul(su.decoder.inStd) as tf.Tensor4D, predicted).clipByValue(0, 255) as tf.Tensor4D;
      const psnr = tf.scalar(255 * 255).div(pixels.sub(truth).square().mean([1, 2, 3])).log().mul(10 / Math.LN10);
      const cos = idNet ? embedFaces(idNet, pixels).mul(embedFaces(idNet, truth)).sum(1) : tf.zeros([chunk.length]);
      return tf.stack([loss.sum(), psnr.sum(), cos.sum()]);
    });
    const v = await part.data();
    v.forEach((s, k) => (sums[k] += s));
    tf.dispose([x, input, target, truth, part]);
  }
  const n = rows.length;
  return { faces: n, loss: sums[0] / n, psnr: sums[1] / n, identityCos: idNet ? sums[2] / n : null };
}
