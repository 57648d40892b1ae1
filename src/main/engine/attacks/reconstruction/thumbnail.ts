/**
 * The reconstruction attack's low-resolution stage [ours]: a ridge regression, fitted on the target
 * dataset's own public identities, from where each 8x8 block's kept channels carry energy (and the
 * decoder's block means) to the face's block means (an S/8 x S/8 thumbnail); the thumbnail,
 * averaged over the leaked samples of one exported identity and up-sampled bilinearly, supplies
 * the removed channels. Plain frequency masking only. Scored on public identities left out in turn.
 * The judge is shown the same image with its (exact) kept channels amplified [ours, chosen on public faces].
 */
import * as tf from '@tensorflow/tfjs';
import { toPlanes } from '../../masking/front-end.ts';
import { assemblePixels, planeCoefficients, type AttackerView } from './frequency.ts';

/**
 * Ridge weight, the fewest own public faces the stage needs, and the gain on the kept channels of
 * the image the judge is shown (the estimate itself, which PSNR/SSIM score, keeps gain 1)
 * [ours: chosen on ORL's public identities, README].
 */
export const THUMBNAIL = { lambda: 100, minFaces: 20, epsilon: 1e-3, judgeGain: 6 } as const;

/** Per block and plane: log mean |kept coefficient| (+ epsilon), centred per image and plane. `[N, B, B, K]` (ascending) -> `[N, B*B*planes]`. */
export function energyFeatures(kept: tf.Tensor4D, view: AttackerView): tf.Tensor2D {
  return tf.tidy(() => {
    const [n, b, , k] = kept.shape;
    const p = view.planes;
    const avg = new Float32Array(k * p);
    const per = Array.from({ length: p }, (_, q) => view.kept.filter((ch) => Math.floor(ch / 64) === q).length);
    view.kept.forEach((ch, j) => (avg[j * p + Math.floor(ch / 64)] = 1 / per[Math.floor(ch / 64)]));
    const e = tf.matMul(kept.abs().reshape([n * b * b, k]), tf.tensor2d(avg, [k, p])).add(THUMBNAIL.epsilon).log().reshape([n, b * b, p]);
    return e.sub(e.mean(1, true)).reshape([n, b * b * p]) as tf.Tensor2D;
  });
}

/** Block means of pixels `[N, S, S, C]` 0..255 in the front end's planes: `{ centred [N, B*B*planes], mean [N, planes] }`. */
export function blockMeans(pixels: tf.Tensor4D): { centred: tf.Tensor2D; mean: tf.Tensor2D } {
  return tf.tidy(() => {
    const planes = toPlanes(pixels);
    const [n, s, , p] = planes.shape;
    const b = s / 8;
    const m = tf.avgPool(planes, 8, 8, 'valid').reshape([n, b * b, p]);
    const mean = m.mean(1, true);
    return { centred: m.sub(mean).reshape([n, b * b * p]) as tf.Tensor2D, mean: mean.reshape([n, p]) as tf.Tensor2D };
  });
}

/** Solves `(A^T A + lambda I) W = A^T Y` by Cholesky; A `[n, d]`, Y `[n, t]` row-major. Hand-written: tfjs has no linear solver. */
export function ridgeSolve(a: Float64Array, y: Float64Array, n: number, d: number, t: number, lambda: number): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) { const v = a[r * d + i]; if (v !== 0) for (let j = 0; j <= i; j++) g[i * d + j] += v * a[r * d + j]; }
  for (let i = 0; i < d; i++) g[i * d + i] += lambda;
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < j; k++) g[j * d + j] -= g[j * d + k] ** 2;
    g[j * d + j] = Math.sqrt(g[j * d + j]);
    for (let i = j + 1; i < d; i++) {
      let s = g[i * d + j];
      for (let k = 0; k < j; k++) s -= g[i * d + k] * g[j * d + k];
      g[i * d + j] = s / g[j * d + j];
    }
  }
  const w = new Float64Array(d * t);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) { const v = a[r * d + i]; if (v !== 0) for (let c = 0; c < t; c++) w[i * t + c] += v * y[r * t + c]; }
  for (let c = 0; c < t; c++) {
    for (let i = 0; i < d; i++) { let s = w[i * t + c]; for (let k = 0; k < i; k++) s -= g[i * d + k] * w[k * t + c]; w[i * t + c] = s / g[i * d + i]; }
    for (let i = d - 1; i >= 0; i--) { let s = w[i * t + c]; for (let k = i + 1; k < d; k++) s -= g[k * d + i] * w[k * t + c]; w[i * t + c] = s / g[i * d + i]; }
  }
  return w;
}

