import { describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { assemblePixels, coefficientsOf, knownKeyView } from '../../../../src/main/engine/attacks/reconstruction/frequency.ts';
import { blockMeans, energyFeatures, fitRidge, leaveIdentityOut, pixelsFromThumbnails, poolByLabel, predictRidge, ridgeSolve, THUMBNAIL, thumbnailStage } from '../../../../src/main/engine/attacks/reconstruction/thumbnail.ts';
import { fitFrontEnd } from '../../../../src/main/engine/masking/front-end.ts';
import { Rng } from '../../../../src/main/data/synth/random.ts';

function faces(ids: number[], size = 32): tf.Tensor4D {
  const px = new Float32Array(ids.length * size * size);
  ids.forEach((id, i) => px.set(renderFace(9, id, i, { size, channels: 1 }), i * size * size));
  return tf.tensor4d(px, [ids.length, size, size, 1]);
}

const psnr = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => 10 * Math.log10((255 * 255) / a.sub(b).square().mean().dataSync()[0]));

describe('the low-resolution stage (thumbnail.ts)', () => {
  it('solves the ridge normal equations', () => {
    const rng = new Rng(3);
    const [n, d, t] = [12, 4, 2];
    const a = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
    const y = Float64Array.from({ length: n * t }, () => rng.next());
    const w = ridgeSolve(a, y, n, d, t, 0.3);
    for (let i = 0; i < d; i++) {
      for (let c = 0; c < t; c++) {
        let lhs = 0.3 * w[i * t + c];
        let rhs = 0;
        for (let r = 0; r < n; r++) {
          for (let j = 0; j < d; j++) lhs += a[r * d + i] * a[r * d + j] * w[j * t + c];
          rhs += a[r * d + i] * y[r * t + c];
        }
        expect(lhs).toBeCloseTo(rhs, 9);
      }
    }
  });

  it('predicts held-out identities from informative features, and not from noise', () => {
    const rng = new Rng(5);
    const [n, d, t] = [60, 5, 3];
    const labels = Array.from({ length: n }, (_, i) => i % 6);
    const f = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
    const y = new Float64Array(n * t);
    for (let r = 0; r < n; r++) for (let c = 0; c < t; c++) y[r * t + c] = f[r * d + c] * 3 - f[r * d + c + 1] + 0.05 * (rng.next() - 0.5);
    const good = leaveIdentityOut(f, y, { d, t }, labels, 1e-3);
    expect(good.r2).toBeGreaterThan(0.95);
    const noise = Float64Array.from({ length: n * d }, () => rng.next() - 0.5);
    const bad = leaveIdentityOut(noise, y, { d, t }, labels, 1e-3);
    expect(bad.r2).toBeLessThan(0.2);
    const m = fitRidge(f, y, { d, t }, labels.map((_, i) => i), 1e-3);
    expect(predictRidge(m, f.subarray(0, d), 1)[0]).toBeCloseTo(y[0], 1);
  });

  it('pools predictions over the samples of one exported identity', () => {
    expect(Array.from(poolByLabel(Float64Array.from([1, 2, 3, 4, 5, 6]), [7, 8, 7], 2))).toEqual([3, 4, 3, 4, 3, 4]);
  });

  it('rebuilds a face from its kept channels and its true thumbnail far better than from the kept channels alone', async () => {
    await selectBackend('wasm');
    const x = faces([0, 1, 2, 3], 64);
    const view = knownKeyView(fitFrontEnd(x, { keepPerPlane: 36, keySeed: 4 }));
    tf.tidy(() => assemblePixels(coefficientsOf(x, view.kept, 1), tf.zeros([4, 8, 8, view.removed.length]) as tf.Tensor4D, view)); // warms the inverse DCT's cached basis
    const before = tf.memory().numTensors;
    const kept = coefficientsOf(x, view.kept, 1);
    const bm = blockMeans(x);
    const means = Array.from(await bm.mean.data());
    const thumbs = Float64Array.from(await bm.centred.data());
    const rebuilt = pixelsFromThumbnails(kept, thumbs.map((v, i) => v + means[Math.floor(i / 64)]), [0], view);
    const alone = tf.tidy(() => assemblePixels(kept, tf.zeros([4, 8, 8, view.removed.length]) as tf.Tensor4D, view));
    expect(psnr(rebuilt, x)).toBeGreaterThan(psnr(alone, x) + 4); // 20.5 against 14.8 dB when written
    const e = energyFeatures(kept, view);
    expect(e.shape).toEqual([4, 64]);
    expect(Math.abs(tf.tidy(() => e.sum(1).dataSync()[0]))).toBeLessThan(1e-3);
    tf.dispose([kept, bm.centred, bm.mean, rebuilt, alone, e]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('amplifies only the kept channels of the image shown to the judge', async () => {
    await selectBackend('wasm');
    const x = tf.tidy(() => faces([0, 1], 32).sub(128).mul(0.2).add(128)) as tf.Tensor4D; // low contrast: nothing clips at gain 2
    const view = knownKeyView(fitFrontEnd(x, { keepPerPlane: 36, keySeed: 4 }));
    const kept = coefficientsOf(x, view.kept, 1);
    const thumbs = new Float64Array(2 * 16);
    const [plain, gained] = [pixelsFromThumbnails(kept, thumbs, [0], view), pixelsFromThumbnails(kept, thumbs, [0], view, 2)]; // the mean is in the front end's planes (pixels - 128)
    const diff = tf.tidy(() => coefficientsOf(gained, view.kept, 1).sub(kept.mul(2)).abs().max().dataSync()[0]);
    expect(diff).toBeLessThan(1e-2);
    const removedDiff = tf.tidy(() => coefficientsOf(gained, view.removed, 1).sub(coefficientsOf(plain, view.removed, 1)).abs().max().dataSync()[0]);
    expect(removedDiff).toBeLessThan(1e-2);
    tf.dispose([x, kept, plain, gained]);
  });

  it('runs the stage without leaking tensors and records its check on the public faces', async () => {
    await selectBackend('wasm');
    const pubIds = Array.from({ length: 24 }, (_, i) => 10 + (i % 6));
    const pub = faces(pubIds);
    const leaked = faces([0, 0, 1, 1]);
    const view = knownKeyView(fitFrontEnd(pub, { keepPerPlane: 36, keySeed: 4 }));
    const publicKept = coefficientsOf(pub, view.kept, 1);
    const leakedKept = coefficientsOf(leaked, view.kept, 1);
    tf.tidy(() => assemblePixels(leakedKept, tf.zeros([4, 4, 4, view.removed.length]) as tf.Tensor4D, view)); // warms the inverse DCT's cached basis
    const before = tf.memory().numTensors;
    const { pixels, judgePixels, record } = await thumbnailStage({ publicPixels: pub, publicKept, publicDecoded: pub, publicLabels: pubIds, leakedKept, leakedDecoded: leaked, leakedLabels: [0, 0, 1, 1] }, view);
    expect(pixels.shape).toEqual([4, 32, 32, 1]);
    expect(judgePixels.shape).toEqual([4, 32, 32, 1]);
    expect(record).toMatchObject({ publicFaces: 24, judgeGain: THUMBNAIL.judgeGain });
    const range = tf.tidy(() => [judgePixels.min().dataSync()[0], judgePixels.max().dataSync()[0]]);
    expect(range[0]).toBeGreaterThanOrEqual(0);
    expect(range[1]).toBeLessThanOrEqual(255);
    judgePixels.dispose();
    expect(Number.isFinite(record.heldOutR2)).toBe(true);
    expect(Array.from(tf.tidy(() => pixels.slice([0], [1]).sub(pixels.slice([1], [1])).abs().max().dataSync()))[0]).toBeGreaterThan(0);
    pixels.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([pub, leaked, publicKept, leakedKept]);
  });
});
