/**
 * White-box generative model inversion (GMI, Zhang et al. CVPR 2020, section 3.2): per target
 * identity k, latent codes z are optimised so that G(z), resized to the target's input and passed
 * through the target's own front end (key known: Kerckhoffs) and network, is classified as k,
 * plus the discriminator's realism prior: L(z) = -log sigmoid(D(G(z))) + lambda * CE(T(G(z)), k)
 * (GMI: lambda = 100). Several restarts per identity; the best by the target's confidence are kept.
 * [ours] Adam on z (GMI uses SGD with momentum), z clipped to [-2, 2] after each step (GMI: [-1, 1]),
 * all (identity, restart) pairs optimised together in chunks: their losses are independent.
 * [ours, after Plug & Play Attacks, Struppek et al. 2022] restarts start from the latents of a shared
 * random pool that the target already scores highest for the identity; the identity loss sees a
 * random view of each step's faces (views.ts); confidence for selection is averaged over fixed views.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../../models/params.ts';
import { discriminate, generate, toPixels, type GanConfig } from '../gan/nets.ts';
import { hashSeed, Rng } from '../../../data/synth/random.ts';
import { generateLinear, type LinearPrior } from '../gan/linear-prior.ts';
import { latents } from '../gan/train-gan.ts';
import { applyView, randomView, selectionViews } from './views.ts';

/** The attacked model as the white-box attacker holds it: pixels `[N, S, S, C]` (0..255) -> logits `[N, classes]`, differentiable. */
export interface WhiteboxTarget {
  classes: number;
  size: number;
  logits: (pixels: tf.Tensor4D) => tf.Tensor2D;
}

export interface WhiteboxConfig {
  restarts: number;
  steps: number;
  lr: number;
  /** weight of the identity loss against the realism prior (GMI: 100) */
  lambda: number;
  /**
   * the identity loss per face: GMI's cross-entropy of the target's softmax ('ce', absent: 'ce'),
   * or LOMMA's logit loss ('logit': minus the logit of the identity, which does not saturate once
   * the target is sure; with a cosine head, the scaled cosine to the identity's class centre)
   */
  loss?: 'ce' | 'logit';
  /** candidates kept per identity */
  keep: number;
  /** latents optimised together */
  chunk: number;
  /** random latents scored by the target once; each identity's restarts start from its best (0: random starts) */
  pool: number;
  /** random zoom-in of up to this fraction (and mirroring) of the faces the identity loss sees (0: none) */
  maxZoom: number;
  /**
   * threads [ours]: 2 = a helper thread distils every second student and runs the second half of
   * every chunk (whitebox/helper.ts); the candidates are the same as with 1 (absent: 1)
   */
  threads?: number;
  seed: number;
}

/** One piece of GMI work: latents `[n, latent]` of the identities `labels`, with their chunk's seed (its random views). */
export interface ChunkJob {
  labels: number[];
  init: Float32Array;
  chunkSeed: number;
}

export interface ChunkResult {
  pixels: Float32Array;
  confidence: Float32Array;
}

export interface Candidates {
  identity: number;
  /** `[keep, size, size, C]` pixels 0..255 at the target's input size, best first */
  pixels: Float32Array;
  /** the target's softmax probability of `identity` for each kept candidate */
  confidence: number[];
}

