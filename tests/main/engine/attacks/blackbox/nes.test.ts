import { beforeAll, describe, expect, it } from 'vitest';
import { centredRanks, invertNes, type NesConfig } from '../../../../../src/main/engine/attacks/blackbox/nes.ts';
import { queryTarget, type QueryTarget } from '../../../../../src/main/engine/attacks/blackbox/query-target.ts';
import { disposeLinearPrior, fitLinearPrior } from '../../../../../src/main/engine/attacks/gan/linear-prior.ts';
import { toGanImages } from '../../../../../src/main/engine/attacks/gan/nets.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { resolveConfig } from '../../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel } from '../../../../../src/main/engine/train/face-model.ts';
import { synthTrainData } from '../../../../helpers/train-data.ts';

const cfg = (steps: number): NesConfig => ({ restarts: 2, steps, pairs: 4, sigma: 0.3, lr: 0.2, lambda: 100, keep: 2, chunk: 3, seed: 5 });

describe('the black-box NES search in the linear prior', () => {
  beforeAll(() => selectBackend('wasm'));

  it('ranks fitness into centred utilities', () => {
    expect(Array.from(centredRanks([3, -1, 10]))).toEqual([0, -0.5, 0.5]);
  });

  it('queries only outside any gradient tape, counts every image, raises the target score of the searched faces, and is deterministic', async () => {
    const data = synthTrainData(4, 4, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } }), data);
    const pub = { pixels: Float32Array.from(data.pixels), count: 16 };
    const faces = tf.tidy(() => toGanImages(tf.tensor4d(pub.pixels, [16, 32, 32, 1])));
    const prior = await fitLinearPrior(faces, 8, 1);
    faces.dispose();
    const depths: number[] = [];
    const spy = (): QueryTarget => {
      const oracle = queryTarget(model);
      return { ...oracle, get queries() { return oracle.queries; }, query: (px, n) => (depths.push(tf.engine().state.gradientDepth), oracle.query(px, n)) };
    };
    const before = tf.memory().numTensors;
    const start = await invertNes(prior, pub, spy(), [0, 3], cfg(0));
    const end = await invertNes(prior, pub, spy(), [0, 3], cfg(6));
    const again = await invertNes(prior, pub, spy(), [0, 3], cfg(6));
    expect(tf.memory().numTensors).toBe(before);
    expect(depths.every((d) => d === 0)).toBe(true);
    // 16 public faces, 4 latents (2 identities x 2 restarts) in chunks of 3: 6 steps x 8 probes each, then one query each
    expect(end!.queries).toBe(16 + 6 * 8 * 4 + 4);
    expect(Array.from(end!.candidates[0].pixels)).toEqual(Array.from(again!.candidates[0].pixels));
    for (const [i, c] of end!.candidates.entries()) {
      expect(c.confidence[0]).toBeGreaterThanOrEqual(c.confidence[1]);
      expect(c.confidence[0]).toBeGreaterThanOrEqual(end!.topPublic[i].confidence[0]);
      expect(c.confidence[0]).toBeGreaterThan(start!.candidates[i].confidence.at(-1)!);
    }
    disposeLinearPrior(prior);
    disposeFaceModel(model);
  });
});
