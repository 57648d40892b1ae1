/**
 * The locality checks of the reconstruction ceiling benchmark (bench/recon-ceiling.ts), on the luma
 * plane: a translation-invariant local ridge (each block's thumbnail value from the per-channel log
 * |kept| energies of its 3x3 or 5x5 block neighbourhood, weights shared over positions, a
 * position-specific mean; mirrored training faces) scored leave-one-identity-out, and the
 * correlation of signed kept coefficients with a block's half-mean differences (a gradient leak).
 */
import * as tf from '@tensorflow/tfjs';
import { coefficientsOf, type AttackerView } from '../src/main/engine/attacks/reconstruction/frequency.ts';
import { blockMeans } from '../src/main/engine/attacks/reconstruction/thumbnail.ts';
import { toPlanes } from '../src/main/engine/masking/front-end.ts';

/** Offset inside log(|c| + EPS) of the local features (pixel-scale coefficients) [ours, as the lead's prototype]. */
const EPS = 0.1;

/** Per-channel log |kept| of the luma plane, centred per image and channel, stacked over the `(2r+1)^2` neighbouring blocks (mirrored borders): `[n, B, B, K*(2r+1)^2]`. */
export function localFeatures(pixels: tf.Tensor4D, view: AttackerView, radius: number): tf.Tensor4D {
  return tf.tidy(() => {
    const luma = view.kept.filter((ch) => ch < 64);
    const e = coefficientsOf(pixels, luma, view.planes).abs().add(EPS).log();
    const c = e.sub(e.mean([1, 2], true)) as tf.Tensor4D;
    const [n, b, , k] = c.shape;
    const p = tf.mirrorPad(c, [[0, 0], [radius, radius], [radius, radius], [0, 0]], 'symmetric');
    const parts: tf.Tensor4D[] = [];
    for (let i = 0; i <= 2 * radius; i++) for (let j = 0; j <= 2 * radius; j++) parts.push(p.slice([0, i, j, 0], [n, b, b, k]));
    return tf.concat(parts, 3);
  });
}

/** Sufficient statistics of one identity's rows (features `a`, thumbnail value `t`, position `pos`). */
interface Stats { g: Float64Array; at: Float64Array; colSum: Float64Array; posSum: Float64Array; tSum: Float64Array; images: number; rows: number }

/** Luma thumbnails `[n, B*B]`, centred per image. */
function lumaThumbs(pixels: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const bm = blockMeans(pixels);
    const [n, w] = bm.centred.shape;
    const p = pixels.shape[3] === 1 ? 1 : 3;
    return bm.centred.reshape([n, w / p, p]).slice([0, 0, 0], [n, w / p, 1]).reshape([n, w / p]) as tf.Tensor2D;
  });
}

async function stats(feat: tf.Tensor4D, thumbs: tf.Tensor2D): Promise<Stats> {
  const [n, b, , f] = feat.shape;
  const ts = tf.tidy(() => {
    const a = feat.reshape([n * b * b, f]);
    const at = a.transpose(); // an explicit transpose: matMul's transposeA is ~40x slower on wasm (measured)
    return [tf.matMul(at, a), tf.matMul(at, thumbs.reshape([n * b * b, 1])), a.sum(0), feat.reshape([n, b * b, f]).sum(0), thumbs.sum(0)];
  });
  const [g, at, colSum, posSum, tSum] = (await Promise.all(ts.map((x) => x.data()))).map((d) => Float64Array.from(d as Float32Array));
  tf.dispose(ts);
  return { g, at, colSum, posSum, tSum, images: n, rows: n * b * b };
}

/** Solves `(G + lambda I) w = r` for symmetric positive definite G `[d, d]` (Cholesky). Hand-written: tfjs has no linear solver. */
export function choleskySolve(gIn: Float64Array, rhs: Float64Array, d: number, lambda: number): Float64Array {
  const l = Float64Array.from(gIn);
  for (let i = 0; i < d; i++) l[i * d + i] += lambda;
  for (let j = 0; j < d; j++) {
    let diag = l[j * d + j];
    for (let k = 0; k < j; k++) diag -= l[j * d + k] * l[j * d + k];
    l[j * d + j] = Math.sqrt(diag);
    for (let i = j + 1; i < d; i++) {
      let s = l[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = s / l[j * d + j];
    }
  }
  const y = Float64Array.from(rhs);
  for (let i = 0; i < d; i++) { for (let k = 0; k < i; k++) y[i] -= l[i * d + k] * y[k]; y[i] /= l[i * d + i]; }
  for (let i = d - 1; i >= 0; i--) { for (let k = i + 1; k < d; k++) y[i] -= l[k * d + i] * y[k]; y[i] /= l[i * d + i]; }
  return y;
}

/** The ridge fitted on the sum of `parts`: centred gram and right-hand side (targets minus the position mean), the feature mean and the position mean. */
function foldSystem(parts: readonly Stats[], f: number, bb: number): { g: Float64Array; r: Float64Array; mu: Float64Array; posMean: Float64Array } {
  const g = new Float64Array(f * f), r = new Float64Array(f), mu = new Float64Array(f), posMean = new Float64Array(bb), posSum = new Float64Array(bb * f);
  let rows = 0, images = 0;
  for (const s of parts) {
    s.g.forEach((v, i) => (g[i] += v));
    s.at.forEach((v, i) => (r[i] += v));
    s.colSum.forEach((v, i) => (mu[i] += v));
    s.tSum.forEach((v, i) => (posMean[i] += v));
    s.posSum.forEach((v, i) => (posSum[i] += v));
    rows += s.rows;
    images += s.images;
  }
  mu.forEach((_, i) => (mu[i] /= rows));
  posMean.forEach((_, i) => (posMean[i] /= images));
  for (let p = 0; p < bb; p++) for (let i = 0; i < f; i++) r[i] -= posSum[p * f + i] * posMean[p];
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) g[i * f + j] -= rows * mu[i] * mu[j];
  return { g, r, mu, posMean };
}