export interface InversionHooks {
  signal?: AbortSignal;
  /** polled between steps, like `signal` */
  shouldStop?: () => boolean;
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

/** The face prior GMI searches: the cached GAN (generator + discriminator), or the linear Gaussian prior (linear-prior.ts). */
export type Prior = { params: Params; gan: GanConfig } | { linear: LinearPrior };

interface LatentModel {
  latent: number;
  channels: 1 | 3;
  /** |z| bound per coordinate after each step */
  clip: number;
  generate(z: tf.Tensor2D): tf.Tensor4D;
  /** -log p(realistic) per face `[N]` */
  realism(z: tf.Tensor2D, images: tf.Tensor4D): tf.Tensor1D;
}

/** [ours] the linear prior's coordinates are standard normal: clipped at 3 (GMI clips its GAN's at 1; ours at 2). */
function latentModel(prior: Prior): LatentModel {
  if ('linear' in prior) {
    const p = prior.linear;
    return { latent: p.latent, channels: p.channels, clip: 3, generate: (z) => generateLinear(p, z), realism: (z) => z.square().sum(1).mul(0.5) as tf.Tensor1D };
  }
  const ctx = { params: prior.params, training: false };
  return {
    latent: prior.gan.latent,
    channels: prior.gan.channels,
    clip: 2,
    generate: (z) => generate(ctx, prior.gan, z),
    realism: (_z, images) => tf.softplus(discriminate(ctx, prior.gan, images).neg()) as tf.Tensor1D,
  };
}

/** Per-face identity loss `[N]` of logits `[N, classes]` for one-hot labels: cross-entropy (GMI) or minus the label's logit (LOMMA). */
export function identityLoss(logits: tf.Tensor2D, onehot: tf.Tensor2D, loss: 'ce' | 'logit'): tf.Tensor1D {
  return tf.tidy(() => (loss === 'logit' ? logits.mul(onehot).sum(1).neg() : tf.logSoftmax(logits).mul(onehot).sum(1).neg()) as tf.Tensor1D);
}

/** The target's softmax probability of each row's label, averaged over the selection views. */
function viewConfidence(target: WhiteboxTarget, px: tf.Tensor4D, onehot: tf.Tensor2D, maxZoom: number): tf.Tensor1D {
  return tf.tidy(() => {
    const views = maxZoom > 0 ? selectionViews(target.size, maxZoom) : [{ mirror: false, zoom: 1, dy: 0, dx: 0 }];
    const probs = views.map((v) => tf.softmax(target.logits(applyView(px, v))).mul(onehot).sum(1));
    return tf.addN(probs).div(views.length) as tf.Tensor1D;
  });
}

/** Optimises one chunk of latents from `init`; returns the final pixels and each latent's target confidence. */
async function invertChunk(prior: LatentModel, target: WhiteboxTarget, labels: number[], init: tf.Tensor2D, cfg: WhiteboxConfig, chunkSeed: number, hooks: InversionHooks & { tick: () => Promise<void> }): Promise<ChunkResult | null> {
  const z = tf.variable(init, true);
  const y = tf.tensor1d(labels, 'int32');
  const onehot = tf.tidy(() => tf.oneHot(y, target.classes).toFloat()) as tf.Tensor2D;
  const opt: tf.Optimizer = tf.train.adam(cfg.lr);
  const rng = new Rng(hashSeed(cfg.seed, chunkSeed, 0x71e3));
  try {
    for (let step = 0; step < cfg.steps; step++) {
      if (hooks.signal?.aborted || hooks.shouldStop?.()) return null;
      const view = cfg.maxZoom > 0 ? randomView(target.size, cfg.maxZoom, rng) : { mirror: false, zoom: 1, dy: 0, dx: 0 };
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const images = prior.generate(z as tf.Tensor2D);
          const prior_ = prior.realism(z as tf.Tensor2D, images);
          const logits = target.logits(applyView(toPixels(images, target.size), view));
          return prior_.add(identityLoss(logits, onehot, cfg.loss ?? 'ce').mul(cfg.lambda)).sum() as tf.Scalar;
        }, [z]);
        opt.applyGradients(grads);
        z.assign(z.clipByValue(-prior.clip, prior.clip) as tf.Tensor2D);
      });
      await hooks.tick();
    }
    const [pixels, conf] = tf.tidy(() => {
      const px = toPixels(prior.generate(z as tf.Tensor2D), target.size).clipByValue(0, 255) as tf.Tensor4D;
      return [px, viewConfidence(target, px, onehot, cfg.maxZoom)];
    });
    const out = { pixels: (await pixels.data()) as Float32Array, confidence: (await conf.data()) as Float32Array };
    tf.dispose([pixels, conf]);
    return out;
  } finally {
    tf.dispose([z, y, onehot]);
    opt.dispose();
  }
}

/** Starting latents `[pairs, latent]`: per identity, its best-scoring latents of a shared random pool (or fresh random ones). */
async function startingLatents(prior: LatentModel, target: WhiteboxTarget, pairs: number[], cfg: WhiteboxConfig): Promise<Float32Array> {
  const d = prior.latent;
  const n = Math.max(cfg.pool, 1);
  const pool = tf.tidy(() => latents(cfg.pool > 0 ? n : pairs.length, d, cfg.seed, 0, 0x9001).clipByValue(-prior.clip, prior.clip));
  const zs = (await pool.data()) as Float32Array;
  pool.dispose();
  if (cfg.pool <= 0) return zs;
  const probs = new Float32Array(n * target.classes);
  for (let i = 0; i < n; i += cfg.chunk) {
    const m = Math.min(cfg.chunk, n - i);
    const p = tf.tidy(() => tf.softmax(target.logits(toPixels(prior.generate(tf.tensor2d(zs.subarray(i * d, (i + m) * d), [m, d])), target.size))));
    probs.set((await p.data()) as Float32Array, i * target.classes);
    p.dispose();
  }
  const out = new Float32Array(pairs.length * d);
  const used = new Map<number, number>();
  pairs.forEach((id, k) => {
    const rank = used.get(id) ?? 0;
    used.set(id, rank + 1);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => probs[b * target.classes + id] - probs[a * target.classes + id] || a - b);
    const pick = order[rank % n];
    out.set(zs.subarray(pick * d, (pick + 1) * d), k * d);
  });
  return out;
}

