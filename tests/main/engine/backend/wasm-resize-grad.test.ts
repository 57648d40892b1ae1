import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { integerFactor } from '../../../../src/main/engine/backend/wasm-resize-grad.ts';

interface Case {
  x: [number, number, number, number];
  out: [number, number];
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

const CASES: Case[] = [
  { x: [2, 4, 4, 3], out: [8, 8], alignCorners: false, halfPixelCenters: false },
  { x: [3, 5, 3, 2], out: [10, 9], alignCorners: false, halfPixelCenters: false },
  { x: [2, 4, 4, 5], out: [8, 8], alignCorners: false, halfPixelCenters: true },
  { x: [1, 3, 5, 1], out: [6, 5], alignCorners: false, halfPixelCenters: false },
  // the stock kernel's cases: align corners, fractional factors, down-sampling
  { x: [1, 4, 4, 2], out: [8, 8], alignCorners: true, halfPixelCenters: false },
  { x: [1, 4, 6, 2], out: [7, 9], alignCorners: false, halfPixelCenters: true },
  { x: [1, 8, 8, 2], out: [4, 4], alignCorners: false, halfPixelCenters: false },
];

/** Block sums: the gradient of an integer nearest up-sampling. */
function blockSums(c: Case, dy: Float32Array): Float32Array {
  const [n, h, w, ch] = c.x;
  const [oh, ow] = c.out;
  const out = new Float32Array(n * h * w * ch);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let k = 0; k < ch; k++) out[((b * h + Math.floor((i * h) / oh)) * w + Math.floor((j * w) / ow)) * ch + k] += dy[((b * oh + i) * ow + j) * ch + k];
  return out;
}

function gradient(c: Case, xd: Float32Array, dyd: Float32Array): Float32Array {
  return tf.tidy(() => {
    const dy = tf.tensor4d(dyd, [c.x[0], ...c.out, c.x[3]]);
    const g = tf.grad((x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, c.out, c.alignCorners, c.halfPixelCenters).mul(dy).sum());
    return g(tf.tensor4d(xd, c.x)).dataSync() as Float32Array;
  });
}

describe('the wasm ResizeNearestNeighborGrad kernel', () => {
  afterAll(() => selectBackend('wasm'));

  it('recognises integer up-sampling factors only', () => {
    expect(integerFactor([1, 4, 4, 1], [1, 8, 12, 1])).toEqual([2, 3]);
    expect(integerFactor([1, 4, 4, 1], [1, 6, 8, 1])).toBeNull();
    expect(integerFactor([1, 8, 8, 1], [1, 4, 4, 1])).toBeNull();
  });

  // tfjs-cpu's ResizeNearestNeighborGrad is wrong for batches of more than one image (found
  // here): batched integer cases are checked against block sums, the fallbacks (batch 1) against cpu.
  it('matches block sums on integer up-sampling and the cpu backend on the stock fallbacks, without leaking tensors', async () => {
    const rng = new Rng(12);
    for (const c of CASES) {
      const xd = Float32Array.from({ length: c.x.reduce((a, b) => a * b, 1) }, () => rng.normal());
      const dyd = Float32Array.from({ length: c.x[0] * c.out[0] * c.out[1] * c.x[3] }, () => rng.normal());
      const integer = !c.alignCorners && integerFactor(c.x, [c.x[0], ...c.out, c.x[3]]) !== null;
      await selectBackend('cpu');
      const want = integer ? blockSums(c, dyd) : gradient(c, xd, dyd);
      await selectBackend('wasm');
      const before = tf.memory().numTensors;
      const got = gradient(c, xd, dyd);
      expect(tf.memory().numTensors).toBe(before);
      const err = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
      expect(err, JSON.stringify(c)).toBeLessThan(1e-5);
    }
  });
});
