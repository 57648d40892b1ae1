/**
 * MixUp recipes and exact mixing (DESIGN.md 5.2): InstaHide's weights, k - 1 partners drawn from the
 * same group (a batch, or a data-parallel thread's half), the mix as one `[n, n]` matrix product,
 * mixed labels for the margin head, and InstaHide's optional random +-1 sign mask. Pure: recipes are
 * plain data drawn from a seed, so the leader can hand them to a helper thread and an export can
 * replay them. Test time never mixes.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';

/** The choices of k (images per mixed sample) of the adaptive policy and the fixed-k baselines. */
export const K_CHOICES = [2, 3, 4, 5, 6] as const;
export const K_MAX = 6;
/** InstaHide's cap on any one weight (Huang et al. 2020, section 3: max lambda <= 0.65) */
export const MAX_WEIGHT = 0.65;

/** One mixed sample: `sources[0]` is the anchor, the rest its partners (indices within the group). */
export interface MixRecipe {
  sources: number[];
  /** lambda_i for `sources[i]`, >= 0, summing to 1, none above MAX_WEIGHT */
  weights: number[];
  /** seed of the sample's +-1 sign mask, or null without one */
  signSeed: number | null;
}

/**
 * InstaHide's rule [ours for the frequency domain, DESIGN 5.2]: lambda = |N(0,1)| draws normalised
 * to sum 1, redrawn while max lambda > 0.65. For k = 2 the cap forces both weights into [0.35, 0.65].
 */
export function instahideWeights(k: number, rng: Rng): number[] {
  if (k < 1) throw new RangeError('k must be at least 1');
  if (k === 1) return [1];
  for (;;) {
    const raw = Array.from({ length: k }, () => Math.abs(rng.normal()) + 1e-12);
    const sum = raw.reduce((a, b) => a + b, 0);
    const w = raw.map((r) => r / sum);
    if (Math.max(...w) <= MAX_WEIGHT) return w;
  }
}

export interface DrawOptions {
  /** k per anchor (one entry per group member); capped at the group size */
  ks: readonly number[];
  seed: number;
  /** draw a sign-mask seed per sample (InstaHide mode) */
  signMask: boolean;
}

/**
 * One recipe per anchor of a group of `ks.length` samples: k - 1 partners uniform without
 * replacement among the others (never the anchor) [ours, DESIGN 5.2], InstaHide weights.
 */
export function drawRecipes(o: DrawOptions): MixRecipe[] {
  const n = o.ks.length;
  const rng = new Rng(hashSeed(o.seed, 0x6d1c));
  return o.ks.map((k, t) => {
    const kk = Math.max(1, Math.min(k, n));
    const others = Array.from({ length: n - 1 }, (_, i) => (i < t ? i : i + 1));
    // Partial Fisher-Yates: the first kk - 1 of a shuffle of the others.
    for (let i = 0; i < kk - 1; i++) {
      const j = i + rng.int(others.length - i);
      [others[i], others[j]] = [others[j], others[i]];
    }
    const sources = [t, ...others.slice(0, kk - 1)];
    const weights = instahideWeights(kk, rng);
    return { sources, weights, signSeed: o.signMask ? hashSeed(o.seed, t, 0x5191) : null };
  });
}

/**
 * Unit-energy mixing [ours]: the gain 1 / sqrt(sum lambda_i^2) by which a mixed sample's deviation
 * from the training mean is scaled. Mixing k uncorrelated zero-mean inputs shrinks their spread by
 * sqrt(sum lambda_i^2) (0.72 at k = 2, 0.49 at k = 6 on ORL's kept channels, measured equal), while
 * test inputs are never mixed: the gain gives a mixed sample an unmixed one's expected spread. It is
 * one number per sample, known from its recipe, so it changes no information.
 */
export function energyGain(weights: readonly number[]): number {
  return 1 / Math.sqrt(weights.reduce((a, w) => a + w * w, 0));
}

export interface MixOptions {
  /** scale each mixed sample's deviation from `center` by its energyGain (MixingConfig.energy 'unit') */
  unitEnergy?: boolean;
  /** per-channel (last axis) training mean the deviation is taken from; default 0 (standardised inputs) */
  center?: readonly number[];
}

/** The mixing matrix `[n, n]`: row t holds recipe t's weights at its sources' columns (times its energyGain with `unitEnergy`). */
export function mixingMatrix(recipes: readonly MixRecipe[], n = recipes.length, unitEnergy = false): Float32Array {
  const m = new Float32Array(recipes.length * n);
  recipes.forEach((r, t) => {
    const gain = unitEnergy ? energyGain(r.weights) : 1;
    r.sources.forEach((s, i) => (m[t * n + s] += r.weights[i] * gain));
  });
  return m;
}

/**
 * `x_mix[t] = c + g_t sum_i lambda_i (x[sources_i] - c)` for every recipe, as one matMul over
 * flattened samples (g_t = 1, or energyGain with `unitEnergy`; c = `center`, or 0). Without the gain
 * the weights sum to 1 and the center cancels.
 */
export function mixTensor<T extends tf.Tensor>(x: T, recipes: readonly MixRecipe[], o: MixOptions = {}): T {
  return tf.tidy(() => {
    const n = x.shape[0];
    const c = o.unitEnergy && o.center ? tf.tensor1d([...o.center]) : null;
    const flat = (c ? x.sub(c) : x).reshape([n, -1]);
    const m = tf.tensor2d(mixingMatrix(recipes, n, o.unitEnergy), [recipes.length, n]);
    const mixed = tf.matMul(m, flat).reshape([recipes.length, ...x.shape.slice(1)]);
    return (c ? mixed.add(c) : mixed) as T;
  });
}

/** A +-1 mask of `size` values drawn from `seed` (InstaHide's random sign flip per coefficient). */
export function signValues(seed: number, size: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.next() < 0.5 ? -1 : 1;
  return out;
}

/** Multiplies each mixed sample by its recipe's sign mask (samples without one are left as they are). */
export function applySignMasks<T extends tf.Tensor>(x: T, recipes: readonly MixRecipe[]): T {
  if (recipes.every((r) => r.signSeed === null)) return tf.clone(x);
  return tf.tidy(() => {
    const per = x.size / x.shape[0];
    const all = new Float32Array(x.size);
    recipes.forEach((r, t) => (r.signSeed === null ? all.fill(1, t * per, (t + 1) * per) : all.set(signValues(r.signSeed, per), t * per)));
    return x.mul(tf.tensor(all, x.shape)) as T;
  });
}

/**
 * Mixed labels for the head: `[n, K_MAX]` class indices and weights (padding columns weigh 0), so
 * `sum_j w[t, j] * CE(y[t, j])` is DESIGN 5.2's `sum_i lambda_i * HeadCE(f(x_mix), y_i)`.
 */
export function mixedLabels(recipes: readonly MixRecipe[], labels: readonly number[]): { labels: Int32Array; weights: Float32Array; width: number } {
  const width = K_MAX;
  const ys = new Int32Array(recipes.length * width);
  const ws = new Float32Array(recipes.length * width);
  recipes.forEach((r, t) =>
    r.sources.forEach((s, i) => {
      ys[t * width + i] = labels[s];
      ws[t * width + i] = r.weights[i];
    }),
  );
  return { labels: ys, weights: ws, width };
}

/** Per-class label mass of each mixed sample (a soft label summing to 1), for manifests and tests. */
export function softLabel(recipe: MixRecipe, labels: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  recipe.sources.forEach((s, i) => out.set(labels[s], (out.get(labels[s]) ?? 0) + recipe.weights[i]));
  return out;
}
