/**
 * `probe-cnn`, the fixed benchmark model of DESIGN.md section 9 (for comparing engines, not for
 * faces): input [N, 14, 14, 64]; conv3x3 64 s1, 128 s2, 128 s1, 256 s2 (no bias, 'same'), each
 * BN + ReLU; global average pool; dense 128; dense 40; softmax cross-entropy.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNorm, bnParams, conv, convParams, dense, denseParams, type Ctx } from './layers.ts';
import { Params } from './params.ts';

export const PROBE_INPUT = [14, 14, 64] as const;
export const PROBE_CLASSES = 40;
const STAGES: [number, number][] = [
  [64, 1],
  [128, 2],
  [128, 1],
  [256, 2],
];

export function probeParams(seed: number): Params {
  const p = new Params(seed);
  let cin: number = PROBE_INPUT[2];
  STAGES.forEach(([cout], i) => {
    convParams(p, `conv${i}`, 3, cin, cout);
    bnParams(p, `bn${i}`, cout);
    cin = cout;
  });
  denseParams(p, 'fc1', cin, 128);
  denseParams(p, 'fc2', 128, PROBE_CLASSES);
  return p;
}

/** Logits `[N, 40]` for inputs `[N, 14, 14, 64]`. */
export function probeForward(ctx: Ctx, x: tf.Tensor4D): tf.Tensor2D {
  let h: tf.Tensor4D = x;
  STAGES.forEach(([, stride], i) => {
    h = batchNorm(ctx, `bn${i}`, conv(ctx, `conv${i}`, h, stride), 'relu') as tf.Tensor4D;
  });
  const pooled = h.mean([1, 2]) as tf.Tensor2D;
  return dense(ctx, 'fc2', dense(ctx, 'fc1', pooled));
}
