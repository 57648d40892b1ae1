import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';

type Pad = 'same' | 'valid' | number;
interface Case {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { x: [2, 8, 8, 3], k: [3, 3], cout: 4, stride: 1, pad: 'same' },
  { x: [2, 9, 7, 2], k: [3, 3], cout: 5, stride: 2, pad: 'same' },
  { x: [3, 10, 10, 4], k: [3, 3], cout: 2, stride: 2, pad: 'valid' },
  { x: [1, 11, 12, 3], k: [5, 3], cout: 3, stride: 1, pad: 'valid' },
  { x: [2, 14, 14, 8], k: [3, 3], cout: 16, stride: 2, pad: 'same' },
  { x: [1, 16, 13, 3], k: [3, 3], cout: 4, stride: 2, pad: 'same' }, // dy 8x7: the sub-pixel path
  { x: [1, 15, 15, 2], k: [5, 5], cout: 3, stride: 3, pad: 'valid' },
  { x: [2, 8, 8, 3], k: [1, 1], cout: 6, stride: 2, pad: 'same' },
  { x: [1, 7, 9, 2], k: [3, 3], cout: 3, stride: 1, pad: 1 },
  { x: [2, 12, 12, 3], k: [4, 4], cout: 2, stride: 4, pad: 'valid' },
  { x: [2, 7, 7, 4], k: [3, 3], cout: 6, stride: 2, pad: 'same' }, // probe-cnn's last layer: phases start past dy's first row
  { x: [1, 9, 8, 2], k: [3, 3], cout: 3, stride: 2, pad: 3 }, // pad > K-1: dy rows cropped before the phase convs
  { x: [1, 10, 11, 2], k: [5, 5], cout: 2, stride: 3, pad: 5 }, // (numeric pads need square filters: tfjs sizes the output with the filter height)
];

function random(shape: number[], rng: Rng): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal());
}

function outShape(c: Case): number[] {
  return tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros([...c.k, c.x[3], c.cout]) as tf.Tensor4D, c.stride, c.pad).shape);
}

/** dL/dx and dL/dW of L = sum(conv2d(x, W) * dy) on the current backend. */
function convGrads(c: Case, xd: Float32Array, wd: Float32Array, dyd: Float32Array, dyShape: number[]): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(xd, c.x);
    const w = tf.tensor4d(wd, [...c.k, c.x[3], c.cout]);
    const dy = tf.tensor(dyd, dyShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(dy).sum())([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function loss(c: Case, xd: Float32Array, wd: Float32Array, dyd: Float32Array, dyShape: number[]): number {
  return tf.tidy(() => tf.conv2d(tf.tensor4d(xd, c.x), tf.tensor4d(wd, [...c.k, c.x[3], c.cout]), c.stride, c.pad).mul(tf.tensor(dyd, dyShape)).sum().dataSync()[0]);
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  const scale = Math.max(1, ...Array.from(b, Math.abs));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
}

describe('the engine wasm convolution gradient kernels', () => {
  afterAll(() => selectBackend('wasm'));

  it.each(CASES.map((c) => [`${c.x.join('x')} k${c.k.join('x')} s${c.stride} ${c.pad}`, c] as const))('match the cpu backend: %s', async (_name, c) => {
    const rng = new Rng(c.x.reduce((a, b) => a * 31 + b, c.cout));
    const xd = random(c.x, rng);
    const wd = random([...c.k, c.x[3], c.cout], rng);
    await selectBackend('cpu');
    const dyShape = outShape(c);
    const dyd = random(dyShape, rng);
    const ref = convGrads(c, xd, wd, dyd, dyShape);
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const got = convGrads(c, xd, wd, dyd, dyShape);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxRelErr(got.dx, ref.dx)).toBeLessThan(1e-4);
    expect(maxRelErr(got.dw, ref.dw)).toBeLessThan(1e-4);
  });

  it('match finite differences of the loss on wasm', async () => {
    await selectBackend('wasm');
    const c: Case = { x: [2, 7, 7, 2], k: [3, 3], cout: 3, stride: 2, pad: 'same' };
    const rng = new Rng(99);
    const xd = random(c.x, rng);
    const wd = random([...c.k, c.x[3], c.cout], rng);
    const dyShape = outShape(c);
    const dyd = random(dyShape, rng);
    const { dx, dw } = convGrads(c, xd, wd, dyd, dyShape);
    // Central difference of the loss in element i of `values`, the other inputs fixed by `lossOf`.
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

  it('train a conv layer on wasm without leaking tensors', async () => {
    await selectBackend('wasm');
    const before = tf.memory().numTensors;
    const init = tf.randomNormal([3, 3, 1, 4], 0, 0.1, 'float32', 1);
    const w = tf.variable(init); // tf.variable copies: the initial tensor stays ours to dispose
    init.dispose();
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 2);
    const target = tf.randomNormal([4, 4, 4, 4], 0, 1, 'float32', 3);
    const opt = tf.train.sgd(0.05);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      const l = opt.minimize(() => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same').sub(target).square().mean() as tf.Scalar, true);
      losses.push(l!.dataSync()[0]);
      l!.dispose();
    }
    expect(losses[19]).toBeLessThan(losses[0]);
    tf.dispose([w, x, target]);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
