import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  mult: number;
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], k: [3, 3], mult: 1, stride: 1, pad: 'same' },
  { x: [2, 9, 7, 4], k: [3, 3], mult: 1, stride: 2, pad: 'same' },
  { x: [2, 8, 8, 4], k: [3, 3], mult: 1, stride: 2, pad: 'same' }, // MobileFaceNet's stride-2 layers (even sizes)
  { x: [3, 10, 10, 2], k: [3, 3], mult: 2, stride: 2, pad: 'valid' },
  { x: [1, 11, 12, 3], k: [5, 3], mult: 1, stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 5], k: [7, 7], mult: 1, stride: 1, pad: 'valid' }, // a global depthwise conv (GDC)
  { x: [1, 7, 9, 2], k: [3, 3], mult: 3, stride: 1, pad: 1 },
  { x: [1, 9, 8, 2], k: [3, 3], mult: 1, stride: 2, pad: 3 }, // pad > K-1: dy rows dropped
  { x: [1, 15, 15, 2], k: [5, 5], mult: 2, stride: 3, pad: 'same' },
];

function random(shape: number[], rng: Rng): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

const filterShape = (c: Case): [number, number, number, number] => [...c.k, c.x[3], c.mult];

function forward(c: Case, x: tf.Tensor, w: tf.Tensor): tf.Tensor4D {
  return tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
}

function outShape(c: Case): number[] {
  return tf.tidy(() => forward(c, tf.zeros(c.x), tf.zeros(filterShape(c))).shape);
}

/** dL/dx and dL/dW of L = sum(depthwiseConv2d(x, W) * dy) on the current backend. */
function grads(c: Case, xd: Float32Array, wd: Float32Array, dyd: Float32Array, dyShape: number[]): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const dy = tf.tensor(dyd, dyShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => forward(c, a, b).mul(dy).sum())([tf.tensor4d(xd, c.x), tf.tensor4d(wd, filterShape(c))]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function loss(c: Case, xd: Float32Array, wd: Float32Array, dyd: Float32Array, dyShape: number[]): number {
  return tf.tidy(() => forward(c, tf.tensor4d(xd, c.x), tf.tensor4d(wd, filterShape(c))).mul(tf.tensor(dyd, dyShape)).sum().dataSync()[0]);
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

describe('the engine wasm depthwise-convolution gradient kernels', () => {
  afterAll(() => selectBackend('wasm'));

  it.each(CASES.map((c) => [`${c.x.join('x')} k${c.k.join('x')} m${c.mult} s${c.stride} ${c.pad}`, c] as const))('match the cpu backend: %s', async (_name, c) => {
    const rng = new Rng(c.x.reduce((a, b) => a * 31 + b, c.mult + 7));
    const xd = random(c.x, rng);
    const wd = random(filterShape(c), rng);
    await selectBackend('cpu');
    const dyShape = outShape(c);
    const dyd = random(dyShape, rng);
    const ref = grads(c, xd, wd, dyd, dyShape);
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const got = grads(c, xd, wd, dyd, dyShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(got.dx.length).toBe(ref.dx.length);
    expect(got.dw.length).toBe(ref.dw.length);
    expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(1e-4);
    expect(maxRelErr(got.dw, ref.dw)).toBeLessThan(1e-4);
  });

  it('match finite differences of the loss on wasm', async () => {
    await selectBackend('wasm');
    const c: Case = { x: [2, 7, 7, 3], k: [3, 3], mult: 2, stride: 2, pad: 'same' };
    const rng = new Rng(99);
    const xd = random(c.x, rng);
    const wd = random(filterShape(c), rng);
    const dyShape = outShape(c);
    const dyd = random(dyShape, rng);
    const { dx, dw } = grads(c, xd, wd, dyd, dyShape);
    const eps = 0.05;
    const numeric = (values: Float32Array, i: number, lossOf: (v: Float32Array) => number): number => {
      const plus = Float32Array.from(values);
      const minus = Float32Array.from(values);
      plus[i] += eps;
      minus[i] -= eps;
      return (lossOf(plus) - lossOf(minus)) / (2 * eps);
    };
    for (const i of [0, 17, 40, xd.length - 1]) expect(dx[i]).toBeCloseTo(numeric(xd, i, (v) => loss(c, v, wd, dyd, dyShape)), 2);
    for (const i of [0, 5, 23, wd.length - 1]) expect(dw[i]).toBeCloseTo(numeric(wd, i, (v) => loss(c, xd, v, dyd, dyShape)), 2);
  });

  it('train a fused depthwise layer with bias and PReLU on wasm without leaking tensors', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const [w0, b0] = [tf.randomNormal([3, 3, 4, 1], 0, 0.3, 'float32', 1), tf.zeros([4])];
    const [w, bias] = [tf.variable(w0), tf.variable(b0)]; // tf.variable copies its initial value
    tf.dispose([w0, b0]);
    const alpha = tf.tidy(() => tf.fill([4], 0.25));
    const x = tf.randomNormal([4, 8, 8, 4], 0, 1, 'float32', 2);
    const target = tf.randomNormal([4, 4, 4, 4], 0, 1, 'float32', 3);
    const opt = tf.train.sgd(0.05);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const l = opt.minimize(() => {
        const y = tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 2, pad: 'same', bias, activation: 'prelu', preluActivationWeights: alpha });
        return y.sub(target).square().mean() as tf.Scalar;
      }, true);
      losses.push(l!.dataSync()[0]);
      l!.dispose();
    }
    expect(losses[19]).toBeLessThan(losses[0]);
    tf.dispose([w, bias, alpha, x, target]);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
