import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { channelEnergy, labPictures, stretched } from '../../../../src/main/engine/lab/preview.ts';

function faces(n: number, size: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => Uint8Array.from({ length: size * size }, (_, p) => (p * (i + 3) * 7 + ((p / size) | 0) * 13) % 256));
}

describe('Defence Lab pictures', () => {
  it('leaves no tensor behind (beyond the cached DCT basis)', () => {
    const images = faces(6, 16);
    basisTensor();
    const before = tf.memory().numTensors;
    const energy = channelEnergy(images, 16, 1);
    labPictures({ images, size: 16, channels: 1, energy, frozen: null, keep: 36, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses a run’s frozen kept channels and gates instead of the energy selection', () => {
    const images = faces(6, 16);
    const gates = Array.from({ length: 64 }, (_, i) => i / 64);
    const out = labPictures({ images, size: 16, channels: 1, energy: channelEnergy(images, 16, 1), frozen: { kept: [5, 9, 63], gates }, keep: 36, seed: 1 });
    expect(out.keep).toBe(3);
    expect(out.channels.filter((c) => c.kept).map((c) => c.index)).toEqual([5, 9, 63]);
    expect(out.channels[9].gate).toBeCloseTo(9 / 64);
  });

  it('stretches a faint picture about mid-grey and reports the gain', () => {
    const { picture, gain } = stretched(Float32Array.from([118, 128, 138]), 1, 1);
    expect(gain).toBeCloseTo(12.7);
    expect([...Buffer.from(picture.pixels, 'base64')]).toEqual([1, 128, 255]);
  });
});
