/**
 * The attacker's view of a frequency-masked sample (DESIGN.md 5.1 and 6): which channels the
 * front end kept (ascending) and removed, and which kept channel each position of a leaked sample
 * carries (the key: known under Kerckhoffs, estimated otherwise). Pure tensor helpers to take
 * chosen DCT channels of pixels, put a leaked sample's channels back in order, and rebuild pixels
 * from kept plus predicted removed channels.
 */
import * as tf from '@tensorflow/tfjs';
import { COEFFS, inverseBlockDct, kroneckerBasis, projectBlocks } from '../../masking/dct.ts';
import { fromPlanes, toPlanes, type FrontEndState } from '../../masking/front-end.ts';

export interface AttackerView {
  planes: 1 | 3;
  /** kept channel indices (p*64 + u*8 + v), ascending */
  kept: number[];
  /** the other channels, ascending (what the decoder predicts) */
  removed: number[];
  /** position k of a leaked sample carries channel `kept[position[k]]` */
  position: number[];
}

export function complement(kept: readonly number[], planes: number): number[] {
  const set = new Set(kept);
  return Array.from({ length: planes * COEFFS }, (_, i) => i).filter((i) => !set.has(i));
}

/** Kerckhoffs: the attacker knows the front end and its key. */
export function knownKeyView(state: FrontEndState): AttackerView {
  return { planes: state.planes, kept: [...state.kept], removed: complement(state.kept, state.planes), position: [...state.permutation] };
}

/** `[planes*64, channels.length]`: column j is the DCT basis row of `channels[j]` on its plane. */
function basisColumns(channels: readonly number[], planes: number): tf.Tensor2D {
  const basis = kroneckerBasis();
  const m = new Float32Array(planes * COEFFS * channels.length);
  channels.forEach((ch, j) => {
    const plane = Math.floor(ch / COEFFS);
    const uv = ch % COEFFS;
    for (let ij = 0; ij < COEFFS; ij++) m[(plane * COEFFS + ij) * channels.length + j] = basis[uv * COEFFS + ij];
  });
  return tf.tensor2d(m, [planes * COEFFS, channels.length]);
}

/** DCT coefficients of the given channels: pixels `[N, S, S, C]` 0..255 -> `[N, S/8, S/8, channels.length]`. */
export function coefficientsOf(pixels: tf.Tensor4D, channels: readonly number[], planes: number): tf.Tensor4D {
  return tf.tidy(() => planeCoefficients(toPlanes(pixels), channels, planes));
}

/** The same from the front end's planes `[N, S, S, planes]` (pixels minus 128, or YCbCr). */
export function planeCoefficients(planes: tf.Tensor4D, channels: readonly number[], n: number): tf.Tensor4D {
  return tf.tidy(() => projectBlocks(planes, basisColumns(channels, n)));
}

/** A leaked sample `[N, B, B, K]` (key order) -> kept channels in ascending order. */
export function reorderLeaked(leaked: tf.Tensor4D, position: readonly number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, b, , k] = leaked.shape;
    const m = new Float32Array(k * k);
    position.forEach((p, i) => (m[i * k + p] = 1));
    return tf.matMul(leaked.reshape([n * b * b, k]), tf.tensor2d(m, [k, k])).reshape([n, b, b, k]) as tf.Tensor4D;
  });
}

/** Pixels `[N, S, S, planes]` 0..255 from kept `[N, B, B, K]` and removed `[N, B, B, R]` coefficients. */
export function assemblePixels(kept: tf.Tensor4D, removed: tf.Tensor4D, view: AttackerView): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, b] = kept.shape;
    const order = [...view.kept, ...view.removed];
    const total = view.planes * COEFFS;
    const m = new Float32Array(order.length * total);
    order.forEach((ch, j) => (m[j * total + ch] = 1));
    const both = tf.concat([kept, removed], 3).reshape([n * b * b, order.length]);
    return fromPlanes(inverseBlockDct(tf.matMul(both, tf.tensor2d(m, [order.length, total])).reshape([n, b, b, total]) as tf.Tensor4D));
  });
}
