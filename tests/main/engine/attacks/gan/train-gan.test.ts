import { beforeAll, describe, expect, it } from 'vitest';
import { DIFF_AUGMENT } from '../../../../../src/main/engine/attacks/gan/augment.ts';
import { gridPng, tileImages } from '../../../../../src/main/engine/attacks/gan/grid.ts';
import { loadPrior, savePrior } from '../../../../../src/main/engine/attacks/gan/prior-file.ts';
import { createGanTraining, disposeGanTraining, sampleGan, trainGan, type GanTrainConfig } from '../../../../../src/main/engine/attacks/gan/train-gan.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { tempDir } from '../../../../helpers/temp.ts';

/** A tiny GAN: width 2, latent 8, batch 8. */
function tiny(steps: number, classes = 0): GanTrainConfig {
  return { gan: { latent: 8, width: 2, channels: 1, classes }, steps, batch: 8, lr: 2e-3, beta1: 0.5, augment: DIFF_AUGMENT, seed: 5 };
}

/** Real images: a bright upper half over a dark lower half, in [-1, 1]. */
function halves(n: number): tf.Tensor4D {
  return tf.tidy(() => tf.concat([tf.fill([n, 32, 64, 1], 0.8), tf.fill([n, 32, 64, 1], -0.8)], 1) as tf.Tensor4D);
}

async function paramValues(t: { params: { vars: Map<string, tf.Variable> } }): Promise<number[]> {
  const all = await Promise.all([...t.params.vars.values()].map((v) => v.data()));
  return all.flatMap((a) => Array.from(a));
}

describe('GAN prior training', () => {
  beforeAll(() => selectBackend('wasm'));

  it('learns the rough layout of its images, leaves no tensor behind, and samples a grid', async () => {
    const images = halves(16);
    const before = tf.memory().numTensors;
    const cfg = tiny(50);
    const t = createGanTraining(cfg);
    const gap = (): number => tf.tidy(() => {
      const s = sampleGan(t.params, cfg.gan, 16, 1);
      return s.slice([0, 0, 0, 0], [16, 32, 64, 1]).mean().sub(s.slice([0, 32, 0, 0], [16, 32, 64, 1]).mean()).dataSync()[0];
    });
    const first = gap();
    const points: number[] = [];
    expect(await trainGan(t, cfg, { images }, { every: 10, onProgress: (p) => void points.push(p.dLoss) })).toBe(true);
    expect(points).toHaveLength(5);
    expect(points.every(Number.isFinite)).toBe(true);
    const last = gap();
    console.log(`upper-minus-lower brightness of samples: ${first.toFixed(3)} -> ${last.toFixed(3)} (real: 1.6)`);
    expect(last).toBeGreaterThan(first + 0.3);
    const px = tf.tidy(() => sampleGan(t.params, cfg.gan, 6, 2).add(1).mul(127.5));
    const grid = tileImages(await px.data() as Float32Array, 6, 64, 1, 3);
    px.dispose();
    expect([grid.width, grid.height]).toEqual([3 * 64 + 4, 2 * 64 + 2]);
    expect(Array.from((await gridPng(grid)).subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    disposeGanTraining(t);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
  });

  it('stops when cancelled and resumes from a saved prior to the same weights as an unbroken run', async () => {
    const images = halves(8);
    const dir = tempDir();
    const cfg = tiny(6);
    const straight = createGanTraining(cfg);
    await trainGan(straight, cfg, { images });
    const want = await paramValues(straight);
    const broken = createGanTraining(cfg);
    const abort = new AbortController();
    const done = await trainGan(broken, cfg, { images }, { every: 1, signal: abort.signal, onProgress: (p) => (p.step === 3 ? abort.abort() : undefined) });
    expect(done).toBe(false);
    expect(broken.step).toBe(3);
    await savePrior(dir, broken, cfg);
    disposeGanTraining(broken);
    const { manifest, training } = await loadPrior(dir);
    expect([manifest.step, manifest.finished]).toEqual([3, false]);
    expect(await trainGan(training, cfg, { images })).toBe(true);
    const got = await paramValues(training);
    expect(Math.max(...got.map((v, i) => Math.abs(v - want[i])))).toBeLessThan(1e-5);
    [straight, training].forEach(disposeGanTraining);
    images.dispose();
  });
});
