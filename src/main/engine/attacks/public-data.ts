/**
 * The attacker's public faces (DESIGN.md 6), for every attack: rows of the target dataset's public
 * identities, another dataset's images converted to the target's size and channels (bilinear
 * resize; colour to grey by BT.601 luma, grey to colour by replication), or synthetic faces
 * rendered on demand (new identities from another seed, as many as the attack asks for).
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed } from '../../data/synth/random.ts';
import { renderFace } from '../../data/synth/face-generator.ts';

/** Where the public faces come from (the jobs layer resolves datasets and rows). */
export type PublicSource =
  | { kind: 'rows'; pixels: Uint8Array; size: number; channels: 1 | 3; rows: number[]; labels: number[] }
  | { kind: 'synthetic'; seed: number; identities: number; perIdentity: number };

/** Public faces in the target's format: `[n, size, size, channels]` uint8, with identity labels. */
export interface PublicFaces {
  pixels: Uint8Array;
  count: number;
  size: number;
  channels: 1 | 3;
  labels: number[];
}

/** Converts `[n, s, s, c]` uint8 images to `[n, size, size, channels]` (resize + channel rule above). */
export function convertImages(src: Uint8Array, n: number, s: number, c: 1 | 3, size: number, channels: 1 | 3): Uint8Array {
  if (s === size && c === channels) return src;
  const out = new Uint8Array(n * size * size * channels);
  const chunk = 64;
  for (let i = 0; i < n; i += chunk) {
    const m = Math.min(chunk, n - i);
    const t = tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(Float32Array.from(src.subarray(i * s * s * c, (i + m) * s * s * c)), [m, s, s, c]);
      if (s !== size) x = tf.image.resizeBilinear(x, [size, size], true);
      if (c === 3 && channels === 1) x = x.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(3, true) as tf.Tensor4D;
      if (c === 1 && channels === 3) x = tf.tile(x, [1, 1, 1, 3]);
      return x.round().clipByValue(0, 255);
    });
    out.set(t.dataSync(), i * size * size * channels);
    t.dispose();
  }
  return out;
}

export function publicFaces(source: PublicSource, size: number, channels: 1 | 3): PublicFaces {
  if (source.kind === 'synthetic') {
    const stride = size * size * channels;
    const count = source.identities * source.perIdentity;
    const pixels = new Uint8Array(count * stride);
    const labels: number[] = [];
    const seed = hashSeed(source.seed, 0x9b11c);
    for (let id = 0; id < source.identities; id++)
      for (let k = 0; k < source.perIdentity; k++) {
        pixels.set(renderFace(seed, id, k, { size, channels }), labels.length * stride);
        labels.push(id);
      }
    return { pixels, count, size, channels, labels };
  }
  const stride = source.size * source.size * source.channels;
  const picked = new Uint8Array(source.rows.length * stride);
  source.rows.forEach((row, i) => picked.set(source.pixels.subarray(row * stride, (row + 1) * stride), i * stride));
  const pixels = convertImages(picked, source.rows.length, source.size, source.channels, size, channels);
  return { pixels, count: source.rows.length, size, channels, labels: source.labels };
}
