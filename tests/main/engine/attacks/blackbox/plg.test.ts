import { beforeAll, describe, expect, it } from 'vitest';
import { copyMatching, invertBlackbox, topNPerClass, type BlackboxConfig } from '../../../../../src/main/engine/attacks/blackbox/plg.ts';
import { queryTarget, type QueryTarget } from '../../../../../src/main/engine/attacks/blackbox/query-target.ts';
import { DIFF_AUGMENT } from '../../../../../src/main/engine/attacks/gan/augment.ts';
import { ganParams, type GanTrainConfig } from '../../../../../src/main/engine/attacks/gan/train-gan.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { resolveConfig } from '../../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel } from '../../../../../src/main/engine/train/face-model.ts';
import { synthTrainData } from '../../../../helpers/train-data.ts';

const priorConfig: GanTrainConfig = { gan: { latent: 8, width: 2, channels: 1, classes: 0 }, steps: 0, batch: 8, lr: 2e-3, beta1: 0.5, augment: DIFF_AUGMENT, seed: 3 };
const cfg: BlackboxConfig = { topN: 3, steps: 4, batch: 8, lr: 1e-3, augment: DIFF_AUGMENT, candidates: 6, keep: 2, seed: 1 };

describe('the black-box conditional-GAN attack', () => {
  beforeAll(() => selectBackend('wasm'));

  it('pseudo-labels the top-n public images per class', () => {
    // 4 images, 2 classes
    const probs = Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]);
    expect(topNPerClass(probs, 4, 2, 2)).toEqual([[0, 2], [1, 3]]);
  });

  it('reaches the target only through counted queries, outside any gradient tape, and never changes it', async () => {
    const data = synthTrainData(4, 4, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } }), data);
    const oracle = queryTarget(model);
    const depths: number[] = [];
    const spy: QueryTarget = {
      ...oracle,
      classes: oracle.classes,
      get queries() {
        return oracle.queries;
      },
      query: (pixels, n) => {
        depths.push(tf.engine().state.gradientDepth);
        return oracle.query(pixels, n);
      },
    };
    const pub = Float32Array.from(data.pixels.subarray(0, 10 * 32 * 32));
    const prior = { params: ganParams(priorConfig.gan, 3), config: priorConfig };
    const weights = async (): Promise<number[]> => (await Promise.all([...model.params.vars.values()].map((v) => v.data()))).flatMap((a) => Array.from(a));
    const w0 = await weights();
    const before = tf.memory().numTensors;
    const r = await invertBlackbox(prior, { pixels: pub, count: 10 }, spy, [1, 3], cfg);
    expect(tf.memory().numTensors).toBe(before);
    expect(depths.length).toBeGreaterThan(0);
    expect(depths.every((d) => d === 0)).toBe(true);
    expect(r!.queries).toBe(10 + 2 * cfg.candidates);
    expect(r!.pseudoLabels).toHaveLength(4);
    expect(r!.candidates.map((c) => [c.identity, c.pixels.length])).toEqual([[1, 2 * 32 * 32], [3, 2 * 32 * 32]]);
    for (const c of r!.candidates) expect(c.confidence[0]).toBeGreaterThanOrEqual(c.confidence[1]);
    expect(await weights()).toEqual(w0);
    disposeFaceModel(model);
    prior.params.dispose();
  });

  it('starts the conditional GAN from the prior: every shared parameter copied', () => {
    const a = ganParams(priorConfig.gan, 1);
    const b = ganParams({ ...priorConfig.gan, classes: 5 }, 2);
    expect(copyMatching(a, b)).toBe(a.vars.size);
    a.dispose();
    b.dispose();
  });
});
