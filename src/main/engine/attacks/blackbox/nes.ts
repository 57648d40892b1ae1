/**
 * Query-only latent search for the black-box attack [ours, in the spirit of black-box model
 * inversion by natural evolution strategies (Wierstra et al. JMLR 2014; antithetic sampling and
 * centred-rank fitness as in Salimans et al. 2017)]: per identity k, the public faces the target
 * scores highest for k (PLG-MI's top-n pseudo-labels) are projected into the linear face prior and
 * moved, by queries only, to maximise lambda * log p_k(x(z)) - |z|^2 / 2 (GMI's objective, its
 * realism term the Gaussian's). Kept: the highest-scoring of the searched faces and those public faces.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../../data/synth/random.ts';
import { generateLinear, projectLinear, type LinearPrior } from '../gan/linear-prior.ts';
import { toGanImages, toPixels } from '../gan/nets.ts';
import type { Candidates, InversionHooks } from '../whitebox/gmi.ts';
import { topNPerClass } from './plg.ts';
import type { QueryTarget } from './query-target.ts';

export interface NesConfig {
  /** starting points per identity: its top-scoring public faces */
  restarts: number;
  steps: number;
  /** antithetic pairs per latent and step (2 * pairs queries) */
  pairs: number;
  /** search radius in latent units (the prior's z ~ N(0, I)) */
  sigma: number;
  /** Adam step size on z */
  lr: number;
  /** weight of the identity term (GMI: 100) */
  lambda: number;
  keep: number;
  /** latents searched together (bounds memory: chunk * 2 * pairs images at a time) */
  chunk: number;
  seed: number;
}

export interface NesResult {
  candidates: Candidates[];
  queries: number;
  /** how many kept candidates are searched faces (the rest are the public faces themselves) */
  searchedKept: number;
  /** per identity, the public faces alone kept the same way (what the search adds is measured against it) */
  topPublic: Candidates[];
}

/** Pixels `[n, size, size, C]` (0..255, plain array) of latents `[n, k]`. */
async function render(prior: LinearPrior, z: Float32Array, n: number, size: number): Promise<Float32Array> {
  const px = tf.tidy(() => toPixels(generateLinear(prior, tf.tensor2d(z, [n, prior.latent])), size).clipByValue(0, 255));
  const out = (await px.data()) as Float32Array;
  px.dispose();
  return out;
}

/** The objective of each latent from the target's probabilities of its identity. */
function fitness(z: Float32Array, d: number, probs: Float32Array, classes: number, ids: number[], lambda: number): Float64Array {
  return Float64Array.from(ids, (id, i) => {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += z[i * d + j] ** 2;
    return lambda * Math.log(Math.max(probs[i * classes + id], 1e-30)) - sq / 2;
  });
}

/** Centred ranks in [-0.5, 0.5] (Salimans et al. 2017), highest fitness highest. */
export function centredRanks(f: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: f.length }, (_, i) => i).sort((a, b) => f[a] - f[b] || a - b);
  const u = new Float64Array(f.length);
  order.forEach((i, r) => (u[i] = f.length > 1 ? r / (f.length - 1) - 0.5 : 0));
  return u;
}

interface Adam {
  m: Float64Array;
  v: Float64Array;
  t: number;
}

/** One NES step of every latent in `z` (identities `ids`): queries 2 * pairs perturbations each, then an Adam ascent step. */
async function nesStep(prior: LinearPrior, target: QueryTarget, z: Float32Array, ids: number[], adam: Adam, cfg: NesConfig, stepSeed: number): Promise<void> {
  const d = prior.latent;
  const n = ids.length;
  const p = cfg.pairs;
  const epsT = tf.randomNormal([n * p, d], 0, 1, 'float32', stepSeed);
  const eps = (await epsT.data()) as Float32Array;
  epsT.dispose();
  const probe = new Float32Array(n * 2 * p * d);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < 2 * p; s++) {
      const e = eps.subarray((i * p + (s >> 1)) * d, (i * p + (s >> 1) + 1) * d);
      const sign = s % 2 === 0 ? 1 : -1;
      for (let j = 0; j < d; j++) probe[(i * 2 * p + s) * d + j] = z[i * d + j] + sign * cfg.sigma * e[j];
    }
  const probs = await target.query(await render(prior, probe, n * 2 * p, target.size), n * 2 * p);
  const f = fitness(probe, d, probs, target.classes, ids.flatMap((id) => Array.from({ length: 2 * p }, () => id)), cfg.lambda);
  adam.t++;
  for (let i = 0; i < n; i++) {
    const u = centredRanks(f.subarray(i * 2 * p, (i + 1) * 2 * p));
    for (let j = 0; j < d; j++) {
      let g = 0;
      for (let s = 0; s < 2 * p; s++) g += u[s] * (s % 2 === 0 ? 1 : -1) * eps[(i * p + (s >> 1)) * d + j];
      g /= 2 * p * cfg.sigma;
      const k = i * d + j;
      adam.m[k] = 0.9 * adam.m[k] + 0.1 * g;
      adam.v[k] = 0.999 * adam.v[k] + 0.001 * g * g;
      const step = (cfg.lr * adam.m[k]) / (1 - 0.9 ** adam.t) / (Math.sqrt(adam.v[k] / (1 - 0.999 ** adam.t)) + 1e-8);
      z[k] = Math.min(3, Math.max(-3, z[k] + step));
    }
  }
}