/** A fitted ridge map: column means of features and targets and the weights. */
export interface Ridge { mu: Float64Array; tm: Float64Array; w: Float64Array; d: number; t: number }

const colMeans = (x: ArrayLike<number>, rows: readonly number[], d: number): Float64Array => {
  const m = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) m[i] += x[r * d + i] / rows.length;
  return m;
};
const centredRows = (x: ArrayLike<number>, rows: readonly number[], m: Float64Array): Float64Array => {
  const out = new Float64Array(rows.length * m.length);
  rows.forEach((r, k) => m.forEach((v, i) => (out[k * m.length + i] = x[r * m.length + i] - v)));
  return out;
};

/** Fits features `[n, d]` -> targets `[n, t]` on `rows`. */
export function fitRidge(f: ArrayLike<number>, y: ArrayLike<number>, dims: { d: number; t: number }, rows: readonly number[], lambda: number): Ridge {
  const mu = colMeans(f, rows, dims.d);
  const tm = colMeans(y, rows, dims.t);
  return { mu, tm, w: ridgeSolve(centredRows(f, rows, mu), centredRows(y, rows, tm), rows.length, dims.d, dims.t, lambda), d: dims.d, t: dims.t };
}

/** Predictions `[n, t]` for features `[n, d]`. */
export function predictRidge(m: Ridge, f: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n * m.t);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < m.t; c++) out[r * m.t + c] = m.tm[c];
    for (let i = 0; i < m.d; i++) { const v = f[r * m.d + i] - m.mu[i]; if (v !== 0) for (let c = 0; c < m.t; c++) out[r * m.t + c] += v * m.w[i * m.t + c]; }
  }
  return out;
}

/**
 * R^2 of the targets when each public identity is predicted by the map fitted on the others, and
 * of the others' mean thumbnail (the baseline the features must beat): the stage's own check.
 */
export function leaveIdentityOut(f: ArrayLike<number>, y: ArrayLike<number>, dims: { d: number; t: number }, labels: readonly number[], lambda: number): { r2: number; meanOnlyR2: number } {
  const n = labels.length;
  const all = colMeans(y, labels.map((_, i) => i), dims.t);
  let sse = 0, base = 0, sst = 0;
  for (const id of new Set(labels)) {
    const train = labels.flatMap((l, i) => (l === id ? [] : [i]));
    const test = labels.flatMap((l, i) => (l === id ? [i] : []));
    const m = fitRidge(f, y, dims, train, lambda);
    const p = predictRidge(m, Float64Array.from(test.flatMap((r) => Array.from({ length: dims.d }, (_, i) => f[r * dims.d + i]))), test.length);
    test.forEach((r, k) => { for (let c = 0; c < dims.t; c++) { const v = y[r * dims.t + c]; sse += (p[k * dims.t + c] - v) ** 2; base += (m.tm[c] - v) ** 2; sst += (v - all[c]) ** 2; } });
  }
  return n ? { r2: 1 - sse / sst, meanOnlyR2: 1 - base / sst } : { r2: NaN, meanOnlyR2: NaN };
}

/** Averages rows `[n, t]` over rows of the same label (the leaked set's exported identity folders). */
export function poolByLabel(p: Float64Array, labels: readonly number[], t: number): Float64Array {
  const sums = new Map<number, { v: Float64Array; n: number }>();
  labels.forEach((l, r) => {
    const s = sums.get(l) ?? { v: new Float64Array(t), n: 0 };
    for (let c = 0; c < t; c++) s.v[c] += p[r * t + c];
    s.n++;
    sums.set(l, s);
  });
  const out = new Float64Array(p.length);
  labels.forEach((l, r) => { const s = sums.get(l)!; for (let c = 0; c < t; c++) out[r * t + c] = s.v[c] / s.n; });
  return out;
}

/**
 * Pixels `[N, S, S, C]` from kept channels `[N, B, B, K]` (ascending) and thumbnails `[N, B*B*planes]`
 * (centred) plus a plane mean `[planes]`; `keptGain` scales the kept channels (then clipped to 0..255).
 */
