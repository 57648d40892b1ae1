/**
 * Differentiable augmentation for GAN training on small data (after DiffAugment, Zhao et al.
 * NeurIPS 2020, policy "color,translation,cutout"): the same random transforms are applied to
 * real and generated images before the discriminator, and gradients flow through them to the
 * generator. Our own tfjs code [ours: translation as per-sample windows of a zero-padded batch].
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../../data/synth/random.ts';

export interface AugmentPolicy {
  color: boolean;
  translation: boolean;
  cutout: boolean;
  /** maximum shift as a fraction of the image size (DiffAugment: 1/8) */
  translationRatio: number;
  /** side of the cut-out square as a fraction of the image size (DiffAugment: 1/2) */
  cutoutRatio: number;
}

export const DIFF_AUGMENT: AugmentPolicy = { color: true, translation: true, cutout: true, translationRatio: 0.125, cutoutRatio: 0.5 };

/** Random draws for one batch, made once on the CPU so real and fake batches can share them or not. */
export interface AugmentDraws {
  brightness: Float32Array;
  saturation: Float32Array;
  contrast: Float32Array;
  shifts: [number, number][];
  cutouts: [number, number][];
}

export function drawAugment(n: number, size: number, policy: AugmentPolicy, rng: Rng): AugmentDraws {
  const shift = Math.round(size * policy.translationRatio);
  const cut = Math.round(size * policy.cutoutRatio);
  const uniform = (): Float32Array => Float32Array.from({ length: n }, () => rng.next());
  return {
    brightness: uniform(),
    saturation: uniform(),
    contrast: uniform(),
    shifts: Array.from({ length: n }, () => [rng.int(2 * shift + 1) - shift, rng.int(2 * shift + 1) - shift]),
    // top-left corner of the cut, uniform so that the square's centre covers the whole image
    cutouts: Array.from({ length: n }, () => [rng.int(size + (1 - (cut % 2))) - Math.floor(cut / 2), rng.int(size + (1 - (cut % 2))) - Math.floor(cut / 2)]),
  };
}

/** Brightness (+U(-0.5, 0.5)), saturation (x U(0, 2) around the pixel's channel mean), contrast (x U(0.5, 1.5) around the image mean). */
function color(x: tf.Tensor4D, d: AugmentDraws): tf.Tensor4D {
  const n = x.shape[0];
  const col = (v: Float32Array, f: (u: number) => number): tf.Tensor4D => tf.tensor4d(v.map(f), [n, 1, 1, 1]);
  let y = x.add(col(d.brightness, (u) => u - 0.5)) as tf.Tensor4D;
  if (x.shape[3] > 1) {
    const m = y.mean(3, true);
    y = y.sub(m).mul(col(d.saturation, (u) => u * 2)).add(m);
  }
  const m = y.mean([1, 2, 3], true);
  return y.sub(m).mul(col(d.contrast, (u) => u + 0.5)).add(m) as tf.Tensor4D;
}

/** out[i] = in[i - shift] per image, zero-filled: windows of the zero-padded batch, concatenated (not differentiable). */
function shiftImages(x: tf.Tensor4D, shifts: readonly [number, number][]): tf.Tensor4D {
  return tf.tidy(() => {
    const [, h, w, c] = x.shape;
    const p = Math.max(1, ...shifts.flat().map(Math.abs));
    const padded = tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]);
    return tf.concat(shifts.map(([sy, sx], b) => tf.slice(padded, [b, p - sy, p - sx, 0], [1, h, w, c])), 0) as tf.Tensor4D;
  });
}

/**
 * Per-sample translation with zero padding. Its adjoint is the opposite translation (zero-filled
 * too), so the gradient is `shiftImages(dy, -shifts)`: O(batch) work both ways. Autodiff of
 * per-image slices would pad every slice's gradient to the whole batch (quadratic), tf.split's
 * wasm SplitV copies the whole input per piece, a GatherV2 would need UnsortedSegmentSum (not in
 * wasm), and batched 0/1 shift matrices took 210 ms of a 965 ms GAN step.
 */
function translate(x: tf.Tensor4D, d: AugmentDraws): tf.Tensor4D {
  const back = d.shifts.map(([sy, sx]) => [-sy, -sx] as [number, number]);
  const op = tf.customGrad(((input: tf.Tensor4D) => ({
    value: shiftImages(input, d.shifts),
    gradFunc: (dy: tf.Tensor4D) => shiftImages(dy, back),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor4D;
}

/** Zeroes a square of each image (a constant 0/1 mask: no gradient needed through it). */
function cutout(x: tf.Tensor4D, d: AugmentDraws, ratio: number): tf.Tensor4D {
  const [n, h, w] = x.shape;
  const cut = Math.round(h * ratio);
  const mask = new Float32Array(n * h * w).fill(1);
  d.cutouts.forEach(([top, left], b) => {
    for (let i = Math.max(0, top); i < Math.min(h, top + cut); i++)
      for (let j = Math.max(0, left); j < Math.min(w, left + cut); j++) mask[(b * h + i) * w + j] = 0;
  });
  return x.mul(tf.tensor4d(mask, [n, h, w, 1]));
}

/** Applies the policy to images `[N, S, S, C]` in [-1, 1]; differentiable in `x`. */
export function diffAugment(x: tf.Tensor4D, d: AugmentDraws, policy: AugmentPolicy = DIFF_AUGMENT): tf.Tensor4D {
  return tf.tidy(() => {
    let y = x;
    if (policy.color) y = color(y, d);
    if (policy.translation) y = translate(y, d);
    if (policy.cutout) y = cutout(y, d, policy.cutoutRatio);
    return y;
  });
}
