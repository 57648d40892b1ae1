/**
 * The frequency front end of DESIGN.md 5.1 (after PPFR-FD, Wang et al. AAAI 2022), as pure
 * tensor functions: colour to YCbCr (minus 128) or grey minus 128; 8x8 block DCT regrouped into
 * frequency channels; channel selection (drop each plane's DC, then its highest-energy channels
 * until `keepPerPlane` remain); a per-run secret channel permutation (the run's key) [ours];
 * per-channel standardisation for the network; and the exact inverse for visualisation.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import { blockDct, COEFFS, inverseBlockDct, kroneckerBasis, projectBlocks } from './dct.ts';

/** Everything needed to apply (and invert) one run's front end; saved with every checkpoint. */
export interface FrontEndState {
  /** 1 (grey) or 3 (Y, Cb, Cr) planes */
  planes: 1 | 3;
  /** kept channel indices (p*64 + u*8 + v), ascending, before the permutation */
  kept: number[];
  /** the secret key: position k of the network input carries kept[permutation[k]] */
  permutation: number[];
  /** per-input-channel mean and std (after the permutation), from the training split */
  mean: number[];
  std: number[];
  /** mean |coefficient| of all 64*planes channels on the training split (for the Defence Lab) */
  energy: number[];
  /** the masking network's gate logit per channel, when the selection was learned (for the Defence Lab) */
  gates?: number[];
}

export interface FrontEndConfig {
  /** channels kept per plane (PPFR-FD's reported count: 36 of 64) */
  keepPerPlane: number;
  /** seed of the secret permutation */
  keySeed: number;
}

export const DEFAULT_FRONT_END: FrontEndConfig = { keepPerPlane: 36, keySeed: 1 };

/** JPEG's RGB -> YCbCr, centred: rows are output planes. */
const RGB_TO_YCBCR = [
  [0.299, 0.587, 0.114],
  [-0.168736, -0.331264, 0.5],
  [0.5, -0.418688, -0.081312],
];

/** Pixels `[N, S, S, 1|3]` in 0..255 -> centred planes `[N, S, S, 1|3]` (grey - 128, or Y-128, Cb, Cr). */
export function toPlanes(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    if (pixels.shape[3] === 1) return pixels.sub(128);
    const m = tf.tensor2d(RGB_TO_YCBCR).transpose();
    const [n, h, w] = pixels.shape;
    const ycc = tf.matMul(pixels.reshape([n * h * w, 3]), m).reshape([n, h, w, 3]);
    return ycc.sub(tf.tensor1d([128, 0, 0])) as tf.Tensor4D;
  });
}

/** The inverse of `toPlanes`, clipped to 0..255. */
export function fromPlanes(planes: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy((): tf.Tensor4D => {
    if (planes.shape[3] === 1) return planes.add(128).clipByValue(0, 255) as tf.Tensor4D;
    const inv = tf.tensor2d(invert3(RGB_TO_YCBCR)).transpose();
    const [n, h, w] = planes.shape;
    const shifted = planes.add(tf.tensor1d([128, 0, 0]));
    return tf.matMul(shifted.reshape([n * h * w, 3]), inv).reshape([n, h, w, 3]).clipByValue(0, 255) as tf.Tensor4D;
  });
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** All frequency channels of `pixels`: `[N, S/8, S/8, planes*64]`. */
export function frequencyChannels(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => blockDct(toPlanes(pixels)));
}

/** Channel selection [DESIGN 5.1 step 3]: per plane, drop DC, then the highest-energy channels. */
export function selectChannels(energy: readonly number[], planes: number, keepPerPlane: number): number[] {
  if (keepPerPlane < 1 || keepPerPlane > COEFFS - 1) throw new RangeError(`keepPerPlane must be in 1..${COEFFS - 1}`);
  const kept: number[] = [];
  for (let p = 0; p < planes; p++) {
    const acs = Array.from({ length: COEFFS - 1 }, (_, i) => p * COEFFS + i + 1);
    acs.sort((x, y) => energy[x] - energy[y] || x - y);
    kept.push(...acs.slice(0, keepPerPlane));
  }
  return kept.sort((x, y) => x - y);
}

