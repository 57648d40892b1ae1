/**
 * Training data from the pixel cache: which cache rows train and which are held out, with labels
 * remapped to 0..classes-1 over the private identities, and seeded batches as float tensors
 * `[B, S, S, C]` in 0..255 (optionally flipped left-right). No image is decoded here.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';

export interface TrainData {
  /** the pixel cache `[count, size, size, channels]` uint8 */
  pixels: Uint8Array;
  size: number;
  channels: 1 | 3;
  /** cache rows used for training and their class (0-based over private identities) */
  train: { row: number; label: number }[];
  /** cache rows of held-out images of the same identities */
  heldout: { row: number; label: number }[];
  classes: number;
}

/** Per-image augmentation: mirror left-right, and shift by (dx, dy) pixels (edges repeated). */
export interface Augment {
  flip: boolean;
  dx: number;
  dy: number;
}

/** A float batch `[rows.length, S, S, C]` (0..255), each image augmented as `augment[i]` says. */
export function batchTensor(data: TrainData, rows: readonly number[], augment?: readonly Augment[]): tf.Tensor4D {
  const { size, channels } = data;
  const stride = size * size * channels;
  const out = new Float32Array(rows.length * stride);
  const clamp = (v: number): number => (v < 0 ? 0 : v >= size ? size - 1 : v);
  rows.forEach((row, i) => {
    const src = data.pixels.subarray(row * stride, (row + 1) * stride);
    const dst = i * stride;
    const a = augment?.[i];
    if (!a || (!a.flip && a.dx === 0 && a.dy === 0)) {
      for (let k = 0; k < stride; k++) out[dst + k] = src[k];
      return;
    }
    for (let y = 0; y < size; y++) {
      const sy = clamp(y - a.dy);
      for (let x = 0; x < size; x++) {
        const sx = clamp(a.flip ? size - 1 - (x - a.dx) : x - a.dx);
        for (let c = 0; c < channels; c++) out[dst + (y * size + x) * channels + c] = src[(sy * size + sx) * channels + c];
      }
    }
  });
  return tf.tensor4d(out, [rows.length, size, size, channels]);
}

/**
 * How many batches an epoch of `count` items makes: consecutive runs of `batch`, except that a
 * last batch of one (it breaks batch statistics) is folded into the one before it.
 */
export function batchesPerEpoch(count: number, batch: number): number {
  const batches = Math.ceil(count / batch);
  return batches > 1 && count - (batches - 1) * batch < 2 ? batches - 1 : batches;
}

/** The epoch's batches of training items, shuffled from (seed, epoch); the last batch may be short or long by one. */
export function epochBatches(items: TrainData['train'], batch: number, seed: number, epoch: number): TrainData['train'][] {
  const order = new Rng(hashSeed(seed, epoch, 0xba7c)).shuffle([...items]);
  const n = batchesPerEpoch(order.length, batch);
  return Array.from({ length: n }, (_, i) => order.slice(i * batch, i === n - 1 ? order.length : (i + 1) * batch));
}

/** Seeded augmentation for one step: flips with probability 1/2, shifts uniform in [-shift, shift]. */
export function augmentFor(n: number, seed: number, epoch: number, step: number, opts: { flip: boolean; shift: number }): Augment[] {
  const rng = new Rng(hashSeed(seed, epoch, step, 0xf11b));
  return Array.from({ length: n }, () => ({
    flip: opts.flip && rng.next() < 0.5,
    dx: opts.shift ? rng.int(2 * opts.shift + 1) - opts.shift : 0,
    dy: opts.shift ? rng.int(2 * opts.shift + 1) - opts.shift : 0,
  }));
}
