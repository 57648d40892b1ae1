/**
 * DCGAN-style generator and discriminator at 64x64 (Radford et al. 2016), optionally
 * class-conditional (projection discriminator, Miyato & Koyama 2018). Architecture only: the
 * parameters live in a `Params` map. Images are `[N, 64, 64, C]` in [-1, 1].
 *
 * [ours] Up-sampling is nearest-neighbour x2 followed by a 3x3 conv instead of a transposed conv:
 * wasm has fast XNNPACK Conv2D plus the engine's own conv gradients, and ResizeNearestNeighbor
 * and its gradient are stock wasm kernels, while Conv2DTranspose would run through the slower
 * input-gradient path; it also avoids the transposed conv's checkerboard artefacts.
 * [ours] The discriminator has no batch norm (stride-2 convs + LeakyReLU 0.2): its score is used
 * per image as GMI's realism prior, which batch statistics would couple across images.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, bnParams, dense, denseParams, type Ctx } from '../../models/layers.ts';
import type { Params } from '../../models/params.ts';

export const GAN_SIZE = 64;

export interface GanConfig {
  /** latent dimension */
  latent: number;
  /** base width w: generator 8w-4w-2w-w channels, discriminator w-2w-4w-8w */
  width: number;
  /** image channels (1 grey, 3 colour: as the target) */
  channels: 1 | 3;
  /** classes of a conditional GAN (0: unconditional) */
  classes: number;
}

const G_STAGES = 4; // 4 -> 8 -> 16 -> 32 -> 64

function genWidths(w: number): number[] {
  return [8 * w, 4 * w, 2 * w, w];
}

export function generatorParams(p: Params, cfg: GanConfig): void {
  const widths = genWidths(cfg.width);
  // [ours] conditional generator: a learned class embedding added to z, so that an unconditional
  // prior's weights carry over unchanged (the black-box attack fine-tunes the prior)
  if (cfg.classes > 0) p.he('g/embed', [cfg.classes, cfg.latent], 2); // N(0, 1), like z
  denseParams(p, 'g/fc', cfg.latent, 16 * widths[0], false);
  bnParams(p, 'g/bn0', widths[0]);
  for (let i = 1; i < G_STAGES; i++) {
    p.he(`g/c${i}/w`, [3, 3, widths[i - 1], widths[i]], 9 * widths[i - 1]);
    bnParams(p, `g/bn${i}`, widths[i]);
  }
  p.glorot('g/out/w', [3, 3, widths[G_STAGES - 1], cfg.channels], 9 * widths[G_STAGES - 1], 9 * cfg.channels);
  p.constant('g/out/b', [cfg.channels], 0);
}

function up(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(x, [2 * h, 2 * w]);
}

/** Latents `[N, latent]` (and class labels `[N]` int32 when conditional) -> images `[N, 64, 64, C]`. */
export function generate(ctx: Ctx, cfg: GanConfig, z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor4D {
  const widths = genWidths(cfg.width);
  const n = z.shape[0];
  let input = z;
  if (cfg.classes > 0) {
    if (!labels) throw new Error('a conditional generator needs labels');
    const onehot = tf.oneHot(labels, cfg.classes).toFloat() as tf.Tensor2D;
    input = z.add(tf.matMul(onehot, ctx.params.get('g/embed') as tf.Tensor2D));
  }
  let h = dense(ctx, 'g/fc', input).reshape([n, 4, 4, widths[0]]) as tf.Tensor4D;
  h = batchNorm(ctx, 'g/bn0', h, 'relu') as tf.Tensor4D;
  for (let i = 1; i < G_STAGES; i++) {
    h = tf.conv2d(up(h), ctx.params.get(`g/c${i}/w`) as tf.Tensor4D, 1, 'same');
    h = batchNorm(ctx, `g/bn${i}`, h, 'relu') as tf.Tensor4D;
  }
  const out = tf.conv2d(up(h), ctx.params.get('g/out/w') as tf.Tensor4D, 1, 'same').add(ctx.params.get('g/out/b'));
  return tf.tanh(out) as tf.Tensor4D;
}

const LEAK = 0.2;

/**
 * LeakyReLU 0.2 with the gradient dy * (step(x) * (1 - a) + a): two cheap full-size ops where
 * tfjs's own gradient runs Greater + Select + Multiply (70 ms of a GAN step on wasm).
 */
const leaky = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.leakyRelu(x, LEAK),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => dy.mul(tf.step(saved[0]).mul(1 - LEAK).add(LEAK)),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

function discWidths(w: number): number[] {
  return [w, 2 * w, 4 * w, 8 * w];
}

export function discriminatorParams(p: Params, cfg: GanConfig): void {
  const widths = discWidths(cfg.width);
  let cin: number = cfg.channels;
  widths.forEach((cout, i) => {
    p.he(`d/c${i}/w`, [3, 3, cin, cout], 9 * cin);
    p.constant(`d/c${i}/b`, [cout], 0);
    cin = cout;
  });
  const features = 16 * widths[widths.length - 1];
  denseParams(p, 'd/fc', features, 1);
  // projection discriminator: logit += <embed(y), phi(x)>
  // (zeros: a fine-tuned unconditional discriminator starts out unchanged)
  if (cfg.classes > 0) p.constant('d/embed', [cfg.classes, features], 0);
}

/** Images `[N, 64, 64, C]` -> realism logits `[N]` (projected onto the class embedding when conditional). */
export function discriminate(ctx: Ctx, cfg: GanConfig, x: tf.Tensor4D, labels?: tf.Tensor1D): tf.Tensor1D {
  let h = x;
  discWidths(cfg.width).forEach((_, i) => {
    h = leaky(tf.conv2d(h, ctx.params.get(`d/c${i}/w`) as tf.Tensor4D, 2, 'same').add(ctx.params.get(`d/c${i}/b`))) as tf.Tensor4D;
  });
  const phi = h.reshape([x.shape[0], -1]) as tf.Tensor2D;
  let logit = dense(ctx, 'd/fc', phi).reshape([-1]) as tf.Tensor1D;
  if (cfg.classes > 0) {
    if (!labels) throw new Error('a conditional discriminator needs labels');
    const e = tf.matMul(tf.oneHot(labels, cfg.classes).toFloat() as tf.Tensor2D, ctx.params.get('d/embed') as tf.Tensor2D);
    logit = logit.add(e.mul(phi).sum(1)) as tf.Tensor1D;
  }
  return logit;
}

/** Pixels `[N, S, S, C]` in 0..255 -> GAN images `[N, 64, 64, C]` in [-1, 1] (area-like bilinear resize). */
export function toGanImages(pixels: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [, s] = pixels.shape;
    const scaled = s === GAN_SIZE ? pixels : tf.image.resizeBilinear(pixels, [GAN_SIZE, GAN_SIZE], false, true);
    return scaled.div(127.5).sub(1) as tf.Tensor4D;
  });
}

/** GAN images in [-1, 1] -> pixels `[N, size, size, C]` in 0..255 (differentiable; bilinear resize). */
export function toPixels(images: tf.Tensor4D, size: number): tf.Tensor4D {
  const scaled = images.add(1).mul(127.5) as tf.Tensor4D;
  return size === GAN_SIZE ? scaled : tf.image.resizeBilinear(scaled, [size, size], false, true);
}
