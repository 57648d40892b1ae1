/**
 * A linear Gaussian face prior [ours, after eigenfaces (Turk & Pentland 1991) and probabilistic PCA
 * (Tipping & Bishop 1999)]: public faces x (64x64, [-1, 1]) modelled as x = mean + B z, z ~ N(0, I),
 * where B spans the faces' top-k principal subspace (randomised range finder, Halko et al. 2011,
 * one power iteration) and carries their covariance in it (Cholesky factor). Fitted in seconds where
 * a GAN needs tens of minutes of this CPU; its realism term is the Gaussian's -log p(z) = |z|^2 / 2.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../../data/synth/random.ts';
import { GAN_SIZE } from './nets.ts';

export interface LinearPrior {
  /** `[D]`, D = 64 * 64 * channels */
  mean: tf.Tensor1D;
  /** `[k, D]`: image = mean + z B */
  basis: tf.Tensor2D;
  latent: number;
  channels: 1 | 3;
}

/** Lower Cholesky factor of a symmetric positive-definite `[k, k]` matrix (row-major), jittered on the diagonal. */
export function cholesky(a: Float32Array | Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  const jitter = 1e-6 * Array.from({ length: k }, (_, i) => a[i * k + i]).reduce((s, v) => s + v, 0) / k;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * k + j] + (i === j ? jitter : 0);
      for (let p = 0; p < j; p++) sum -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * k + j];
    }
  }
  return l;
}

/** Orthonormal columns spanning `[rows, k]` (row-major), by classical Gram-Schmidt applied twice (CGS2; stable). */
export function orthonormalColumns(y: Float32Array, rows: number, k: number): Float32Array {
  const q = new Float64Array(rows * k);
  const col = new Float64Array(rows);
  for (let j = 0; j < k; j++) {
    for (let r = 0; r < rows; r++) col[r] = y[r * k + j];
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += q[r * k + i] * col[r];
        for (let r = 0; r < rows; r++) col[r] -= dot * q[r * k + i];
      }
    }
    const norm = Math.hypot(...col) || 1;
    for (let r = 0; r < rows; r++) q[r * k + j] = col[r] / norm;
  }
  return Float32Array.from(q);
}

/** Fits the prior on images `[N, 64, 64, C]` in [-1, 1] with `k` latent dimensions (k < N). */
export async function fitLinearPrior(images: tf.Tensor4D, k: number, seed: number): Promise<LinearPrior> {
  const [n, , , c] = images.shape;
  const d = GAN_SIZE * GAN_SIZE * c;
  const mean = tf.tidy(() => images.reshape([n, d]).mean(0) as tf.Tensor1D);
  const xc = tf.tidy(() => images.reshape([n, d]).sub(mean) as tf.Tensor2D);
  const range = tf.tidy(() => {
    // an explicit transpose: tfjs-wasm's matMul with transposeA took 38 s here instead of 1.7
    const xt = xc.transpose() as tf.Tensor2D;
    const omega = tf.randomNormal([n, k], 0, 1, 'float32', hashSeed(seed, 0x9ca)) as tf.Tensor2D;
    const y0 = tf.matMul(xt, omega); // [D, k]
    const y1 = tf.matMul(xt, tf.matMul(xc, y0)); // one power iteration
    return y1.div(tf.norm(y1, 'euclidean', 0)); // columns scaled alike before Gram-Schmidt
  });
  const q = tf.tensor2d(orthonormalColumns((await range.data()) as Float32Array, d, k), [d, k]);
  range.dispose();
  const cov = tf.tidy(() => {
    const coords = tf.matMul(xc, q); // [N, k]
    return tf.matMul(coords.transpose(), coords).div(n - 1);
  });
  xc.dispose();
  const l = cholesky((await cov.data()) as Float32Array, k);
  cov.dispose();
  const basis = tf.tidy(() => tf.matMul(q, tf.tensor2d(Float32Array.from(l), [k, k])).transpose() as tf.Tensor2D);
  q.dispose();
  return { mean, basis, latent: k, channels: c as 1 | 3 };
}

/** Latents `[M, k]` -> images `[M, 64, 64, C]` (not clipped: the GMI loss sees what the prior spans). */
export function generateLinear(p: LinearPrior, z: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => tf.matMul(z, p.basis).add(p.mean).reshape([z.shape[0], GAN_SIZE, GAN_SIZE, p.channels]) as tf.Tensor4D);
}

/**
 * Latents of images `[M, 64, 64, C]` in [-1, 1]: the least-squares z of `mean + z B` (normal
 * equations z (B B^T) = (x - mean) B^T, solved through the Cholesky factor of B B^T).
 */
export async function projectLinear(p: LinearPrior, images: tf.Tensor4D): Promise<Float32Array> {
  const m = images.shape[0];
  const k = p.latent;
  const [rhsT, gram] = tf.tidy(() => [tf.matMul(images.reshape([m, -1]).sub(p.mean), p.basis, false, true), tf.matMul(p.basis, p.basis, false, true)]);
  const rhs = (await rhsT.data()) as Float32Array;
  const l = cholesky((await gram.data()) as Float32Array, k);
  tf.dispose([rhsT, gram]);
  const out = new Float32Array(m * k);
  const y = new Float64Array(k);
  for (let r = 0; r < m; r++) {
    for (let i = 0; i < k; i++) {
      let sum = rhs[r * k + i];
      for (let j = 0; j < i; j++) sum -= l[i * k + j] * y[j];
      y[i] = sum / l[i * k + i];
    }
    for (let i = k - 1; i >= 0; i--) {
      let sum = y[i];
      for (let j = i + 1; j < k; j++) sum -= l[j * k + i] * out[r * k + j];
      out[r * k + i] = sum / l[i * k + i];
    }
  }
  return out;
}

export function disposeLinearPrior(p: LinearPrior): void {
  tf.dispose([p.mean, p.basis]);
}