/** Runs GMI on each job (a list of latents with its chunk's seed) in turn; null when cancelled. */
export async function invertJobs(face: Prior, target: WhiteboxTarget, jobs: readonly ChunkJob[], cfg: WhiteboxConfig, hooks: InversionHooks & { tick: () => Promise<void> }): Promise<ChunkResult[] | null> {
  const prior = latentModel(face);
  const out: ChunkResult[] = [];
  for (const job of jobs) {
    const init = tf.tensor2d(job.init, [job.labels.length, prior.latent]);
    const r = await invertChunk(prior, target, job.labels, init, cfg, job.chunkSeed, hooks);
    init.dispose();
    if (!r) return null;
    out.push(r);
  }
  return out;
}

/** Where the second half of every chunk goes when a helper thread shares the work (whitebox/helper.ts). */
export interface ChunkRunner {
  invert(jobs: ChunkJob[], cfg: WhiteboxConfig, onTick: () => Promise<void>): Promise<ChunkResult[]>;
}

/**
 * The (identity, restart) pairs in chunks of `cfg.chunk`, each chunk one job with the chunk's index
 * as its seed; with `split`, every chunk of two or more is cut into a first half (ours) and a second
 * half (the helper's) with the same seed: the latents' losses are independent and the random view
 * is drawn per chunk, so the halves compute what the whole chunk would [ours].
 */
function planJobs(pairs: number[], starts: Float32Array, d: number, cfg: WhiteboxConfig, split: boolean): { mine: ChunkJob[]; theirs: ChunkJob[]; mineAt: number[]; theirsAt: number[] } {
  const plan = { mine: [] as ChunkJob[], theirs: [] as ChunkJob[], mineAt: [] as number[], theirsAt: [] as number[] };
  const job = (from: number, to: number, chunkSeed: number): ChunkJob => ({ labels: pairs.slice(from, to), init: starts.slice(from * d, to * d), chunkSeed });
  for (let start = 0, index = 0; start < pairs.length; start += cfg.chunk, index++) {
    const end = Math.min(start + cfg.chunk, pairs.length);
    const cut = split && end - start >= 2 ? start + Math.ceil((end - start) / 2) : end;
    plan.mine.push(job(start, cut, index));
    plan.mineAt.push(start);
    if (cut < end) plan.theirs.push(job(cut, end, index)), plan.theirsAt.push(cut);
  }
  return plan;
}

/** Runs GMI for each identity (the second half of every chunk on `hooks.helper` when given); null when cancelled. */
export async function invertWhitebox(face: Prior, target: WhiteboxTarget, identities: number[], cfg: WhiteboxConfig, hooks: InversionHooks & { helper?: ChunkRunner } = {}): Promise<Candidates[] | null> {
  const prior = latentModel(face);
  const pairs = identities.flatMap((id) => Array.from({ length: cfg.restarts }, () => id));
  const starts = await startingLatents(prior, target, pairs, cfg);
  const plan = planJobs(pairs, starts, prior.latent, cfg, hooks.helper !== undefined);
  const total = (plan.mine.length + plan.theirs.length) * cfg.steps;
  let done = 0;
  const tick = async (): Promise<void> => {
    done++;
    await hooks.onProgress?.(done, total);
  };
  const remote = hooks.helper && plan.theirs.length > 0 ? hooks.helper.invert(plan.theirs, cfg, tick) : Promise.resolve([]);
  remote.catch(() => undefined); // awaited below; a helper closed after a cancel rejects unobserved
  const local = await invertJobs(face, target, plan.mine, cfg, { ...hooks, tick });
  if (!local) return null;
  const per = target.size * target.size * prior.channels;
  const all = new Float32Array(pairs.length * per);
  const conf = new Float32Array(pairs.length);
  const place = (results: ChunkResult[], at: number[]): void => results.forEach((r, i) => (all.set(r.pixels, at[i] * per), conf.set(r.confidence, at[i])));
  place(local, plan.mineAt);
  place(await remote, plan.theirsAt);
  return identities.map((identity) => {
    const mine = pairs.map((id, i) => ({ id, i })).filter((p) => p.id === identity).sort((a, b) => conf[b.i] - conf[a.i]).slice(0, cfg.keep);
    const pixels = new Float32Array(mine.length * per);
    mine.forEach((m, k) => pixels.set(all.subarray(m.i * per, (m.i + 1) * per), k * per));
    return { identity, pixels, confidence: mine.map((m) => conf[m.i]) };
  });
}
