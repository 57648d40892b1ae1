import { beforeAll, describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { basisTensor, blockDct, kroneckerBasis } from '../../../../src/main/engine/masking/dct.ts';
import {
  applyFrontEnd,
  fitFrontEnd,
  frequencyChannels,
  maskedCoefficients,
  selectChannels,
  visualiseMasked,
  type FrontEndState,
} from '../../../../src/main/engine/masking/front-end.ts';

function faces(n: number, size: number, channels: 1 | 3): tf.Tensor4D {
  const data = new Float32Array(n * size * size * channels);
  for (let i = 0; i < n; i++) data.set(renderFace(3, i % 5, i, { size, channels }), i * size * size * channels);
  return tf.tensor4d(data, [n, size, size, channels]);
}

describe('the frequency front end', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor(); // the cached basis lives for the process; create it before counting tensors
  });

  it('uses an orthonormal 64x64 DCT basis', () => {
    const k = tf.tensor2d(kroneckerBasis(), [64, 64]);
    const err = tf.tidy(() => tf.matMul(k, k, false, true).sub(tf.eye(64)).abs().max().dataSync()[0]);
    k.dispose();
    expect(err).toBeLessThan(1e-5);
  });

  it('puts a block\'s scaled mean in channel 0 (DC)', () => {
    const x = tf.fill([1, 8, 8, 1], 10) as tf.Tensor4D;
    const c = blockDct(x);
    expect(c.shape).toEqual([1, 1, 1, 64]);
    const v = c.dataSync();
    expect(v[0]).toBeCloseTo(80, 3); // orthonormal 8x8: DC = sum / 8
    expect(Math.max(...Array.from(v.slice(1), Math.abs))).toBeLessThan(1e-4);
    tf.dispose([x, c]);
  });

  it.each([1, 3] as const)('round-trips %i-plane faces exactly when every channel is kept, through the permutation', (channels) => {
    const x = faces(3, 32, channels);
    const total = channels * 64;
    const state: FrontEndState = {
      planes: channels,
      kept: Array.from({ length: total }, (_, i) => i),
      permutation: Array.from({ length: total }, (_, i) => (i * 37) % total),
      mean: [],
      std: [],
      energy: [],
    };
    const before = tf.memory().numTensors;
    const masked = maskedCoefficients(x, state);
    const back = visualiseMasked(masked, state);
    const err = tf.tidy(() => back.sub(x).abs().max().dataSync()[0] / 255);
    tf.dispose([masked, back]);
    expect(tf.memory().numTensors).toBe(before);
    expect(err).toBeLessThan(1e-4);
    x.dispose();
  });

  it('drops DC and the highest-energy channels per plane', () => {
    const energy = Array.from({ length: 128 }, (_, i) => (i % 64 === 0 ? 1000 : 128 - i));
    const kept = selectChannels(energy, 2, 36);
    expect(kept).toHaveLength(72);
    expect(kept).not.toContain(0);
    expect(kept).not.toContain(64);
    // Energies fall with the index, so each plane keeps its 36 highest indices (lowest energy).
    expect(kept.slice(0, 36)).toEqual(Array.from({ length: 36 }, (_, i) => 28 + i));
  });

  it('fits on training faces: 36 of 64 channels kept, a key-dependent permutation, unit-scale inputs', () => {
    const x = faces(10, 32, 1);
    const before = tf.memory().numTensors;
    const a = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 1 });
    const b = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 2 });
    expect(a.kept).toEqual(b.kept);
    expect(a.permutation).not.toEqual(b.permutation);
    expect([...a.permutation].sort((p, q) => p - q)).toEqual(Array.from({ length: 36 }, (_, i) => i));
    const input = applyFrontEnd(x, a);
    expect(input.shape).toEqual([10, 4, 4, 36]);
    const std = tf.tidy(() => tf.moments(input, [0, 1, 2]).variance.sqrt().mean().dataSync()[0]);
    expect(std).toBeCloseTo(1, 1);
    input.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it.each([1, 3] as const)('fuses DCT, selection, permutation and standardisation into one projection (%i planes)', (channels) => {
    const x = faces(4, 32, channels);
    const state = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 3 });
    const order = state.permutation.map((k) => state.kept[k]);
    const [fused, reference, input, standardised] = tf.tidy(() => {
      // The definition, step by step: all channels, then the kept ones in key order, then (c - mean) / std.
      const ref = tf.gather(frequencyChannels(x), order, 3);
      return [maskedCoefficients(x, state), ref, applyFrontEnd(x, state), ref.sub(state.mean).div(state.std)].map((t) => Float32Array.from(t.dataSync()));
    });
    const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(fused.length).toBe(4 * 4 * 4 * 36 * channels);
    expect(maxAbs(fused, reference)).toBeLessThan(1e-3); // coefficients reach a few hundred
    expect(maxAbs(input, standardised)).toBeLessThan(1e-4);
    x.dispose();
  });

  it('removes most of the coefficient energy', () => {
    const x = faces(4, 64, 1);
    const state = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 1 });
    const total = state.energy.reduce((s, e) => s + e, 0);
    const keptEnergy = state.kept.reduce((s, ch) => s + state.energy[ch], 0);
    expect(keptEnergy / total).toBeLessThan(0.35); // DC + 27 strongest channels carry most of it
    const all = frequencyChannels(x);
    expect(all.shape).toEqual([4, 8, 8, 64]);
    tf.dispose([x, all]);
  });
});
