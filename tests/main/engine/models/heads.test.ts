import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { HEAD_DEFAULTS, headLossPerSample, headParams, type HeadKind } from '../../../../src/main/engine/models/heads.ts';
import type { Ctx } from '../../../../src/main/engine/models/layers.ts';
import { Params } from '../../../../src/main/engine/models/params.ts';

describe('margin heads on the wasm backend', () => {
  beforeAll(() => selectBackend('wasm'));

  // Regression: ArcFace's fallback used tf.where(cos > th), and tfjs has no gradient for Greater.
  it.each(['arcface', 'cosface', 'softmax'] as HeadKind[])('%s: finite loss and gradients (every kernel it needs exists on wasm)', (kind) => {
    const params = new Params(1);
    headParams(params, HEAD_DEFAULTS[kind], 8, 5);
    const ctx: Ctx = { params, training: true };
    const before = tf.memory().numTensors;
    const emb = tf.randomNormal([6, 8], 0, 1, 'float32', 2) as tf.Tensor2D;
    const labels = tf.tensor2d([[0], [1], [2], [3], [4], [0]], [6, 1], 'int32');
    const weights = tf.tidy(() => tf.onesLike(labels).toFloat()) as tf.Tensor2D;
    const { value, grads } = tf.variableGrads(() => headLossPerSample(ctx, HEAD_DEFAULTS[kind], emb, labels, weights).mean() as tf.Scalar, params.trainable());
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const g of Object.values(grads)) expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([emb, labels, weights, value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    params.dispose();
  });

  it('gives the mixed-label loss as the lambda-weighted sum of single-label losses', () => {
    const params = new Params(3);
    headParams(params, HEAD_DEFAULTS.cosface, 8, 4);
    const ctx: Ctx = { params, training: true };
    const [mixed, a, b] = tf.tidy(() => {
      const emb = tf.randomNormal([2, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
      const two = headLossPerSample(ctx, HEAD_DEFAULTS.cosface, emb, tf.tensor2d([[0, 2], [1, 3]], [2, 2], 'int32'), tf.tensor2d([[0.7, 0.3], [0.4, 0.6]]));
      const first = headLossPerSample(ctx, HEAD_DEFAULTS.cosface, emb, tf.tensor2d([[0], [1]], [2, 1], 'int32'), tf.ones([2, 1]) as tf.Tensor2D);
      const second = headLossPerSample(ctx, HEAD_DEFAULTS.cosface, emb, tf.tensor2d([[2], [3]], [2, 1], 'int32'), tf.ones([2, 1]) as tf.Tensor2D);
      return [two.dataSync(), first.dataSync(), second.dataSync()];
    });
    expect(mixed[0]).toBeCloseTo(0.7 * a[0] + 0.3 * b[0], 3);
    expect(mixed[1]).toBeCloseTo(0.4 * a[1] + 0.6 * b[1], 3);
    params.dispose();
  });

  it('makes the loss NaN when the embedding is NaN (wasm clipByValue would hide it)', () => {
    const params = new Params(5);
    headParams(params, HEAD_DEFAULTS.arcface, 4, 3);
    const loss = tf.tidy(() =>
      headLossPerSample({ params, training: true }, HEAD_DEFAULTS.arcface, tf.fill([2, 4], Number.NaN) as tf.Tensor2D, tf.tensor2d([[0], [1]], [2, 1], 'int32'), tf.ones([2, 1]) as tf.Tensor2D).dataSync(),
    );
    expect(Array.from(loss).every(Number.isNaN)).toBe(true);
    params.dispose();
  });
});
