import { describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { publicFaces } from '../../../../src/main/engine/attacks/public-data.ts';
import { assemblePixels, coefficientsOf, knownKeyView, reorderLeaked } from '../../../../src/main/engine/attacks/reconstruction/frequency.ts';
import { channelsRecovered, estimateView, matchChannels } from '../../../../src/main/engine/attacks/reconstruction/key-estimate.ts';
import { cosineRate, DECODER_PROFILES, disposeDecoder, mirrorChannels, reconstruct, trainDecoder } from '../../../../src/main/engine/attacks/reconstruction/train-decoder.ts';
import { fitFrontEnd, maskedCoefficients } from '../../../../src/main/engine/masking/front-end.ts';

function faces(n: number, size = 32): tf.Tensor4D {
  const px = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) px.set(renderFace(3, i % 5, i, { size, channels: 1 }), i * size * size);
  return tf.tensor4d(px, [n, size, size, 1]);
}

describe('reconstruction attack pieces', () => {
  it('rebuild the exact image from the leaked channels (key known) plus the true removed channels', async () => {
    await selectBackend('wasm');
    const x = faces(4);
    const fe = fitFrontEnd(x, { keepPerPlane: 36, keySeed: 7 });
    const view = knownKeyView(fe);
    const before = tf.memory().numTensors;
    const err = tf.tidy(() => {
      const kept = reorderLeaked(maskedCoefficients(x, fe), view.position);
      return assemblePixels(kept, coefficientsOf(x, view.removed, 1), view).sub(x).abs().max().dataSync()[0];
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(err).toBeLessThan(0.01);
    x.dispose();
  });

  it('pairs channels by their statistics, one to one', () => {
    expect(matchChannels([[0, 1], [5, 5], [9, 0]], [[9.1, 0], [0, 1.2], [5, 4.9]])).toEqual([1, 2, 0]);
  });

  it('estimates part of an unknown key from public faces, and says how much it got right', async () => {
    await selectBackend('wasm');
    const priv = faces(40);
    const pub = faces(40);
    const fe = fitFrontEnd(priv, { keepPerPlane: 36, keySeed: 11 });
    const leaked = maskedCoefficients(priv, fe);
    const est = estimateView(leaked, pub, 1);
    const right = channelsRecovered(est, knownKeyView(fe));
    expect(new Set(est.position).size).toBe(36);
    expect(right).toBeGreaterThan(36 / 36); // better than a random permutation's expected 1
    tf.dispose([priv, pub, leaked]);
  });

  it('trains the decoder without leaking tensors, and rebuilds images of the right shape', async () => {
    await selectBackend('wasm');
    const pub = publicFaces({ kind: 'synthetic', seed: 5, identities: 4, perIdentity: 4 }, 32, 1);
    const priv = faces(3);
    const fe = fitFrontEnd(priv, { keepPerPlane: 36, keySeed: 2 });
    const before = tf.memory().numTensors;
    const d = await trainDecoder(pub, knownKeyView(fe), { ...DECODER_PROFILES.quick, epochs: 1 }, 1, { onStep: () => {}, shouldStop: () => false });
    const out = tf.tidy(() => reconstruct(d!, reorderLeaked(maskedCoefficients(priv, fe), d!.view.position)));
    expect(out.shape).toEqual([3, 32, 32, 1]);
    expect(Number.isFinite(d!.finalLoss)).toBe(true);
    out.dispose();
    disposeDecoder(d!);
    expect(tf.memory().numTensors).toBe(before);
    priv.dispose();
  });

  it('tops the public inputs up with noise to the per-channel std of the leaked set where that is larger, without leaking tensors', async () => {
    await selectBackend('wasm');
    const pub = publicFaces({ kind: 'synthetic', seed: 5, identities: 2, perIdentity: 4 }, 32, 1);
    const fe = fitFrontEnd(faces(2), { keepPerPlane: 36, keySeed: 2 });
    const cfg = { ...DECODER_PROFILES.quick, epochs: 1, samples: 8 };
    const plain = await trainDecoder(pub, knownKeyView(fe), cfg, 1, { onStep: () => {}, shouldStop: () => false });
    const publicStd = Array.from(await plain!.inStd.data());
    const leakedStd = Float32Array.from(publicStd, (v, i) => (i % 2 ? 3 * v : v / 2));
    const before = tf.memory().numTensors;
    const matched = await trainDecoder(pub, knownKeyView(fe), cfg, 1, { onStep: () => {}, shouldStop: () => false }, null, leakedStd);
    const got = Array.from(await matched!.inStd.data());
    got.forEach((v, i) => expect(v).toBeCloseTo(Math.max(publicStd[i], leakedStd[i]), 3));
    disposeDecoder(matched!);
    expect(tf.memory().numTensors).toBe(before);
    disposeDecoder(plain!);
  });

  it('mirrors block-DCT channels exactly: the channels of the mirrored image', async () => {
    await selectBackend('wasm');
    const x = faces(2);
    const channels = [0, 1, 5, 9, 14, 27, 63];
    const viaPixels = coefficientsOf(tf.reverse(x, 2) as tf.Tensor4D, channels, 1);
    const viaChannels = mirrorChannels(coefficientsOf(x, channels, 1), channels);
    expect(tf.max(tf.abs(viaPixels.sub(viaChannels))).dataSync()[0]).toBeLessThan(1e-3);
    tf.dispose([x, viaPixels, viaChannels]);
  });

  it('decays the decoder learning rate along a cosine from the full rate to 5% of it', () => {
    expect(cosineRate(2e-3, 0, 100)).toBeCloseTo(2e-3, 12);
    expect(cosineRate(2e-3, 50, 100)).toBeCloseTo(2e-3 * 0.525, 12);
    expect(cosineRate(2e-3, 100, 100)).toBeCloseTo(1e-4, 12);
  });

  it('stops training when asked, freeing everything', async () => {
    await selectBackend('wasm');
    const pub = publicFaces({ kind: 'synthetic', seed: 5, identities: 2, perIdentity: 4 }, 32, 1);
    const fe = fitFrontEnd(faces(2), { keepPerPlane: 36, keySeed: 2 });
    const before = tf.memory().numTensors;
    expect(await trainDecoder(pub, knownKeyView(fe), DECODER_PROFILES.quick, 1, { onStep: () => {}, shouldStop: () => true })).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('mixed samples', () => {
  it('are scored against their largest-weight source (the first on ties)', async () => {
    const { largestSource } = await import('../../../../src/main/engine/attacks/reconstruction/leak.ts');
    const r = (sources: number[], lambdas: number[]) => ({ sources, lambdas, labelWeights: [], k: sources.length, signSeed: null });
    expect(largestSource(r([4, 9, 2], [0.3, 0.5, 0.2]))).toBe(9);
    expect(largestSource(r([4, 9], [0.5, 0.5]))).toBe(4);
  });
});
