/**
 * Pure helpers of the reconstruction ceiling benchmark (bench/recon-ceiling.ts): a simulated
 * thumbnail predictor of a chosen R^2 (the true thumbnail shrunk towards the mean face, plus another
 * face's deviation as the error) and the R^2 of predictions against targets. Rows are `[n, d]` row-major.
 */
import { Rng } from '../src/main/data/synth/random.ts';

/** Column means of `[n, d]` rows. */
export function meanRow(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let c = 0; c < d; c++) m[c] += x[r * d + c] / n;
  return m;
}

/** A seeded permutation of 0..n-1 (Fisher-Yates on the studio's mulberry32). */
export function permutation(n: number, seed: number): number[] {
  return new Rng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
}

/**
 * P = M + r (T - M) + sqrt(r (1 - r)) Z with Z = T[perm] - M: a predictor whose R^2 against T is r
 * in expectation when Z is independent of T (error variance (1-r)^2 + r(1-r) = 1-r of T's) [ours].
 */
export function simulatePredictor(t: ArrayLike<number>, n: number, d: number, r: number, perm: readonly number[]): Float64Array {
  const m = meanRow(t, n, d);
  const s = Math.sqrt(r * (1 - r));
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) out[i * d + c] = m[c] + r * (t[i * d + c] - m[c]) + s * (t[perm[i] * d + c] - m[c]);
  }
  return out;
}

/** 1 - SSE / SST of predictions against targets, SST about the targets' own mean row. */
export function rSquared(pred: ArrayLike<number>, t: ArrayLike<number>, n: number, d: number): number {
  const m = meanRow(t, n, d);
  let sse = 0;
  let sst = 0;
  for (let i = 0; i < n * d; i++) {
    sse += (pred[i] - t[i]) ** 2;
    sst += (t[i] - m[i % d]) ** 2;
  }
  return 1 - sse / sst;
}
