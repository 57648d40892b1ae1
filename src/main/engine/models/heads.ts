/**
 * Classification heads over embeddings (DESIGN.md 5.3): ArcFace (Deng et al. 2019, eq. 3:
 * s * cos(theta + m) for the target class), CosFace (Wang et al. 2018: s * (cos theta - m)), and
 * plain softmax for tiny sets. The loss takes soft label weights so that frequency MixUp's mixed
 * labels (DESIGN 5.2: sum_i lambda_i * HeadCE(f(x_mix), y_i)) apply each margin to its own term.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, denseParams, type Ctx } from './layers.ts';
import type { Params } from './params.ts';

export type HeadKind = 'arcface' | 'cosface' | 'softmax';

export interface HeadConfig {
  kind: HeadKind;
  /** scale s (ArcFace/CosFace) */
  scale: number;
  /** additive angular (ArcFace) or cosine (CosFace) margin m */
  margin: number;
  /**
   * How mixed labels enter the loss (absent = 'per-label', the form of runs before it existed):
   * 'per-label' = DESIGN 5.2's sum_j lambda_j * CE(margin on label j only, label j);
   * 'soft-target' [ours] = one softmax with the margin on every mixed label and the soft target
   * q = sum_j lambda_j onehot(y_j): -sum_c q_c log softmax_c. Equal for a single label.
   */
  mixedLoss?: 'per-label' | 'soft-target';
}

export const HEAD_DEFAULTS: Record<HeadKind, HeadConfig> = {
  arcface: { kind: 'arcface', scale: 64, margin: 0.5 },
  cosface: { kind: 'cosface', scale: 64, margin: 0.35 },
  softmax: { kind: 'softmax', scale: 1, margin: 0 },
};

export function headParams(p: Params, head: HeadConfig, embedding: number, classes: number): void {
  if (head.kind === 'softmax') denseParams(p, 'head', embedding, classes);
  else p.glorot('head/w', [embedding, classes], embedding, classes);
}

/** Cosine similarities `[N, classes]` between normalised embeddings and class centres. */
export function cosines(ctx: Ctx, emb: tf.Tensor2D): tf.Tensor2D {
  const w = ctx.params.get('head/w') as tf.Tensor2D;
  const en = emb.div(emb.norm('euclidean', 1, true).add(1e-8)) as tf.Tensor2D;
  const wn = w.div(w.norm('euclidean', 0, true).add(1e-8)) as tf.Tensor2D;
  return tf.matMul(en, wn).clipByValue(-1 + 1e-6, 1 - 1e-6) as tf.Tensor2D;
}

/** Logits without margins (test-time classification). */
export function headLogits(ctx: Ctx, head: HeadConfig, emb: tf.Tensor2D): tf.Tensor2D {
  if (head.kind === 'softmax') return dense(ctx, 'head', emb);
  return cosines(ctx, emb).mul(head.scale) as tf.Tensor2D;
}

/**
 * Per-sample loss `[N]`: sum_j weights[:, j] * CE(logits with the margin on labels[:, j], labels[:, j]),
 * or with `head.mixedLoss = 'soft-target'` one soft-target CE with the margin on every mixed label.
 * `labels` `[N, k]` int32 and `weights` `[N, k]` (one column of ones for plain training; the MixUp
 * partners and their lambdas otherwise). Each term is a stable log-softmax cross-entropy.
 */
export function headLossPerSample(ctx: Ctx, head: HeadConfig, emb: tf.Tensor2D, labels: tf.Tensor2D, weights: tf.Tensor2D): tf.Tensor1D {
  const classes = ctx.params.get('head/w').shape[1] as number;
  const k = labels.shape[1];
  const cos = head.kind === 'softmax' ? null : cosines(ctx, emb);
  const plain = head.kind === 'softmax' ? dense(ctx, 'head', emb) : null;
  let target: tf.Tensor2D | null = null;
  if (cos && head.kind === 'cosface') target = cos.sub(head.margin) as tf.Tensor2D;
  if (cos && head.kind === 'arcface') {
    const m = head.margin;
    const sin = tf.sqrt(tf.sub(1, cos.square()));
    const phi = cos.mul(Math.cos(m)).sub(sin.mul(Math.sin(m)));
    // Past theta + m > pi, cos(theta + m) stops decreasing: the linear fallback of InsightFace.
    // A step mask rather than tf.where: `Greater` has no gradient in tfjs and would sit on the tape.
    const keep = tf.step(cos.sub(Math.cos(Math.PI - m)));
    target = phi.mul(keep).add(cos.sub(Math.sin(Math.PI - m) * m).mul(tf.sub(1, keep))) as tf.Tensor2D;
  }
  const columns = tf.unstack(labels, 1);
  // wasm's clipByValue maps NaN into the clip range, so NaN weights would give a finite loss
  // and slip past the trainer's NaN guard; sum(emb) * 0 is NaN exactly when the embedding is.
  const poison = emb.sum().mul(0);
  if (k > 1 && head.mixedLoss === 'soft-target') {
    const q = tf.addN(columns.map((col, j) => tf.oneHot(col.toInt(), classes).toFloat().mul(weights.slice([0, j], [-1, 1])))) as tf.Tensor2D;
    const logits = plain ?? (cos!.add(tf.step(q).mul(target!.sub(cos!))).mul(head.scale) as tf.Tensor2D);
    return tf.neg(q.mul(tf.logSoftmax(logits)).sum(1)).add(poison) as tf.Tensor1D;
  }
  const terms = columns.map((col, j) => {
    const onehot = tf.oneHot(col.toInt(), classes).toFloat() as tf.Tensor2D;
    const logits = plain ?? (cos!.add(onehot.mul(target!.sub(cos!))).mul(head.scale) as tf.Tensor2D);
    const ce = tf.neg(onehot.mul(tf.logSoftmax(logits)).sum(1));
    return ce.mul(weights.slice([0, j], [-1, 1]).reshape([-1]));
  });
  return (k === 1 ? terms[0] : tf.addN(terms)).add(poison) as tf.Tensor1D;
}

/** Mean per-sample loss over the batch. */
export function headLoss(ctx: Ctx, head: HeadConfig, emb: tf.Tensor2D, labels: tf.Tensor2D, weights: tf.Tensor2D): tf.Scalar {
  return headLossPerSample(ctx, head, emb, labels, weights).mean() as tf.Scalar;
}