export function pixelsFromThumbnails(kept: tf.Tensor4D, thumbs: Float64Array, mean: readonly number[], view: AttackerView, keptGain = 1): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, b] = kept.shape;
    const small = tf.tensor4d(Float32Array.from(thumbs), [n, b, b, view.planes]).add(tf.tensor1d([...mean])) as tf.Tensor4D;
    const up = tf.image.resizeBilinear(small, [b * 8, b * 8], false, true);
    const removed = planeCoefficients(up, view.removed, view.planes);
    return keptGain === 1 ? assemblePixels(kept, removed, view) : (assemblePixels(kept.mul(keptGain) as tf.Tensor4D, removed, view).clipByValue(0, 255) as tf.Tensor4D);
  });
}

/** What the stage sees: kept channels (ascending) and the decoder's reconstructions, of the own public faces and of the leaked samples. */
export interface ThumbnailInputs {
  publicPixels: tf.Tensor4D;
  publicKept: tf.Tensor4D;
  publicDecoded: tf.Tensor4D;
  publicLabels: readonly number[];
  leakedKept: tf.Tensor4D;
  leakedDecoded: tf.Tensor4D;
  /** the leaked samples' exported labels (pooling) */
  leakedLabels: readonly number[];
}

/** The stage's record: its settings and its leave-one-identity-out check on the public faces. */
export interface ThumbnailRecord { lambda: number; publicFaces: number; features: string; pooled: boolean; heldOutR2: number; meanOnlyR2: number; judgeGain: number }

/** Energy features beside the decoder's block means, scaled to the energy features' spread (on the public faces) [ours]. */
async function features(kept: tf.Tensor4D, decoded: tf.Tensor4D, view: AttackerView, scale: number | null): Promise<{ f: Float32Array; d: number; scale: number }> {
  const e = energyFeatures(kept, view);
  const bm = blockMeans(decoded);
  const [fe, fd] = await Promise.all([e.data() as Promise<Float32Array>, bm.centred.data() as Promise<Float32Array>]);
  tf.dispose([e, bm.centred, bm.mean]);
  const s = scale ?? std(fe) / Math.max(std(fd), 1e-9);
  const n = kept.shape[0];
  const de = fe.length / n;
  const dd = fd.length / n;
  const f = new Float32Array(n * (de + dd));
  for (let r = 0; r < n; r++) {
    f.set(fe.subarray(r * de, (r + 1) * de), r * (de + dd));
    for (let i = 0; i < dd; i++) f[r * (de + dd) + de + i] = s * fd[r * dd + i];
  }
  return { f, d: de + dd, scale: s };
}

function std(x: Float32Array): number {
  const m = x.reduce((s, v) => s + v, 0) / x.length;
  return Math.sqrt(x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length);
}

/** Reconstructed pixels `[N, S, S, C]` of the leaked samples, the image the judge is shown (kept channels x `judgeGain`), and the stage's record. */
export async function thumbnailStage(inp: ThumbnailInputs, view: AttackerView): Promise<{ pixels: tf.Tensor4D; judgePixels: tf.Tensor4D; record: ThumbnailRecord }> {
  const pub = await features(inp.publicKept, inp.publicDecoded, view, null);
  const leak = await features(inp.leakedKept, inp.leakedDecoded, view, pub.scale);
  const bm = blockMeans(inp.publicPixels);
  const meanOf = tf.tidy(() => bm.mean.mean(0));
  const [target, means] = [(await bm.centred.data()) as Float32Array, (await meanOf.data()) as Float32Array];
  tf.dispose([bm.centred, bm.mean, meanOf]);
  const dims = { d: pub.d, t: target.length / inp.publicLabels.length };
  const check = leaveIdentityOut(pub.f, target, dims, inp.publicLabels, THUMBNAIL.lambda);
  const model = fitRidge(pub.f, target, dims, inp.publicLabels.map((_, i) => i), THUMBNAIL.lambda);
  const thumbs = poolByLabel(predictRidge(model, leak.f, inp.leakedLabels.length), inp.leakedLabels, dims.t);
  const pixels = pixelsFromThumbnails(inp.leakedKept, thumbs, Array.from(means), view);
  const judgePixels = pixelsFromThumbnails(inp.leakedKept, thumbs, Array.from(means), view, THUMBNAIL.judgeGain);
  const record = { lambda: THUMBNAIL.lambda, publicFaces: inp.publicLabels.length, features: 'log block energy of the kept channels + the decoder\'s block means', pooled: true, heldOutR2: check.r2, meanOnlyR2: check.meanOnlyR2, judgeGain: THUMBNAIL.judgeGain };
  return { pixels, judgePixels, record };
}
