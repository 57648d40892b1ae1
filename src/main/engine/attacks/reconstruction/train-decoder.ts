/**
 * Trains the reconstruction decoder on public faces passed through the attacker's view of the
 * defence (seeded flips and shifts, Adam, cosine-free constant rate [ours]), and applies it to
 * leaked samples. Loss: squared error on the removed channels weighted by their variance on the
 * public faces, i.e. the pixel MSE (the DCT is orthonormal). Every step in tidy; no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import type { Params } from '../../models/params.ts';
import { augmentFor, batchTensor, batchesPerEpoch, type TrainData } from '../../train/data.ts';
import type { PublicFaces } from '../public-data.ts';
import { decoderForward, decoderParams } from './decoder.ts';
import { assemblePixels, coefficientsOf, type AttackerView } from './frequency.ts';

export interface DecoderConfig {
  width: number;
  epochs: number;
  batch: number;
  lr: number;
  /** random shifts of public faces in pixels (each axis) */
  shift: number;
}

export const DECODER_PROFILES: Record<'quick' | 'standard', DecoderConfig> = {
  quick: { width: 8, epochs: 2, batch: 16, lr: 2e-3, shift: 2 },
  standard: { width: 32, epochs: 60, batch: 32, lr: 1e-3, shift: 4 },
};

export interface TrainedDecoder {
  params: Params;
  view: AttackerView;
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

/** Trains on `faces`; returns null when stopped (cancel). */
export async function trainDecoder(faces: PublicFaces, view: AttackerView, cfg: DecoderConfig, seed: number, hooks: DecoderHooks): Promise<TrainedDecoder | null> {
  const data: TrainData = { pixels: faces.pixels, size: faces.size, channels: faces.channels, train: [], heldout: [], classes: 0 };
  const sample = batchTensor(data, Array.from({ length: Math.min(faces.count, 512) }, (_, i) => i));
  const inStd = channelStd(sample, view.kept, view.planes);
  const outStd = channelStd(sample, view.removed, view.planes);
  sample.dispose();
  const weight = tf.tidy(() => outStd.square().div(outStd.square().mean()));
  const params = decoderParams({ inputs: view.kept.length, outputs: view.removed.length, width: cfg.width }, seed);
  const optimizer = tf.train.adam(cfg.lr);
  const steps = batchesPerEpoch(faces.count, cfg.batch);
  const total = cfg.epochs * steps;
  let last = tf.scalar(0);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    const order = new Rng(hashSeed(seed, epoch, 0xdec0)).shuffle(Array.from({ length: faces.count }, (_, i) => i));
    for (let s = 0; s < steps; s++) {
      if (hooks.shouldStop()) return cleanup();
      const rows = order.slice(s * cfg.batch, s === steps - 1 ? order.length : (s + 1) * cfg.batch);
      const aug = augmentFor(rows.length, seed, epoch, s, { flip: true, shift: cfg.shift });
      const loss = optimizer.minimize(() => {
        const x = batchTensor(data, rows, aug);
        const input = coefficientsOf(x, view.kept, view.planes).div(inStd) as tf.Tensor4D;
        const target = coefficientsOf(x, view.removed, view.planes).div(outStd);
        return decoderForward(params, input).sub(target).square().mul(weight).mean() as tf.Scalar;
      }, true, params.trainable());
      last.dispose();
      last = loss!;
      hooks.onStep(epoch * steps + s + 1, total);
      if (s % 4 === 0) await new Promise((r) => setImmediate(r));
    }
  }
  const finalLoss = (await last.data())[0];
  last.dispose();
  optimizer.dispose();
  weight.dispose();
  return { params, view, inStd, outStd, finalLoss, epochs: cfg.epochs };

  function cleanup(): null {
    last.dispose();
    optimizer.dispose();
    weight.dispose();
    params.dispose();
    tf.dispose([inStd, outStd]);
    return null;
  }
}

/** Leaked kept channels `[N, B, B, K]` (ascending order) -> reconstructed pixels `[N, S, S, C]` 0..255. */
export function reconstruct(decoder: TrainedDecoder, kept: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const removed = decoderForward(decoder.params, kept.div(decoder.inStd) as tf.Tensor4D).mul(decoder.outStd) as tf.Tensor4D;
    return assemblePixels(kept, removed, decoder.view);
  });
}

export function disposeDecoder(d: TrainedDecoder): void {
  d.params.dispose();
  tf.dispose([d.inStd, d.outStd]);
}
