/**
 * Judge scoring (DESIGN.md 6), pure functions on descriptor arrays: identity centroids of the
 * private training images, Acc@1/Acc@5 of candidates by nearest centroid, the KNN distance (the
 * smallest descriptor distance to a private image of the target identity), and PSNR/SSIM of each
 * candidate to its source image (or, without one, to that nearest private image). Attacks of
 * every kind (reconstruction here, the GAN attacks of #12) score through `scoreReconstructions`.
 */
import { psnr, ssim } from '../metrics/image-metrics.ts';

/** The private identities as the judge sees them: descriptors of their training images. */
export interface Gallery {
  dim: number;
  /** `[n, dim]` descriptors of the private training images */
  embeddings: Float32Array;
  /** class (0..classes-1) of each image */
  labels: Int32Array;
  classes: number;
  /** the images themselves `[n, size, size, channels]` 0..255 (for PSNR/SSIM to the nearest) */
  pixels: Uint8Array | Float32Array;
  size: number;
  channels: number;
}

/** One candidate reconstruction of a target identity. */
export interface Candidate {
  /** target class */
  label: number;
  /** `[dim]` judge descriptor */
  embedding: Float32Array;
  /** `[size, size, channels]` 0..255 */
  pixels: ArrayLike<number>;
  /** index into the gallery of the image it reconstructs, when known (reconstruction attack) */
  source?: number;
}

export interface IdentityScore {
  label: number;
  candidates: number;
  acc1: number;
  acc5: number;
  knnDist: number;
  /** null when every candidate is exact */
  psnr: number | null;
  ssim: number;
}

export interface ReconstructionScore {
  acc1: number;
  acc5: number;
  knnDist: number;
  /** mean PSNR in dB (infinite values excluded); null when every candidate is exact */
  psnr: number | null;
  ssim: number;
  perIdentity: IdentityScore[];
}

function dist(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = a[ai * dim + k] - b[bi * dim + k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Mean descriptor per class `[classes, dim]`. */
export function centroids(g: Pick<Gallery, 'dim' | 'embeddings' | 'labels' | 'classes'>): Float32Array {
  const c = new Float32Array(g.classes * g.dim);
  const counts = new Float64Array(g.classes);
  g.labels.forEach((label, i) => {
    counts[label]++;
    for (let k = 0; k < g.dim; k++) c[label * g.dim + k] += g.embeddings[i * g.dim + k];
  });
  for (let l = 0; l < g.classes; l++) for (let k = 0; k < g.dim; k++) c[l * g.dim + k] /= Math.max(1, counts[l]);
  return c;
}

/** Rank (0 = nearest) of `label`'s centroid among all centroids for one descriptor. */
export function centroidRank(embedding: Float32Array, cents: Float32Array, label: number, dim: number): number {
  const own = dist(embedding, 0, cents, label, dim);
  let rank = 0;
  for (let l = 0; l < cents.length / dim; l++) if (l !== label && dist(embedding, 0, cents, l, dim) < own) rank++;
  return rank;
}

/** Nearest private image of `label` in judge space: its gallery index and distance. */
export function nearestOfIdentity(g: Gallery, embedding: Float32Array, label: number): { index: number; distance: number } {
  let best = { index: -1, distance: Infinity };
  g.labels.forEach((l, i) => {
    if (l !== label) return;
    const d = dist(embedding, 0, g.embeddings, i, g.dim);
    if (d < best.distance) best = { index: i, distance: d };
  });
  return best;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

/** Scores candidates per identity and overall (means over candidates). */
export function scoreReconstructions(g: Gallery, candidates: readonly Candidate[]): ReconstructionScore {
  const cents = centroids(g);
  const stride = g.size * g.size * g.channels;
  const rows = candidates.map((c) => {
    const rank = centroidRank(c.embedding, cents, c.label, g.dim);
    const nearest = nearestOfIdentity(g, c.embedding, c.label);
    const ref = c.source ?? nearest.index;
    const image = { data: g.pixels.subarray(ref * stride, (ref + 1) * stride), size: g.size, channels: g.channels };
    const cand = { data: c.pixels, size: g.size, channels: g.channels };
    return { label: c.label, top1: rank === 0 ? 1 : 0, top5: rank < 5 ? 1 : 0, knn: nearest.distance, psnr: psnr(cand, image), ssim: ssim(cand, image) };
  });
  const finitePsnr = (rs: typeof rows): number | null => {
    const f = rs.map((r) => r.psnr).filter(Number.isFinite);
    return f.length ? mean(f) : null;
  };
  const labels = [...new Set(rows.map((r) => r.label))].sort((a, b) => a - b);
  const perIdentity = labels.map((label) => {
    const rs = rows.filter((r) => r.label === label);
    return { label, candidates: rs.length, acc1: mean(rs.map((r) => r.top1)), acc5: mean(rs.map((r) => r.top5)), knnDist: mean(rs.map((r) => r.knn)), psnr: finitePsnr(rs), ssim: mean(rs.map((r) => r.ssim)) };
  });
  return {
    acc1: mean(rows.map((r) => r.top1)),
    acc5: mean(rows.map((r) => r.top5)),
    knnDist: mean(rows.map((r) => r.knn)),
    psnr: finitePsnr(rows),
    ssim: mean(rows.map((r) => r.ssim)),
    perIdentity,
  };
}
