/**
 * Views of candidate faces for the white-box attack [ours, after Plug & Play Attacks, Struppek et
 * al. ICML 2022, section 4]: a random, differentiable view per step (mirror, zoom-in crop at a random
 * offset), so that latents must move the face itself rather than a pattern only one framing of it
 * carries; and a fixed set of views over which the final confidence is averaged for selection.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../data/synth/random.ts';

export interface View {
  mirror: boolean;
  /** zoom factor >= 1: resize to round(size * zoom) and crop `size` at (dy, dx) */
  zoom: number;
  dy: number;
  dx: number;
}

/** Pixels `[N, S, S, C]` -> the same batch seen through `v` (differentiable). */
export function applyView(x: tf.Tensor4D, v: View): tf.Tensor4D {
  const size = x.shape[1];
  const flipped = v.mirror ? (tf.reverse(x, 2) as tf.Tensor4D) : x;
  if (v.zoom === 1) return flipped;
  const big = Math.round(size * v.zoom);
  const scaled = tf.image.resizeBilinear(flipped, [big, big], false, true);
  return scaled.slice([0, v.dy, v.dx, 0], [-1, size, size, -1]) as tf.Tensor4D;
}

/** One random view: mirrored half of the time, zoom in [1, 1 + maxZoom], crop anywhere inside. */
export function randomView(size: number, maxZoom: number, rng: Rng): View {
  const zoom = 1 + maxZoom * rng.next();
  const slack = Math.round(size * zoom) - size;
  return { mirror: rng.next() < 0.5, zoom, dy: rng.int(slack + 1), dx: rng.int(slack + 1) };
}

/** The selection views: plain and mirrored, each at zoom 1 and at a centred zoom of 1 + maxZoom / 2. */
export function selectionViews(size: number, maxZoom: number): View[] {
  const zoom = 1 + maxZoom / 2;
  const off = Math.floor((Math.round(size * zoom) - size) / 2);
  return [false, true].flatMap((mirror) => [
    { mirror, zoom: 1, dy: 0, dx: 0 },
    { mirror, zoom, dy: off, dx: off },
  ]);
}