/** Fits the front end on training pixels: energies, kept channels, secret permutation, statistics. */
export function fitFrontEnd(train: tf.Tensor4D, config: FrontEndConfig, chosen?: readonly number[]): FrontEndState {
  const planes = train.shape[3] as 1 | 3;
  const energy = tf.tidy(() => Array.from(frequencyChannels(train).abs().mean([0, 1, 2]).dataSync()));
  // `chosen`: a selection made elsewhere (the learned masking network, engine/defence/masking-net.ts)
  const kept = chosen ? [...chosen].sort((x, y) => x - y) : selectChannels(energy, planes, config.keepPerPlane);
  const permutation = new Rng(hashSeed(config.keySeed, 0x6b65)).shuffle(kept.map((_, i) => i));
  const state: FrontEndState = { planes, kept, permutation, mean: [], std: [], energy };
  const { mean, variance } = tf.tidy(() => {
    const m = tf.moments(maskedCoefficients(train, state), [0, 1, 2]);
    return { mean: Array.from(m.mean.dataSync()), variance: Array.from(m.variance.dataSync()) };
  });
  state.mean = mean;
  state.std = variance.map((v) => Math.sqrt(v) + 1e-3);
  return state;
}

/** Channel indices in network-input order (kept channels through the secret permutation). */
export function keptOrder(state: FrontEndState): number[] {
  return state.permutation.map((k) => state.kept[k]);
}

/**
 * The front end as one matrix `[planes*64, kept]` for `projectBlocks`: column k is the DCT basis
 * row of channel `keptOrder[k]` (zeros over the other planes), times `scale[k]`. Selecting and
 * permuting channels this way replaces a channel GatherV2, which is slow on wasm.
 */
function maskingMatrix(state: FrontEndState, scale?: readonly number[]): tf.Tensor2D {
  const order = keptOrder(state);
  const basis = kroneckerBasis();
  const rows = state.planes * COEFFS;
  const m = new Float32Array(rows * order.length);
  order.forEach((ch, k) => {
    const plane = Math.floor(ch / COEFFS);
    const uv = ch % COEFFS;
    for (let ij = 0; ij < COEFFS; ij++) m[(plane * COEFFS + ij) * order.length + k] = basis[uv * COEFFS + ij] * (scale?.[k] ?? 1);
  });
  return tf.tensor2d(m, [rows, order.length]);
}

/** Masked, permuted coefficients `[N, S/8, S/8, kept]` before standardisation (what an export holds). */
export function maskedCoefficients(pixels: tf.Tensor4D, state: FrontEndState): tf.Tensor4D {
  return tf.tidy(() => projectBlocks(toPlanes(pixels), maskingMatrix(state)));
}

/** The network input: masked coefficients standardised per channel, `(c - mean) / std`, folded into the matrix. */
export function applyFrontEnd(pixels: tf.Tensor4D, state: FrontEndState): tf.Tensor4D {
  return tf.tidy(() => {
    const inv = state.std.map((s) => 1 / s);
    return projectBlocks(toPlanes(pixels), maskingMatrix(state, inv)).sub(tf.tensor1d(state.mean.map((m, k) => m * inv[k]))) as tf.Tensor4D;
  });
}

/** Inverse path for visualisation: removed channels zeroed, permutation undone, inverse DCT, pixels. */
export function visualiseMasked(masked: tf.Tensor4D, state: FrontEndState): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, b] = masked.shape;
    const total = state.planes * COEFFS;
    const order = keptOrder(state);
    // Scatter the kept channels back to their frequency positions with a 0/1 selection matrix.
    const select = new Float32Array(order.length * total);
    order.forEach((ch, k) => (select[k * total + ch] = 1));
    const full = tf.matMul(masked.reshape([n * b * b, order.length]), tf.tensor2d(select, [order.length, total])).reshape([n, b, b, total]);
    return fromPlanes(inverseBlockDct(full as tf.Tensor4D));
  });
}
