/**
 * The margin heads against their formulas written out here in plain float64 arithmetic:
 * CosFace s * (cos - m) and ArcFace s * cos(theta + m) (with InsightFace's fallback past
 * theta + m > pi) on the true class only, plain s * cos elsewhere, and the mixed-label loss
 * sum_j lambda_j * CE_j with each margin on its own label, or [ours] one soft-target softmax with the
 * margin on every mixed label.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { headLossPerSample, headParams, type HeadConfig } from '../../../../src/main/engine/models/heads.ts';
import { Params } from '../../../../src/main/engine/models/params.ts';

/** Class centres (columns, unnormalised) `[4, 3]` and embeddings `[3, 4]`. */
const W = [
  [1.0, 0.2, -0.5],
  [0.3, 1.1, 0.4],
  [-0.2, 0.5, 0.9],
  [0.4, -0.3, 0.2],
];
const E = [
  [0.9, 0.4, -0.1, 0.5], // close to class 0
  [0.1, 1.0, 0.6, -0.2], // between classes 1 and 2
  [-1.0, -0.3, 0.2, -0.4], // opposite class 0: theta + m > pi for ArcFace's m = 0.5
];

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const column = (c: number) => W.map((row) => row[c]);
const cosine = (i: number, c: number) => dot(E[i], column(c)) / Math.sqrt(dot(E[i], E[i]) * dot(column(c), column(c)));

/** The logit of class c for sample i whose labels (margin classes) are ys. */
function logit(head: HeadConfig, i: number, c: number, y: number | number[]): number {
  const cos = cosine(i, c);
  if (!(Array.isArray(y) ? y.includes(c) : c === y)) return head.scale * cos;
  if (head.kind === 'cosface') return head.scale * (cos - head.margin);
  const theta = Math.acos(cos);
  if (theta + head.margin <= Math.PI) return head.scale * Math.cos(theta + head.margin);
  return head.scale * (cos - head.margin * Math.sin(Math.PI - head.margin)); // InsightFace's fallback
}

/** Cross-entropy of sample i against label y, by log-sum-exp in float64. */
function crossEntropy(head: HeadConfig, i: number, y: number): number {
  const z = [0, 1, 2].map((c) => logit(head, i, c, y));
  const top = Math.max(...z);
  return top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0)) - z[y];
}

/** Soft-target CE of sample i: one softmax with the margin on every label, target q = sum_j lambda_j onehot(y_j). */
function softTargetCrossEntropy(head: HeadConfig, i: number, ys: number[], lambdas: number[]): number {
  const z = [0, 1, 2].map((c) => logit(head, i, c, ys));
  const top = Math.max(...z);
  const lse = top + Math.log(z.reduce((s, v) => s + Math.exp(v - top), 0));
  return ys.reduce((s, y, j) => s + lambdas[j] * (lse - z[y]), 0);
}

function studioLoss(head: HeadConfig, labels: number[][], weights: number[][]): number[] {
  const params = new Params(1);
  headParams(params, head, 4, 3);
  params.get('head/w').assign(tf.tensor2d(W));
  const out = tf.tidy(() =>
    Array.from(headLossPerSample({ params, training: true }, head, tf.tensor2d(E), tf.tensor2d(labels, undefined, 'int32'), tf.tensor2d(weights)).dataSync()),
  );
  params.dispose();
  return out;
}

const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want)));

describe('margin heads against their formulas', () => {
  beforeAll(() => selectBackend('wasm'));

  it('the fixture reaches both ArcFace branches', () => {
    expect(Math.acos(cosine(0, 0)) + 0.5).toBeLessThan(Math.PI);
    expect(Math.acos(cosine(2, 0)) + 0.5).toBeGreaterThan(Math.PI);
  });

  it.each([
    { kind: 'cosface', scale: 64, margin: 0.35 },
    { kind: 'cosface', scale: 32, margin: 0.2 },
    { kind: 'arcface', scale: 64, margin: 0.5 },
    { kind: 'arcface', scale: 30, margin: 0.3 },
  ] as HeadConfig[])('$kind s=$scale m=$margin: the margin on the true class only (every label, both branches)', (head) => {
    for (const y of [0, 1, 2]) {
      const got = studioLoss(head, [[y], [y], [y]], [[1], [1], [1]]);
      got.forEach((v, i) => close(v, crossEntropy(head, i, y)));
    }
  });

  it.each([
    { kind: 'cosface', scale: 64, margin: 0.35 },
    { kind: 'arcface', scale: 64, margin: 0.5 },
  ] as HeadConfig[])('$kind: the mixed-label loss is sum_j lambda_j * CE(margin on label j)', (head) => {
    const labels = [[0, 2], [1, 0], [0, 1]];
    const lambdas = [[0.7, 0.3], [0.25, 0.75], [0.5, 0.5]];
    const got = studioLoss(head, labels, lambdas);
    got.forEach((v, i) => close(v, lambdas[i][0] * crossEntropy(head, i, labels[i][0]) + lambdas[i][1] * crossEntropy(head, i, labels[i][1])));
  });

  it.each([
    { kind: 'cosface', scale: 32, margin: 0.2, mixedLoss: 'soft-target' },
    { kind: 'arcface', scale: 64, margin: 0.5, mixedLoss: 'soft-target' },
  ] as HeadConfig[])('$kind soft-target: one softmax with the margin on every mixed label, soft target sum_j lambda_j y_j', (head) => {
    const labels = [[0, 2], [1, 0], [0, 1]];
    const lambdas = [[0.7, 0.3], [0.25, 0.75], [0.5, 0.5]];
    const got = studioLoss(head, labels, lambdas);
    got.forEach((v, i) => close(v, softTargetCrossEntropy(head, i, labels[i], lambdas[i])));
  });

  it('soft-target with one label is the plain margin loss', () => {
    const head: HeadConfig = { kind: 'cosface', scale: 32, margin: 0.2, mixedLoss: 'soft-target' };
    const got = studioLoss(head, [[0, 0], [1, 1], [2, 2]], [[1, 0], [1, 0], [1, 0]]);
    got.forEach((v, i) => close(v, crossEntropy(head, i, i)));
  });
});