/** Searches one chunk of latents; returns their final pixels and target probabilities of their identity; null when stopped. */
async function searchChunk(prior: LinearPrior, target: QueryTarget, z: Float32Array, ids: number[], cfg: NesConfig, chunkSeed: number, hooks: InversionHooks & { tick: () => Promise<void> }): Promise<{ pixels: Float32Array; score: number[] } | null> {
  const adam: Adam = { m: new Float64Array(z.length), v: new Float64Array(z.length), t: 0 };
  for (let step = 0; step < cfg.steps; step++) {
    if (hooks.signal?.aborted || hooks.shouldStop?.()) return null;
    await nesStep(prior, target, z, ids, adam, cfg, hashSeed(cfg.seed, chunkSeed, step, 0x4e5));
    await hooks.tick();
  }
  const pixels = await render(prior, z, ids.length, target.size);
  const probs = await target.query(pixels, ids.length);
  return { pixels, score: ids.map((id, i) => probs[i * target.classes + id]) };
}

interface Pool {
  identity: number;
  pixels: Float32Array;
  score: number;
  searched: boolean;
}

/** Runs the search for each identity over public pixels `[count, S, S, C]` (0..255); null when stopped. */
export async function invertNes(prior: LinearPrior, pub: { pixels: Float32Array; count: number }, target: QueryTarget, identities: number[], cfg: NesConfig, hooks: InversionHooks = {}): Promise<NesResult | null> {
  const per = target.size * target.size * target.channels;
  const probs = await target.query(pub.pixels, pub.count);
  const top = topNPerClass(probs, pub.count, target.classes, cfg.restarts);
  const pairs = identities.flatMap((id) => top[id].map((row) => ({ id, row })));
  const pool: Pool[] = pairs.map(({ id, row }) => ({ identity: id, pixels: pub.pixels.subarray(row * per, (row + 1) * per), score: probs[row * target.classes + id], searched: false }));
  const total = Math.ceil(pairs.length / cfg.chunk) * cfg.steps;
  let done = 0;
  const tick = async (): Promise<void> => hooks.onProgress?.(++done, total);
  for (let c = 0; c * cfg.chunk < pairs.length; c++) {
    const part = pairs.slice(c * cfg.chunk, (c + 1) * cfg.chunk);
    const faces = tf.tidy(() => {
      const buf = new Float32Array(part.length * per);
      part.forEach((q, i) => buf.set(pub.pixels.subarray(q.row * per, (q.row + 1) * per), i * per));
      return toGanImages(tf.tensor4d(buf, [part.length, target.size, target.size, target.channels]));
    });
    const z = (await projectLinear(prior, faces)).map((v) => Math.min(3, Math.max(-3, v)));
    faces.dispose();
    const r = await searchChunk(prior, target, z, part.map((q) => q.id), cfg, c, { ...hooks, tick });
    if (!r) return null;
    part.forEach((q, i) => pool.push({ identity: q.id, pixels: r.pixels.subarray(i * per, (i + 1) * per), score: r.score[i], searched: true }));
  }
  const pick = (identity: number, from: Pool[]): Candidates & { searched: number } => {
    const kept = from.filter((p) => p.identity === identity).sort((a, b) => b.score - a.score).slice(0, cfg.keep);
    const pixels = new Float32Array(kept.length * per);
    kept.forEach((k, i) => pixels.set(k.pixels, i * per));
    return { identity, pixels, confidence: kept.map((k) => k.score), searched: kept.filter((k) => k.searched).length };
  };
  const strip = ({ searched: _, ...c }: Candidates & { searched: number }): Candidates => c;
  const candidates = identities.map((id) => pick(id, pool));
  return {
    candidates: candidates.map(strip),
    queries: target.queries,
    searchedKept: candidates.reduce((s, c) => s + c.searched, 0),
    topPublic: identities.map((id) => strip(pick(id, pool.filter((p) => !p.searched)))),
  };
}
