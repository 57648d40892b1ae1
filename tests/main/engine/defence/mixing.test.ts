import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { applySignMasks, drawRecipes, energyGain, instahideWeights, MAX_WEIGHT, mixedLabels, mixTensor, softLabel } from '../../../../src/main/engine/defence/mixing.ts';

describe('MixUp recipes and mixing', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('draws InstaHide weights that sum to 1 with none above 0.65', () => {
    const rng = new Rng(3);
    for (let k = 2; k <= 6; k++) {
      for (let i = 0; i < 200; i++) {
        const w = instahideWeights(k, rng);
        expect(w).toHaveLength(k);
        expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
        expect(Math.max(...w)).toBeLessThanOrEqual(MAX_WEIGHT);
        expect(Math.min(...w)).toBeGreaterThan(0);
      }
    }
  });

  it('draws k - 1 distinct partners other than the anchor, reproducibly, and mixed labels sum to 1', () => {
    const ks = [2, 3, 4, 5, 6, 6, 2, 3];
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const a = drawRecipes({ ks, seed: 9, signMask: false });
    expect(drawRecipes({ ks, seed: 9, signMask: false })).toEqual(a);
    expect(drawRecipes({ ks, seed: 10, signMask: false })).not.toEqual(a);
    a.forEach((r, t) => {
      expect(r.sources[0]).toBe(t);
      expect(r.sources).toHaveLength(ks[t]);
      expect(new Set(r.sources).size).toBe(ks[t]);
      const mass = [...softLabel(r, labels).values()].reduce((x, y) => x + y, 0);
      expect(mass).toBeCloseTo(1, 12);
    });
    const { weights, width } = mixedLabels(a, labels);
    for (let t = 0; t < a.length; t++) expect(weights.slice(t * width, (t + 1) * width).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
  });

  it('caps k at the group size', () => {
    const r = drawRecipes({ ks: [6, 6, 6], seed: 1, signMask: false });
    r.forEach((x) => expect(x.sources).toHaveLength(3));
  });

  it('mixes a hand-made batch exactly', () => {
    const x = tf.tensor4d([1, 2, 10, 20, 100, 200], [3, 1, 1, 2]);
    const recipes = [
      { sources: [0, 1], weights: [0.6, 0.4], signSeed: null },
      { sources: [1, 2, 0], weights: [0.5, 0.3, 0.2], signSeed: null },
      { sources: [2, 0], weights: [0.35, 0.65], signSeed: null },
    ];
    const before = tf.memory().numTensors;
    const m = mixTensor(x, recipes);
    expect(tf.memory().numTensors).toBe(before + 1);
    const want = [0.6 * 1 + 0.4 * 10, 0.6 * 2 + 0.4 * 20, 0.5 * 10 + 0.3 * 100 + 0.2 * 1, 0.5 * 20 + 0.3 * 200 + 0.2 * 2, 0.35 * 100 + 0.65 * 1, 0.35 * 200 + 0.65 * 2];
    Array.from(m.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
    const signed = applySignMasks(m, recipes.map((r, i) => ({ ...r, signSeed: i === 1 ? 77 : null })));
    const s = signed.dataSync();
    const v = m.dataSync();
    for (let i = 0; i < 6; i++) expect(Math.abs(s[i])).toBeCloseTo(Math.abs(v[i]), 5);
    expect([s[0], s[1], s[4], s[5]]).toEqual([v[0], v[1], v[4], v[5]]);
    tf.dispose([x, m, signed]);
  });

  it('unit-energy mixing scales the deviation from the center by 1 / sqrt(sum lambda^2), exactly', () => {
    const x = tf.tensor4d([1, 2, 10, 20, 100, 200], [3, 1, 1, 2]);
    const recipes = [
      { sources: [0, 1], weights: [0.6, 0.4], signSeed: null },
      { sources: [2, 0, 1], weights: [0.5, 0.3, 0.2], signSeed: null },
    ];
    const center = [5, -3];
    const before = tf.memory().numTensors;
    const m = mixTensor(x, recipes, { unitEnergy: true, center });
    expect(tf.memory().numTensors).toBe(before + 1);
    const g0 = 1 / Math.sqrt(0.36 + 0.16);
    const g1 = 1 / Math.sqrt(0.25 + 0.09 + 0.04);
    expect(energyGain([0.6, 0.4])).toBeCloseTo(g0, 12);
    const rows = [[1, 2], [10, 20], [100, 200]];
    const want = recipes.flatMap((r, t) => [0, 1].map((c) => center[c] + [g0, g1][t] * r.sources.reduce((a, s, i) => a + r.weights[i] * (rows[s][c] - center[c]), 0)));
    Array.from(m.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    // Without the gain the center cancels (the weights sum to 1): the plain mix.
    const plain = mixTensor(x, recipes, { center });
    expect(Array.from(plain.dataSync())).toEqual(Array.from(mixTensor(x, recipes).dataSync()));
    tf.dispose([x, m, plain]);
  });

  it('gives mixed samples of uncorrelated zero-mean inputs the energy of an unmixed one, for every k', () => {
    const n = 64;
    const x = tf.randomNormal([n, 4, 4, 8], 0, 1, 'float32', 5);
    const rms = (t: tf.Tensor): number => tf.tidy(() => Math.sqrt(t.square().mean().dataSync()[0]));
    for (const k of [2, 4, 6]) {
      const recipes = drawRecipes({ ks: new Array<number>(n).fill(k), seed: k, signMask: false });
      const [plain, unit] = [mixTensor(x, recipes), mixTensor(x, recipes, { unitEnergy: true })];
      const shrink = recipes.reduce((a, r) => a + 1 / energyGain(r.weights) ** 2, 0) / n;
      expect(rms(plain) / rms(x)).toBeCloseTo(Math.sqrt(shrink), 1);
      expect(rms(unit) / rms(x)).toBeGreaterThan(0.93);
      expect(rms(unit) / rms(x)).toBeLessThan(1.07);
      tf.dispose([plain, unit]);
    }
    x.dispose();
  });
});
