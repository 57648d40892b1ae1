/**
 * The strategy network of DESIGN.md 5.4: a small MLP over a per-sample state of the anchor [ours:
 * its masked per-channel log-energy, standardised, plus the FR network's last confidence on it],
 * giving a categorical distribution over k in {2..6}. Sampling is seeded on the CPU so that a
 * resumed run draws exactly what an uninterrupted one would.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../data/synth/random.ts';
import { dense, denseParams, type Ctx } from '../models/layers.ts';
import { Params } from '../models/params.ts';
import { K_CHOICES } from './mixing.ts';

export interface PolicyConfig {
  stateSize: number;
  /** hidden units [ours: 32] */
  hidden: number;
}

export function policyParams(cfg: PolicyConfig, seed: number): Params {
  const p = new Params(seed ^ 0x5017);
  denseParams(p, 'pol/h', cfg.stateSize, cfg.hidden);
  denseParams(p, 'pol/out', cfg.hidden, K_CHOICES.length);
  return p;
}

/** Logits `[n, 5]` over K_CHOICES for states `[n, stateSize]`. */
export function policyLogits(params: Params, states: tf.Tensor2D): tf.Tensor2D {
  const ctx: Ctx = { params, training: true };
  return tf.tidy(() => dense(ctx, 'pol/out', tf.tanh(dense(ctx, 'pol/h', states))));
}

/** Action probabilities `[n][5]` as plain arrays. */
export function policyProbs(params: Params, states: Float32Array, stateSize: number): number[][] {
  const n = states.length / stateSize;
  const probs = tf.tidy(() => tf.softmax(policyLogits(params, tf.tensor2d(states, [n, stateSize]))));
  const flat = probs.dataSync();
  probs.dispose();
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * K_CHOICES.length, (i + 1) * K_CHOICES.length)));
}

/** Seeded categorical draws: the index into K_CHOICES for each row of `probs`. */
export function sampleActions(probs: readonly number[][], rng: Rng): number[] {
  return probs.map((p) => {
    let u = rng.next();
    for (let a = 0; a < p.length; a++) {
      u -= p[a];
      if (u < 0) return a;
    }
    return p.length - 1;
  });
}

/** Mean entropy (nats) of the rows of `probs`. */
export function meanEntropy(probs: readonly number[][]): number {
  if (!probs.length) return 0;
  return probs.reduce((s, p) => s - p.reduce((e, x) => e + (x > 0 ? x * Math.log(x) : 0), 0), 0) / probs.length;
}
