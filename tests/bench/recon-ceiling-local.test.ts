import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/data/synth/random.ts';
import { choleskySolve } from '../../bench/recon-ceiling-local.ts';

describe('the local ridge solver', () => {
  it('solves (G + lambda I) w = r for a symmetric positive definite G', () => {
    const d = 12;
    const rng = new Rng(5);
    const a = Float64Array.from({ length: 30 * d }, () => rng.normal());
    const g = new Float64Array(d * d);
    for (let k = 0; k < 30; k++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g[i * d + j] += a[k * d + i] * a[k * d + j];
    const r = Float64Array.from({ length: d }, () => rng.normal());
    const w = choleskySolve(g, r, d, 0.5);
    for (let i = 0; i < d; i++) {
      let lhs = 0.5 * w[i];
      for (let j = 0; j < d; j++) lhs += g[i * d + j] * w[j];
      expect(lhs).toBeCloseTo(r[i], 9);
    }
  });

  it('leaves its input matrix unchanged', () => {
    const g = Float64Array.from([4, 1, 1, 3]);
    choleskySolve(g, Float64Array.from([1, 2]), 2, 1);
    expect(Array.from(g)).toEqual([4, 1, 1, 3]);
  });
});
