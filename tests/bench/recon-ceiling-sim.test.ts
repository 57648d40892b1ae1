import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/data/synth/random.ts';
import { permutation, rSquared, simulatePredictor } from '../../bench/recon-ceiling-sim.ts';

/** `n` rows of `d` independent normals around a fixed mean row. */
function gaussianRows(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const mean = Array.from({ length: d }, (_, c) => c - d / 2);
  return Float64Array.from({ length: n * d }, (_, i) => mean[i % d] + 3 * rng.normal());
}

describe('simulated thumbnail predictor', () => {
  it('has an R^2 close to the chosen r on independent rows', () => {
    const [n, d] = [2000, 20];
    const t = gaussianRows(n, d, 7);
    const perm = permutation(n, 3);
    for (const r of [0.27, 0.4, 0.6]) expect(rSquared(simulatePredictor(t, n, d, r, perm), t, n, d)).toBeCloseTo(r, 1);
  });

  it('returns the targets themselves at r = 1 and their mean row at r = 0 with no error term', () => {
    const t = Float64Array.from([1, 2, 3, 6, 5, 10]);
    const identity = [0, 1, 2];
    expect(Array.from(simulatePredictor(t, 3, 2, 1, [2, 0, 1]))).toEqual(Array.from(t));
    expect(Array.from(simulatePredictor(t, 3, 2, 0, identity))).toEqual([3, 6, 3, 6, 3, 6]);
    expect(rSquared(simulatePredictor(t, 3, 2, 0, identity), t, 3, 2)).toBe(0);
  });

  it('draws a seeded permutation of every index', () => {
    const p = permutation(50, 1);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(permutation(50, 1)).toEqual(p);
    expect(permutation(50, 2)).not.toEqual(p);
  });
});
