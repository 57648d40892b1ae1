/**
 * White-box generative model inversion (GMI, Zhang et al. CVPR 2020, section 3.2): per target
 * identity k, latent codes z are optimised so that G(z), resized to the target's input and passed
 * through the target's own front end (key known: Kerckhoffs) and network, is classified as k,
 * plus the discriminator's realism prior: L(z) = -log sigmoid(D(G(z))) + lambda * CE(T(G(z)), k)
 * (GMI: lambda = 100). Several restarts per identity; the best by the target's confidence are kept.
 * [ours] Adam on z (GMI uses SGD with momentum), z clipped to [-2, 2] after each step (GMI: [-1, 1]),
 * all (identity, restart) pairs optimised together in chunks: their losses are independent.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../../models/params.ts';
import { discriminate, generate, toPixels, type GanConfig } from '../gan/nets.ts';
import { latents } from '../gan/train-gan.ts';

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
  /** candidates kept per identity */
  keep: number;
  /** latents optimised together */
  chunk: number;
  seed: number;
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

interface Chunk {
  identities: number[];
  start: number;
}

/** Optimises one chunk of latents; returns the final pixels and each latent's target confidence. */
async function invertChunk(prior: { params: Params; gan: GanConfig }, target: WhiteboxTarget, labels: number[], cfg: WhiteboxConfig, chunkSeed: number, hooks: InversionHooks & { tick: () => Promise<void> }): Promise<{ pixels: Float32Array; confidence: Float32Array } | null> {
  const ctx = { params: prior.params, training: false };
  const init = tf.tidy(() => latents(labels.length, prior.gan.latent, cfg.seed, chunkSeed, 3).clipByValue(-2, 2));
  const z = tf.variable(init, true);
  init.dispose();
  const y = tf.tensor1d(labels, 'int32');
  const onehot = tf.tidy(() => tf.oneHot(y, target.classes).toFloat());
  const opt: tf.Optimizer = tf.train.adam(cfg.lr);
  try {
    for (let step = 0; step < cfg.steps; step++) {
      if (hooks.signal?.aborted || hooks.shouldStop?.()) return null;
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => {
          const images = generate(ctx, prior.gan, z as tf.Tensor2D);
          const prior_ = tf.softplus(discriminate(ctx, prior.gan, images).neg());
          const logits = target.logits(toPixels(images, target.size));
          const ce = tf.neg(onehot.mul(tf.logSoftmax(logits)).sum(1));
          return prior_.add(ce.mul(cfg.lambda)).sum() as tf.Scalar;
        }, [z]);
        opt.applyGradients(grads);
        z.assign(z.clipByValue(-2, 2));
      });
      await hooks.tick();
    }
    const [pixels, conf] = tf.tidy(() => {
      const px = toPixels(generate(ctx, prior.gan, z as tf.Tensor2D), target.size).clipByValue(0, 255) as tf.Tensor4D;
      return [px, tf.softmax(target.logits(px)).mul(onehot).sum(1)];
    });
    const out = { pixels: (await pixels.data()) as Float32Array, confidence: (await conf.data()) as Float32Array };
    tf.dispose([pixels, conf]);
    return out;
  } finally {
    tf.dispose([z, y, onehot]);
    opt.dispose();
  }
}

/** Runs GMI for each identity; null when cancelled. */
export async function invertWhitebox(prior: { params: Params; gan: GanConfig }, target: WhiteboxTarget, identities: number[], cfg: WhiteboxConfig, hooks: InversionHooks = {}): Promise<Candidates[] | null> {
  const pairs = identities.flatMap((id) => Array.from({ length: cfg.restarts }, () => id));
  const chunks: Chunk[] = [];
  for (let i = 0; i < pairs.length; i += cfg.chunk) chunks.push({ identities: pairs.slice(i, i + cfg.chunk), start: i });
  const total = chunks.length * cfg.steps;
  let done = 0;
  const tick = async (): Promise<void> => {
    done++;
    await hooks.onProgress?.(done, total);
  };
  const per = target.size * target.size * prior.gan.channels;
  const all = new Float32Array(pairs.length * per);
  const conf = new Float32Array(pairs.length);
  for (const [index, c] of chunks.entries()) {
    const r = await invertChunk(prior, target, c.identities, cfg, index, { ...hooks, tick });
    if (!r) return null;
    all.set(r.pixels, c.start * per);
    conf.set(r.confidence, c.start);
  }
  return identities.map((identity) => {
    const mine = pairs.map((id, i) => ({ id, i })).filter((p) => p.id === identity).sort((a, b) => conf[b.i] - conf[a.i]).slice(0, cfg.keep);
    const pixels = new Float32Array(mine.length * per);
    mine.forEach((m, k) => pixels.set(all.subarray(m.i * per, (m.i + 1) * per), k * per));
    return { identity, pixels, confidence: mine.map((m) => conf[m.i]) };
  });
}
