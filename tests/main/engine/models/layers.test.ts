import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { applyStatUpdates, batchNorm, bnParams, BN_MOMENTUM, prelu, preluParams, type Ctx } from '../../../../src/main/engine/models/layers.ts';
import { Params } from '../../../../src/main/engine/models/params.ts';

/** Batch norm (+ ReLU) as plain broadcasting ops, differentiated by tfjs: the reference. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, relu: boolean): tf.Tensor {
  const axes = x.shape.map((_, i) => i).slice(0, -1);
  const { mean, variance } = tf.moments(x, axes);
  const y = x.sub(mean).mul(variance.add(1e-5).rsqrt()).mul(gamma).add(beta);
  return relu ? tf.relu(y) : y;
}

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

describe('batch norm with its hand-written gradient', () => {
  beforeAll(() => selectBackend('wasm'));

  it.each([
    [[6, 5, 4, 8], 'relu'],
    [[6, 5, 4, 8], 'linear'],
    [[10, 16], 'linear'],
  ] as const)('matches autodiff of the plain form on %j (%s): values and gradients of x, gamma, beta', (shape, activation) => {
    const params = new Params(4);
    bnParams(params, 'bn', shape[shape.length - 1]);
    const ctx: Ctx = { params, training: true, statUpdates: [] };
    const gamma = params.get('bn/gamma');
    const beta = params.get('bn/beta');
    gamma.assign(tf.randomUniform([shape[shape.length - 1]], 0.5, 1.5, 'float32', 1));
    beta.assign(tf.randomNormal([shape[shape.length - 1]], 0, 0.5, 'float32', 2));
    const x = tf.randomNormal([...shape], 1, 2, 'float32', 3);
    const upstream = tf.randomNormal([...shape], 0, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const relu = activation === 'relu';
    // gamma and beta enter through the layer's own variables, x as an input
    const dxMine = tf.grad((a: tf.Tensor) => batchNorm(ctx, 'bn', a, activation).mul(upstream).sum())(x);
    const mine = tf.variableGrads(() => batchNorm(ctx, 'bn', x, activation).mul(upstream).sum() as tf.Scalar, [gamma, beta] as tf.Variable[]);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => reference(a, g, b, relu).mul(upstream).sum())([x, gamma, beta]);
    const valueMine = tf.tidy(() => batchNorm({ ...ctx, statUpdates: undefined }, 'bn', x, activation));
    const valueRef = tf.tidy(() => reference(x, gamma, beta, relu));
    expect(maxDiff(valueMine, valueRef)).toBeLessThan(1e-5);
    expect(maxDiff(dxMine, dx)).toBeLessThan(1e-4);
    expect(maxDiff(mine.grads[gamma.name], dg)).toBeLessThan(1e-3);
    expect(maxDiff(mine.grads[beta.name], db)).toBeLessThan(1e-3);
    // Both training calls recorded their batch statistics; applying them frees them.
    expect(ctx.statUpdates).toHaveLength(2);
    applyStatUpdates(ctx);
    tf.dispose([dxMine, dx, dg, db, valueMine, valueRef, mine.value, ...Object.values(mine.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, upstream]);
    params.dispose();
  });

  it('moves the running statistics toward the batch ones and uses them outside training', () => {
    const params = new Params(1);
    bnParams(params, 'bn', 3);
    const ctx: Ctx = { params, training: true, statUpdates: [] };
    const x = tf.tensor2d([[1, 10, -2], [3, 14, -2], [5, 18, -2]]);
    tf.dispose(batchNorm(ctx, 'bn', x));
    applyStatUpdates(ctx);
    const mean = Array.from(params.get('bn/mean').dataSync());
    expect(mean[0]).toBeCloseTo(3 * (1 - BN_MOMENTUM), 5);
    expect(mean[1]).toBeCloseTo(14 * (1 - BN_MOMENTUM), 5);
    // the batch variance is the biased one (8/3 and 32/3; 0 for the constant column)
    const variance = Array.from(params.get('bn/var').dataSync());
    expect(variance[0]).toBeCloseTo(BN_MOMENTUM + (8 / 3) * (1 - BN_MOMENTUM), 5);
    expect(variance[1]).toBeCloseTo(BN_MOMENTUM + (32 / 3) * (1 - BN_MOMENTUM), 5);
    expect(variance[2]).toBeCloseTo(BN_MOMENTUM, 5);
    const y = batchNorm({ params, training: false }, 'bn', x);
    const expected = tf.tidy(() => x.sub(params.get('bn/mean')).div(params.get('bn/var').add(1e-5).sqrt()));
    expect(maxDiff(y, expected)).toBeLessThan(1e-4);
    tf.dispose([x, y, expected]);
    params.dispose();
  });
});

describe('PReLU with its hand-written gradient', () => {
  beforeAll(() => selectBackend('wasm'));

  it.each([[[4, 3, 3, 6]], [[7, 5]]])('matches autodiff of relu(x) - alpha * relu(-x) on %j: values and gradients of x and alpha', (shape) => {
    const channels = shape[shape.length - 1];
    const params = new Params(2);
    preluParams(params, 'act', channels);
    const alpha = params.get('act/alpha');
    alpha.assign(tf.randomUniform([channels], -0.5, 1.5, 'float32', 4));
    const ctx: Ctx = { params, training: true };
    const x = tf.randomNormal(shape, 0, 1, 'float32', 6);
    const upstream = tf.randomNormal(shape, 0, 1, 'float32', 7);
    const before = tf.memory().numTensors;
    const plain = (a: tf.Tensor, al: tf.Tensor) => tf.relu(a).sub(tf.relu(a.neg()).mul(al));
    const [dx, dalpha] = tf.grads((a: tf.Tensor, al: tf.Tensor) => plain(a, al).mul(upstream).sum())([x, alpha]);
    const dxMine = tf.grad((a: tf.Tensor) => prelu(ctx, 'act', a).mul(upstream).sum())(x);
    const mine = tf.variableGrads(() => prelu(ctx, 'act', x).mul(upstream).sum() as tf.Scalar, [alpha as tf.Variable]);
    const value = prelu(ctx, 'act', x);
    const expected = tf.tidy(() => plain(x, alpha));
    expect(maxDiff(value, expected)).toBeLessThan(1e-6);
    expect(maxDiff(dxMine, dx)).toBeLessThan(1e-5);
    expect(maxDiff(mine.grads[alpha.name], dalpha)).toBeLessThan(1e-4);
    tf.dispose([dx, dalpha, dxMine, mine.value, ...Object.values(mine.grads), value, expected]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, upstream]);
    params.dispose();
  });
});
