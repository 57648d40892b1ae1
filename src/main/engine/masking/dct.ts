/**
 * The 8x8 block DCT-II (orthonormal) as matrix products, since tfjs has no DCT op (DESIGN.md
 * section 3): exact, differentiable and fast. Coefficients are regrouped by frequency into
 * channels: an SxS plane becomes [S/8, S/8, 64], channel = raster position u*8+v (0 = DC).
 */
import * as tf from '@tensorflow/tfjs';

export const BLOCK = 8;
export const COEFFS = BLOCK * BLOCK;

/** Orthonormal DCT-II basis D[u, i] = a(u) cos((2i + 1) u pi / 16). */
export function dctMatrix(): Float32Array {
  const d = new Float32Array(COEFFS);
  for (let u = 0; u < BLOCK; u++) {
    const a = u === 0 ? Math.sqrt(1 / BLOCK) : Math.sqrt(2 / BLOCK);
    for (let i = 0; i < BLOCK; i++) d[u * BLOCK + i] = a * Math.cos(((2 * i + 1) * u * Math.PI) / (2 * BLOCK));
  }
  return d;
}

/** The 64x64 Kronecker basis K[(u,v), (i,j)] = D[u,i] D[v,j], so vec(D X D^T) = K vec(X). */
export function kroneckerBasis(): Float32Array {
  const d = dctMatrix();
  const k = new Float32Array(COEFFS * COEFFS);
  for (let u = 0; u < BLOCK; u++)
    for (let v = 0; v < BLOCK; v++)
      for (let i = 0; i < BLOCK; i++)
        for (let j = 0; j < BLOCK; j++) k[(u * BLOCK + v) * COEFFS + i * BLOCK + j] = d[u * BLOCK + i] * d[v * BLOCK + j];
  return k;
}

let basis: tf.Tensor2D | null = null;
/** The cached Kronecker basis tensor (kept for the process's lifetime). */
export function basisTensor(): tf.Tensor2D {
  if (!basis || basis.isDisposed) basis = tf.keep(tf.tensor2d(kroneckerBasis(), [COEFFS, COEFFS]));
  return basis;
}

/** `[N, S, S, P]` planes -> `[N*(S/8)^2, P*64]`: one row per block, its pixels plane-major then raster. */
function blockRows(planes: tf.Tensor4D): tf.Tensor2D {
  const [n, s, , p] = planes.shape;
  if (s % BLOCK !== 0) throw new RangeError(`image side ${s} is not a multiple of ${BLOCK}`);
  const b = s / BLOCK;
  return planes.reshape([n, b, BLOCK, b, BLOCK, p]).transpose([0, 1, 3, 5, 2, 4]).reshape([n * b * b, p * COEFFS]);
}

/** `[N, S, S, P]` planes -> `[N, S/8, S/8, P*64]` coefficients (channel = p*64 + u*8 + v). */
export function blockDct(planes: tf.Tensor4D): tf.Tensor4D {
  const [n, s, , p] = planes.shape;
  const b = s / BLOCK;
  return tf.tidy(() => tf.matMul(blockRows(planes).reshape([n * b * b * p, COEFFS]), basisTensor(), false, true).reshape([n, b, b, p * COEFFS]));
}

/**
 * `[N, S, S, P]` planes -> `[N, S/8, S/8, C]`: each block's `P*64` pixels (plane-major, then
 * raster) times `matrix [P*64, C]`. With columns taken from the Kronecker basis this is the block
 * DCT, channel selection and any per-channel scaling in one matMul (see `maskingMatrix`).
 */
export function projectBlocks(planes: tf.Tensor4D, matrix: tf.Tensor2D): tf.Tensor4D {
  const [n, s] = planes.shape;
  const b = s / BLOCK;
  return tf.tidy(() => tf.matMul(blockRows(planes), matrix).reshape([n, b, b, matrix.shape[1]]));
}

/** The exact inverse of `blockDct`. */
export function inverseBlockDct(coeffs: tf.Tensor4D): tf.Tensor4D {
  const [n, b, , c] = coeffs.shape;
  const p = c / COEFFS;
  return tf.tidy(() =>
    tf
      .matMul(coeffs.reshape([n * b * b * p, COEFFS]), basisTensor())
      .reshape([n, b, b, p, BLOCK, BLOCK])
      .transpose([0, 1, 4, 2, 5, 3])
      .reshape([n, b * BLOCK, b * BLOCK, p]),
  );
}
