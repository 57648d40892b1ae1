import { beforeAll, describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { applyDefence } from '../../../../src/main/engine/defence/apply.ts';
import { policyParams } from '../../../../src/main/engine/defence/policy.ts';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { fitFrontEnd, maskedCoefficients } from '../../../../src/main/engine/masking/front-end.ts';
import { resolveConfig } from '../../../../src/main/engine/train/config.ts';

const SIZE = 32;
function faces(n: number): tf.Tensor4D {
  const data = new Float32Array(n * SIZE * SIZE);
  for (let i = 0; i < n; i++) data.set(renderFace(3, i % 4, i, { size: SIZE, channels: 1 }), i * SIZE * SIZE);
  return tf.tensor4d(data, [n, SIZE, SIZE, 1]);
}
const input = { size: SIZE, channels: 1 as const, classes: 4 };

describe('applyDefence (the export and the attacks share it)', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor();
  });

  it('mixes the masked coefficients with each sample\'s recipe at unit energy (freq-mixup, k = 3)', () => {
    const pixels = faces(8);
    const labels = [0, 1, 2, 3, 0, 1, 2, 3];
    const config = resolveConfig({ defense: 'freq-mixup', profile: 'quick', seed: 2, backend: 'wasm', input, workers: 2, defence: { k: 3 } });
    const frontEnd = fitFrontEnd(pixels, config.frontEnd!);
    const before = tf.memory().numTensors;
    const out = applyDefence({ config, frontEnd, policy: null, confidence: 1 }, pixels, labels, { seed: 4 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(out.form).toBe('frequency');
    expect(out.samples.shape).toEqual([8, 4, 4, 36]);
    expect(out.images.shape).toEqual([8, SIZE, SIZE, 1]);
    const coeffs = maskedCoefficients(pixels, frontEnd);
    const c = coeffs.arraySync() as number[][][][];
    const s = out.samples.arraySync() as number[][][][];
    out.recipes.forEach((r, t) => {
      expect(r.k).toBe(3);
      // partners come from the sample's own half (two gradient threads: groups of 16 -> one group of 8 here)
      r.sources.forEach((src) => expect(src).toBeLessThan(8));
      expect(r.labelWeights.reduce((a, b) => a + b.weight, 0)).toBeCloseTo(1, 10);
      // unit-energy mixing [ours]: the deviation from the channel's training mean scaled by 1 / sqrt(sum lambda^2)
      expect(r.gain).toBeCloseTo(1 / Math.hypot(...r.lambdas), 10);
      expect(r.gain).toBeGreaterThan(1);
      const mean = frontEnd.mean[5];
      const want = mean + r.gain! * r.sources.reduce((acc, src, i) => acc + r.lambdas[i] * (c[src][1][2][5] - mean), 0);
      expect(s[t][1][2][5]).toBeCloseTo(want, 3);
    });
    tf.dispose([pixels, coeffs, out.samples, out.images]);
  });

  it('draws k from the policy for adaptive, and InstaHide signs in pixels', () => {
    const pixels = faces(6);
    const labels = [0, 1, 2, 3, 0, 1];
    const config = resolveConfig({ defense: 'adaptive', profile: 'quick', seed: 2, backend: 'wasm', input });
    const frontEnd = fitFrontEnd(pixels, config.frontEnd!);
    const policy = policyParams({ stateSize: 37, hidden: 8 }, 1);
    const a = applyDefence({ config, frontEnd, policy, confidence: 1 }, pixels, labels, { seed: 1 });
    a.recipes.forEach((r) => expect(r.k).toBeGreaterThanOrEqual(2));
    const ih = resolveConfig({ defense: 'instahide', profile: 'quick', seed: 2, backend: 'wasm', input });
    const b = applyDefence({ config: ih, frontEnd: null, policy: null, confidence: 1 }, pixels, labels, { seed: 1 });
    expect(b.form).toBe('pixels');
    b.recipes.forEach((r) => {
      expect(r.k).toBe(4);
      expect(r.signSeed).not.toBeNull();
      expect(r.gain).toBe(1); // pixel MixUp is not rescaled
    });
    tf.dispose([pixels, a.samples, a.images, b.samples, b.images]);
    policy.dispose();
  });
});
