/**
 * `--key unknown` (DESIGN.md 6): the attacker knows the front end's rule but not its secret channel
 * permutation. It takes the kept channels the rule picks on public faces, describes every channel
 * on the public faces and every position of the leaked set by the same statistics
 * (`channelFeatures`), and pairs them greedily by distance (cheapest pair first) [ours]. What it got
 * right is counted against the true key.
 */
import * as tf from '@tensorflow/tfjs';
import { frequencyChannels, selectChannels } from '../../masking/front-end.ts';
import { complement, type AttackerView } from './frequency.ts';

/**
 * Per-channel statistics of coefficients `[N, B, B, C]`, one feature row per channel: log std, log
 * mean |c|, log kurtosis, and 0.2 x the log of the mean |c| map over block positions normalised to
 * mean 1 (on ORL with public identities: 9 of 36 channels placed right; the first two alone: 0).
 */
export function channelFeatures(coeffs: tf.Tensor4D): number[][] {
  return tf.tidy(() => {
    const [, b, , c] = coeffs.shape;
    const abs = coeffs.abs();
    const { variance } = tf.moments(coeffs, [0, 1, 2]);
    const std = variance.sqrt().add(1e-6).log().reshape([1, c]);
    const meanAbs = abs.mean([0, 1, 2]).add(1e-6).log().reshape([1, c]);
    const kurtosis = coeffs.pow(4).mean([0, 1, 2]).div(variance.square().add(1e-6)).log().reshape([1, c]);
    const map = abs.mean(0).reshape([b * b, c]);
    const mapLog = map.div(map.sum(0, true)).mul(b * b).add(1e-3).log().mul(0.2);
    return tf.concat([std, meanAbs, kurtosis, mapLog], 0).transpose().arraySync() as number[][];
  });
}

function distance(a: readonly number[], b: readonly number[]): number {
  return Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
}

/** Greedy one-to-one assignment of leaked positions to candidate channels (cheapest pair first). */
export function matchChannels(leaked: number[][], candidates: number[][]): number[] {
  const pairs: [number, number, number][] = [];
  leaked.forEach((f, k) => candidates.forEach((g, j) => pairs.push([distance(f, g), k, j])));
  pairs.sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(leaked.length).fill(-1);
  const used = new Set<number>();
  for (const [, k, j] of pairs) {
    if (out[k] !== -1 || used.has(j)) continue;
    out[k] = j;
    used.add(j);
  }
  return out;
}

/**
 * Estimates the attacker's view from the leaked set `[N, B, B, K]` and public pixels `[M, S, S, C]`.
 * `keepPerPlane` is known (the front end is public); the key is not.
 */
export function estimateView(leaked: tf.Tensor4D, publicPixels: tf.Tensor4D, planes: 1 | 3): AttackerView {
  const keepPerPlane = leaked.shape[3] / planes;
  const { kept, features } = tf.tidy(() => {
    const all = frequencyChannels(publicPixels);
    const energy = Array.from(all.abs().mean([0, 1, 2]).dataSync());
    const keptChannels = selectChannels(energy, planes, keepPerPlane);
    const picked = tf.gather(all, keptChannels, 3) as tf.Tensor4D;
    return { kept: keptChannels, features: channelFeatures(picked) };
  });
  const position = matchChannels(channelFeatures(leaked), features);
  return { planes, kept, removed: complement(kept, planes), position };
}

/** How many leaked positions the estimate maps to their true channel. */
export function channelsRecovered(estimate: AttackerView, truth: AttackerView): number {
  return estimate.position.reduce((n, p, k) => n + (estimate.kept[p] === truth.kept[truth.position[k]] ? 1 : 0), 0);
}
