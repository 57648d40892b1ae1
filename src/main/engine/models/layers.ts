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
  /** GroupNorm with this many groups in place of every batch norm (DP-SGD's network) */
  groupNorm?: number;
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

/**
 * `tf.customGrad` with the signature its callers write: `forward(...inputs, save)` returning the
 * value and its gradient function, turned into `(...inputs) => value`. (tfjs types it with one
 * variadic parameter list, which no multi-input forward function satisfies.)
 */
function customOp<I extends tf.Tensor[]>(
  forward: (...args: [...I, tf.GradSaveFunc]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] },
): (...inputs: I) => tf.Tensor {
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...inputs: I) => tf.Tensor;
}

/**
 * Means of the rows of `x` `[m, C]`, as `[C]`, by an average pool over an `[m, 1]` window:
 * tfjs-wasm's Mean and Sum over a leading axis transpose first and take 2-6x as long (187 vs
 * 82 us on [3136, 64]; 230 vs 35 us on [256, 256]). (A `[1, m]` matMul would be faster still on
 * a fixed `x`, but XNNPACK repacks its right operand whenever that tensor is new: 1 ms.)
 */
export function columnMeans(x: tf.Tensor2D): tf.Tensor1D {
  const [m, channels] = x.shape;
  return tf.avgPool(x.reshape([1, m, 1, channels]) as tf.Tensor4D, [m, 1], 1, 'valid').reshape([channels]);
}

/**
 * Batch norm over all axes but the last, optionally fused with a ReLU. Training uses batch
 * statistics (recorded for the running ones) and a hand-written gradient:
 *   d = dy * [y > 0] (ReLU) or dy;  dbeta = sum d;  dgamma = sum d * xhat;
 *   dx = gamma * invStd * (d - dbeta / m - xhat * dgamma / m)
 * Autodiff of the broadcasting form needs twice the full-size ops and reductions on wasm
 * (forward + backward of BN + ReLU on [32, 14, 14, 64]: 11.4 ms autodiff, 5.0 ms by hand).
 */
export function batchNorm(ctx: Ctx, name: string, x: tf.Tensor, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  if (ctx.groupNorm) {
    const y = groupNorm(ctx, name, x, ctx.groupNorm);
    return activation === 'relu' ? tf.relu(y) : y;
  }
  const gamma = ctx.params.get(`${name}/gamma`);
  const beta = ctx.params.get(`${name}/beta`);
  if (!ctx.training) {
    const scale = gamma.mul(ctx.params.get(`${name}/var`).add(BN_EPS).rsqrt());
    const y = x.mul(scale).add(beta.sub(ctx.params.get(`${name}/mean`).mul(scale)));
    return activation === 'relu' ? tf.relu(y) : y;
  }
  const channels = x.shape[x.rank - 1];
  const m = x.size / channels;
  const train = customOp((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const rows = input.reshape([m, channels]) as tf.Tensor2D;
    const mean = columnMeans(rows);
    const centered = rows.sub(mean) as tf.Tensor2D;
    const variance = columnMeans(centered.square());
    ctx.statUpdates?.push({ name, mean: tf.keep(mean), variance: tf.keep(variance) });
    const invStd = variance.add(BN_EPS).rsqrt();
    const xhat = centered.mul(invStd);
    const z = xhat.mul(g).add(b);
    const y = activation === 'relu' ? tf.relu(z) : z;
    save([xhat, invStd, g, y]);
    return {
      value: y.reshape(input.shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, inv, gs, ys] = saved;
        const flat = dy.reshape([m, channels]) as tf.Tensor2D;
        const d = activation === 'relu' ? (flat.mul(tf.step(ys)) as tf.Tensor2D) : flat;
        const dbeta = columnMeans(d).mul(m);
        const dgamma = columnMeans(d.mul(xh)).mul(m);
        const k = gs.mul(inv);
        const dx = d.mul(k).sub(xh.mul(dgamma.mul(k).div(m))).sub(dbeta.mul(k).div(m));
        return [dx.reshape(input.shape), dgamma, dbeta];
      },
    };
  });
  return train(x, gamma, beta);
}

/**
 * GroupNorm (Wu & He 2018) over the channels of each example, split into the largest divisor of C
 * that is <= `groups`: statistics per example and group, the same in training and at test, so no
 * example's output depends on another's and nothing is learned from the data but gamma and beta.
 * Uses the batch-norm parameters of `name` (its running statistics stay unused). Autodiff.
 */
export function groupNorm(ctx: Ctx, name: string, x: tf.Tensor, groups: number): tf.Tensor {
  const channels = x.shape[x.rank - 1];
  let g = Math.min(groups, channels);
  while (channels % g !== 0) g--;
  const n = x.shape[0];
  const grouped = x.reshape([n, -1, g, channels / g]);
  const { mean, variance } = tf.moments(grouped, [1, 3], true);
  const xhat = grouped.sub(mean).mul(variance.add(BN_EPS).rsqrt()).reshape(x.shape);
  return xhat.mul(ctx.params.get(`${name}/gamma`)).add(ctx.params.get(`${name}/beta`));
}

export function preluParams(p: Params, name: string, channels: number): void {
  p.constant(`${name}/alpha`, [channels], 0.25);
}

/**
 * PReLU, `x > 0 ? x : alpha * x` per channel: wasm's Prelu kernel forward and a hand-written
 * gradient (dx = dy * (x > 0 ? 1 : alpha); dalpha = sum dy * min(x, 0)), half the full-size ops of
 * autodiff through relu/neg, which tfjs would need since its own Prelu gradient uses `where`.
 */
export function prelu(ctx: Ctx, name: string, x: tf.Tensor): tf.Tensor {
  const alpha = ctx.params.get(`${name}/alpha`);
  const op = customOp((input: tf.Tensor, a: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input, a]);
    return {
      value: tf.prelu(input, a),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, as] = saved;
        const scale = tf.step(xs).mul(tf.scalar(1).sub(as)).add(as);
        const channels = xs.shape[xs.rank - 1];
        const rows = xs.size / channels;
        return [dy.mul(scale), columnMeans(dy.mul(xs.sub(tf.relu(xs))).reshape([rows, channels])).mul(rows)];
      },
    };
  });
  return op(x, alpha);
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