/**
 * Leave-one-identity-out R^2 of the local ridge for each lambda, and of its position mean alone (the
 * left-out identity predicted by the others' mean thumbnail, mirrored faces included); SST about the
 * mean thumbnail of all faces, as the stage's own check.
 */
export async function localRidgeR2(pixels: tf.Tensor4D, labels: readonly number[], view: AttackerView, radius: number, lambdas: readonly number[]): Promise<{ r2: number[]; positionMeanR2: number }> {
  const ids = [...new Set(labels)];
  const held: { a: Float32Array; t: Float32Array }[] = [];
  const parts: Stats[] = [];
  let f = 0, bb = 0;
  for (const id of ids) {
    const idx = tf.tensor1d(labels.flatMap((l, i) => (l === id ? [i] : [])), 'int32');
    const px = tf.gather(pixels, idx) as tf.Tensor4D;
    const both = tf.tidy(() => tf.concat([px, tf.reverse(px, 2)]) as tf.Tensor4D);
    const [feat, th, own, ownT] = [localFeatures(both, view, radius), lumaThumbs(both), localFeatures(px, view, radius), lumaThumbs(px)];
    parts.push(await stats(feat, th));
    held.push({ a: (await own.data()) as Float32Array, t: (await ownT.data()) as Float32Array });
    [f, bb] = [feat.shape[3], th.shape[1]];
    tf.dispose([idx, px, both, feat, th, own, ownT]);
  }
  const all = new Float64Array(bb);
  held.forEach((h) => h.t.forEach((v, i) => (all[i % bb] += v / labels.length)));
  const sst = held.reduce((s, h) => h.t.reduce((q, v, i) => q + (v - all[i % bb]) ** 2, s), 0);
  const systems = ids.map((_, k) => foldSystem(parts.filter((_, j) => j !== k), f, bb));
  const r2Of = (weights: (k: number) => Float64Array): number => {
    let sse = 0;
    systems.forEach((sys, k) => {
      const w = weights(k);
      const { a, t } = held[k];
      for (let row = 0; row < t.length; row++) {
        let p = sys.posMean[row % bb];
        for (let i = 0; i < f; i++) p += (a[row * f + i] - sys.mu[i]) * w[i];
        sse += (p - t[row]) ** 2;
      }
    });
    return 1 - sse / sst;
  };
  const r2 = lambdas.map((lambda) => r2Of((k) => choleskySolve(systems[k].g, systems[k].r, f, lambda)));
  return { r2, positionMeanR2: r2Of(() => new Float64Array(f)) };
}

/** Pearson correlations over all blocks of signed coefficients of luma `channels` with each block's right-minus-left (`gx`) and bottom-minus-top (`gy`) half-mean differences. */
export async function gradientCorrelations(pixels: tf.Tensor4D, channels: readonly number[], planes: number): Promise<{ channel: number; gx: number; gy: number }[]> {
  const out = tf.tidy(() => {
    const luma = toPlanes(pixels).slice([0, 0, 0, 0], [-1, -1, -1, 1]);
    const [n, s] = luma.shape;
    const b = s / 8;
    const blocks = luma.reshape([n, b, 8, b, 8]);
    const half = (axis: 2 | 4, lo: boolean): tf.Tensor => blocks.slice(axis === 2 ? [0, 0, lo ? 0 : 4, 0, 0] : [0, 0, 0, 0, lo ? 0 : 4], axis === 2 ? [-1, -1, 4, -1, -1] : [-1, -1, -1, -1, 4]).mean([2, 4]);
    const gx = half(4, false).sub(half(4, true)).reshape([-1]);
    const gy = half(2, false).sub(half(2, true)).reshape([-1]);
    const c = coefficientsOf(pixels, channels, planes).reshape([-1, channels.length]);
    const corr = (x: tf.Tensor, y: tf.Tensor): tf.Tensor => {
      const [xc, yc] = [x.sub(x.mean()), y.sub(y.mean())];
      return xc.mul(yc).sum().div(xc.square().sum().mul(yc.square().sum()).sqrt());
    };
    return tf.stack(channels.flatMap((_, k) => { const ck = c.slice([0, k], [-1, 1]).reshape([-1]); return [corr(ck, gx), corr(ck, gy)]; }));
  });
  const v = (await out.data()) as Float32Array;
  out.dispose();
  return channels.map((channel, k) => ({ channel, gx: v[2 * k], gy: v[2 * k + 1] }));
}
