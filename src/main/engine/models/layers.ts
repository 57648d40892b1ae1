/**
 * Functional building blocks over `Params`: conv, batch norm, PReLU, dense. Batch norm is written
 * with broadcasting ops rather than tf's fused kernel: the stock FusedBatchNorm gradient tiles
 * `invStd` to the input's full shape, and Tile is slow on wasm (DESIGN.md section 3).
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from './params.ts';

export interface Ctx {
  params: Params;
  training: boolean;
  /** batch-norm running statistics updates, applied by the trainer after a training step */
  statUpdates?: { name: string; mean: tf.Tensor; variance: tf.Tensor }[];
}

const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.9;

export function convParams(p: Params, name: string, k: number, cin: number, cout: number): void {
  p.he(`${name}/w`, [k, k, cin, cout], k * k * cin);
}

export function conv(ctx: Ctx, name: string, x: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(x, ctx.params.get(`${name}/w`) as tf.Tensor4D, stride, 'same');
}

export function bnParams(p: Params, name: string, channels: number): void {
  p.constant(`${name}/gamma`, [channels], 1);
  p.constant(`${name}/beta`, [channels], 0);
  p.constant(`${name}/mean`, [channels], 0, false);
  p.constant(`${name}/var`, [channels], 1, false);
}

/** Batch norm over all axes but the last. Training uses batch statistics and records running ones. */
export function batchNorm(ctx: Ctx, name: string, x: tf.Tensor): tf.Tensor {
  const gamma = ctx.params.get(`${name}/gamma`);
  const beta = ctx.params.get(`${name}/beta`);
  if (!ctx.training) {
    const scale = gamma.mul(ctx.params.get(`${name}/var`).add(BN_EPS).rsqrt());
    return x.mul(scale).add(beta.sub(ctx.params.get(`${name}/mean`).mul(scale)));
  }
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  ctx.statUpdates?.push({ name, mean: tf.keep(mean), variance: tf.keep(variance) });
  return x.sub(mean).mul(variance.add(BN_EPS).rsqrt().mul(gamma)).add(beta);
}

export function preluParams(p: Params, name: string, channels: number): void {
  p.constant(`${name}/alpha`, [channels], 0.25);
}

export function prelu(ctx: Ctx, name: string, x: tf.Tensor): tf.Tensor {
  const alpha = ctx.params.get(`${name}/alpha`);
  return tf.relu(x).add(tf.neg(tf.relu(tf.neg(x))).mul(alpha));
}

export function denseParams(p: Params, name: string, fanIn: number, units: number, bias = true): void {
  p.glorot(`${name}/w`, [fanIn, units], fanIn, units);
  if (bias) p.constant(`${name}/b`, [units], 0);
}

export function dense(ctx: Ctx, name: string, x: tf.Tensor2D): tf.Tensor2D {
  const y: tf.Tensor2D = tf.matMul(x, ctx.params.get(`${name}/w`) as tf.Tensor2D);
  const b = ctx.params.vars.get(`${name}/b`);
  return b ? (y.add(b) as tf.Tensor2D) : y;
}

/** Moves running batch-norm statistics toward the recorded batch ones, then frees them. */
export function applyStatUpdates(ctx: Ctx): void {
  for (const u of ctx.statUpdates ?? []) {
    const m = ctx.params.get(`${u.name}/mean`);
    const v = ctx.params.get(`${u.name}/var`);
    tf.tidy(() => {
      m.assign(m.mul(BN_MOMENTUM).add(u.mean.mul(1 - BN_MOMENTUM)));
      v.assign(v.mul(BN_MOMENTUM).add(u.variance.mul(1 - BN_MOMENTUM)));
    });
    tf.dispose([u.mean, u.variance]);
  }
  if (ctx.statUpdates) ctx.statUpdates.length = 0;
}
