/**
 * The policy's per-sample state (DESIGN.md 5.4) [ours]: the anchor's masked per-channel energy,
 * as log(mean |coefficient| of the anchor / the training split's mean for that channel), in
 * network-input order, plus the FR network's confidence on the anchor (exp(-its last per-sample
 * loss), 1 before it was seen). Pure functions of the masked coefficients.
 */
import * as tf from '@tensorflow/tfjs';
import { keptOrder, type FrontEndState } from '../masking/front-end.ts';

/** Per-sample relative log-energies `[N * C]` of masked coefficients `[N, b, b, C]` (unstandardised). */
export function anchorEnergies(coeffs: tf.Tensor4D, frontEnd: FrontEndState): Float32Array {
  const order = keptOrder(frontEnd);
  const ref = tf.tensor1d(order.map((ch) => frontEnd.energy[ch] + 1e-6));
  const out = tf.tidy(() => coeffs.abs().mean([1, 2]).add(1e-6).div(ref).log());
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ref]);
  return values;
}

export const stateSize = (frontEnd: FrontEndState): number => frontEnd.kept.length + 1;

/** States `[N * (C + 1)]`: each anchor's energies then its confidence. */
export function policyStates(energies: Float32Array, channels: number, confidences: readonly number[]): Float32Array {
  const n = confidences.length;
  const out = new Float32Array(n * (channels + 1));
  for (let i = 0; i < n; i++) {
    out.set(energies.subarray(i * channels, (i + 1) * channels), i * (channels + 1));
    out[i * (channels + 1) + channels] = confidences[i];
  }
  return out;
}
