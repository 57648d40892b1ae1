import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../../src/main/data/synth/random.ts';
import { DIFF_AUGMENT, diffAugment, drawAugment, type AugmentPolicy } from '../../../../../src/main/engine/attacks/gan/augment.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';

const only = (p: Partial<AugmentPolicy>): AugmentPolicy => ({ ...DIFF_AUGMENT, color: false, translation: false, cutout: false, ...p });

/** Reference zero-filled shift: out[i][j] = in[i - sy][j - sx]. */
function shiftRef(x: Float32Array, n: number, s: number, c: number, shifts: [number, number][]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < s; i++)
      for (let j = 0; j < s; j++) {
        const si = i - shifts[b][0];
        const sj = j - shifts[b][1];
        if (si < 0 || si >= s || sj < 0 || sj >= s) continue;
        for (let k = 0; k < c; k++) out[((b * s + i) * s + j) * c + k] = x[((b * s + si) * s + sj) * c + k];
      }
  return out;
}

describe('differentiable augmentation (DiffAugment)', () => {
  beforeAll(() => selectBackend('wasm'));

  it('translates each image by its own shift with zeros, and its gradient is the opposite shift', () => {
    const rng = new Rng(3);
    const [n, s, c] = [5, 16, 3];
    const x = Float32Array.from({ length: n * s * s * c }, () => rng.normal());
    const dy = Float32Array.from({ length: n * s * s * c }, () => rng.normal());
    const d = drawAugment(n, s, DIFF_AUGMENT, rng);
    const before = tf.memory().numTensors;
    const [y, g] = tf.tidy(() => {
      const f = (t: tf.Tensor) => diffAugment(t as tf.Tensor4D, d, only({ translation: true }));
      const grad = tf.grad((t: tf.Tensor) => f(t).mul(tf.tensor4d(dy, [n, s, s, c])).sum())(tf.tensor4d(x, [n, s, s, c]));
      return [f(tf.tensor4d(x, [n, s, s, c])).dataSync(), grad.dataSync()];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(d.shifts.some(([a, b]) => a !== 0 || b !== 0)).toBe(true);
    expect(Array.from(y)).toEqual(Array.from(shiftRef(x, n, s, c, d.shifts)));
    expect(Array.from(g)).toEqual(Array.from(shiftRef(dy, n, s, c, d.shifts.map(([a, b]) => [-a, -b]))));
  });

  it('cuts out one square of each image and keeps colour changes per image', () => {
    const rng = new Rng(4);
    const [n, s] = [6, 16];
    const d = drawAugment(n, s, DIFF_AUGMENT, rng);
    const cut = tf.tidy(() => diffAugment(tf.ones([n, s, s, 1]) as tf.Tensor4D, d, only({ cutout: true })).sum([1, 2, 3]).dataSync());
    cut.forEach((v, b) => {
      const [top, left] = d.cutouts[b];
      const rows = Math.min(s, top + s / 2) - Math.max(0, top);
      const cols = Math.min(s, left + s / 2) - Math.max(0, left);
      expect(v).toBe(s * s - rows * cols);
    });
    // brightness and contrast on a constant image: the constant moves by (u - 0.5) only
    const col = tf.tidy(() => diffAugment(tf.fill([n, s, s, 1], 0.25) as tf.Tensor4D, d, only({ color: true })).mean([1, 2, 3]).dataSync());
    col.forEach((v, b) => expect(v).toBeCloseTo(0.25 + d.brightness[b] - 0.5, 5));
  });
});
