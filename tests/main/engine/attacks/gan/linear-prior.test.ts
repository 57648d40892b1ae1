import { describe, expect, it } from 'vitest';
import { cholesky, disposeLinearPrior, fitLinearPrior, generateLinear, projectLinear } from '../../../../../src/main/engine/attacks/gan/linear-prior.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';

describe('linear face prior', () => {
  it('factors a symmetric positive-definite matrix: L times its transpose gives the matrix back', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const l = cholesky(a, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let p = 0; p < 3; p++) v += l[i * 3 + p] * l[j * 3 + p];
        expect(v).toBeCloseTo(a[i * 3 + j], 4);
      }
      for (let j = i + 1; j < 3; j++) expect(l[i * 3 + j]).toBe(0);
    }
  });

  it('reproduces the mean and the covariance of faces that lie in a low-dimensional subspace, without leaking tensors', async () => {
    await selectBackend('wasm');
    const n = 400;
    const before = tf.memory().numTensors;
    // faces = m + coefficients (std 0.3 and 0.1) on two fixed patterns: a 2-d subspace
    const [images, patterns] = tf.tidy(() => {
      const pat = tf.randomNormal([2, 64 * 64], 0, 1, 'float32', 3).div(64) as tf.Tensor2D;
      const c = tf.randomNormal([n, 2], 0, 1, 'float32', 4).mul(tf.tensor1d([0.3, 0.1]));
      return [tf.matMul(c, pat).add(0.2).reshape([n, 64, 64, 1]) as tf.Tensor4D, pat];
    });
    const p = await fitLinearPrior(images, 2, 1);
    expect(p.basis.shape).toEqual([2, 64 * 64]);
    const mean = p.mean.mean();
    expect(Math.abs((await mean.data())[0] - 0.2)).toBeLessThan(0.01);
    // samples z ~ N(0, I) must have the data's covariance B^T B: compare its projection on the patterns
    const cov = tf.tidy(() => tf.matMul(tf.matMul(patterns, p.basis, false, true), tf.matMul(patterns, p.basis, false, true), false, true));
    const want = tf.tidy(() => {
      const xc = images.reshape([n, 64 * 64]).sub(p.mean);
      const proj = tf.matMul(xc, patterns, false, true);
      return tf.matMul(proj, proj, true, false).div(n - 1);
    });
    const [got, exp] = [await cov.data(), await want.data()];
    got.forEach((v, i) => expect(v).toBeCloseTo(exp[i], 4));
    const z = tf.zeros([3, 2]) as tf.Tensor2D;
    const img = generateLinear(p, z);
    expect(img.shape).toEqual([3, 64, 64, 1]);
    tf.dispose([img, z, mean, cov, want, images, patterns]);
    disposeLinearPrior(p);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('projects generated faces back onto the latents that made them', async () => {
    await selectBackend('wasm');
    const images = tf.tidy(() => tf.randomNormal([30, 64, 64, 1], 0, 0.5, 'float32', 7) as tf.Tensor4D);
    const p = await fitLinearPrior(images, 5, 2);
    const before = tf.memory().numTensors;
    const z = tf.tensor2d([0.5, -1, 2, 0, 0.3, -0.2, 1.5, -2.5, 0.1, 1], [2, 5]);
    const x = generateLinear(p, z);
    const back = await projectLinear(p, x);
    Array.from(z.dataSync()).forEach((v, i) => expect(back[i]).toBeCloseTo(v, 2));
    tf.dispose([z, x]);
    expect(tf.memory().numTensors).toBe(before);
    disposeLinearPrior(p);
    images.dispose();
  });
});
