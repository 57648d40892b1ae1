/**
 * The reconstruction decoder [ours, after DESIGN.md 6's cost hint]: a small U-Net on the block
 * grid `[S/8, S/8, kept]` (padded to a multiple of 4; two stride-2 levels, so every output block
 * sees the whole face) predicting the removed DCT channels from the kept ones, 64x fewer positions
 * than a pixel U-Net; `blocks` residual blocks at the coarsest level add depth where it is cheapest.
 * Inputs and outputs are standardised per channel on the public faces.
 */
import * as tf from '@tensorflow/tfjs';
import { Params } from '../../models/params.ts';

export interface DecoderShape {
  /** kept channels in */
  inputs: number;
  /** removed channels out */
  outputs: number;
  /** channels of the first level (x2, x4 below) */
  width: number;
  /** residual blocks at the coarsest level (absent: none) */
  blocks?: number;
}

function conv(p: Params, name: string, cin: number, cout: number, k = 3): void {
  p.he(`${name}/w`, [k, k, cin, cout], k * k * cin);
  p.constant(`${name}/b`, [cout], 0);
}

export function decoderParams(shape: DecoderShape, seed: number): Params {
  const { inputs, outputs, width: w } = shape;
  const p = new Params(seed);
  conv(p, 'e1a', inputs, w);
  conv(p, 'e1b', w, w);
  conv(p, 'e2a', w, 2 * w);
  conv(p, 'e2b', 2 * w, 2 * w);
  conv(p, 'e3a', 2 * w, 4 * w);
  conv(p, 'e3b', 4 * w, 4 * w);
  for (let i = 0; i < (shape.blocks ?? 0); i++) {
    conv(p, `r${i}a`, 4 * w, 4 * w);
    conv(p, `r${i}b`, 4 * w, 4 * w);
  }
  conv(p, 'd2a', 6 * w, 2 * w);
  conv(p, 'd2b', 2 * w, 2 * w);
  conv(p, 'd1a', 3 * w, w);
  conv(p, 'd1b', w, w);
  conv(p, 'out', w, outputs, 1);
  return p;
}

function layer(p: Params, name: string, x: tf.Tensor4D, stride = 1, relu = true): tf.Tensor4D {
  const y = tf.conv2d(x, p.get(`${name}/w`) as tf.Tensor4D, stride, 'same').add(p.get(`${name}/b`)) as tf.Tensor4D;
  return relu ? tf.relu(y) : y;
}

/** Standardised kept channels `[N, B, B, K]` -> standardised removed channels `[N, B, B, R]`. */
export function decoderForward(p: Params, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const b = x.shape[1];
    const padded = Math.ceil(b / 4) * 4;
    const pad = padded - b;
    const input = pad ? (tf.pad(x, [[0, 0], [0, pad], [0, pad], [0, 0]]) as tf.Tensor4D) : x;
    const e1 = layer(p, 'e1b', layer(p, 'e1a', input));
    const e2 = layer(p, 'e2b', layer(p, 'e2a', e1, 2));
    let e3 = layer(p, 'e3b', layer(p, 'e3a', e2, 2));
    for (let i = 0; p.vars.has(`r${i}a/w`); i++) e3 = tf.relu(e3.add(layer(p, `r${i}b`, layer(p, `r${i}a`, e3), 1, false))) as tf.Tensor4D;
    const u2 = tf.image.resizeNearestNeighbor(e3, [padded / 2, padded / 2]);
    const d2 = layer(p, 'd2b', layer(p, 'd2a', tf.concat([u2, e2], 3)));
    const u1 = tf.image.resizeNearestNeighbor(d2, [padded, padded]);
    const d1 = layer(p, 'd1b', layer(p, 'd1a', tf.concat([u1, e1], 3)));
    const out = layer(p, 'out', d1, 1, false);
    return pad ? (out.slice([0, 0, 0, 0], [-1, b, b, -1]) as tf.Tensor4D) : out;
  });
}
