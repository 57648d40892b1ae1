import { beforeAll, describe, expect, it } from 'vitest';
import { disposeLinearPrior, fitLinearPrior } from '../../../../../src/main/engine/attacks/gan/linear-prior.ts';
import { ganParams } from '../../../../../src/main/engine/attacks/gan/train-gan.ts';
import { identityLoss, invertWhitebox, type WhiteboxConfig } from '../../../../../src/main/engine/attacks/whitebox/gmi.ts';
import { whiteboxTarget } from '../../../../../src/main/engine/attacks/whitebox/target.ts';
import { selectBackend, tf } from '../../../../../src/main/engine/backend/select-backend.ts';
import { resolveConfig } from '../../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel } from '../../../../../src/main/engine/train/face-model.ts';
import { synthTrainData } from '../../../../helpers/train-data.ts';

const gan = { latent: 8, width: 2, channels: 1 as const, classes: 0 };
const cfg = (steps: number, extra: Partial<WhiteboxConfig> = {}): WhiteboxConfig => ({ restarts: 3, steps, lr: 0.1, lambda: 100, keep: 2, chunk: 4, pool: 0, maxZoom: 0, seed: 2, ...extra });

describe('white-box GMI', () => {
  beforeAll(() => selectBackend('wasm'));

  it('raises the target confidence of each identity, keeps the best restarts, and leaves the target and the prior unchanged', async () => {
    const data = synthTrainData(4, 3, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } }), data);
    const prior = { params: ganParams(gan, 3), gan };
    const weights = async (): Promise<number[]> => (await Promise.all([...model.params.vars.values(), ...prior.params.vars.values()].map((v) => v.data()))).flatMap((a) => Array.from(a));
    const w0 = await weights();
    const before = tf.memory().numTensors;
    const start = await invertWhitebox(prior, whiteboxTarget(model), [0, 2, 3], cfg(0));
    const ticks: number[] = [];
    const end = await invertWhitebox(prior, whiteboxTarget(model), [0, 2, 3], cfg(12), { onProgress: (d) => void ticks.push(d) });
    expect(tf.memory().numTensors).toBe(before);
    expect(ticks.at(-1)).toBe(3 * 12); // 9 latents in chunks of 4: 3 chunks x 12 steps
    expect(end!.map((c) => c.identity)).toEqual([0, 2, 3]);
    for (const [i, c] of end!.entries()) {
      expect(c.pixels.length).toBe(2 * 32 * 32);
      expect(c.confidence[0]).toBeGreaterThanOrEqual(c.confidence[1]);
      expect(c.confidence[0], `identity ${c.identity}`).toBeGreaterThan(start![i].confidence[0]);
    }
    expect(end!.every((c) => c.confidence[0] > 0.5)).toBe(true);
    expect(await weights()).toEqual(w0);
    disposeFaceModel(model);
    prior.params.dispose();
  });

  it('starts each identity from the pool latents the target scores highest, and optimises through random views', async () => {
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } }), synthTrainData(4, 3, 32));
    const prior = { params: ganParams(gan, 3), gan };
    const before = tf.memory().numTensors;
    const random = await invertWhitebox(prior, whiteboxTarget(model), [0, 1, 2, 3], cfg(0));
    const pooled = await invertWhitebox(prior, whiteboxTarget(model), [0, 1, 2, 3], cfg(0, { pool: 40 }));
    // the pool's first latents are the random starts, so its best can only be as good or better
    for (const [i, c] of pooled!.entries()) expect(c.confidence[0]).toBeGreaterThanOrEqual(random![i].confidence[0]);
    expect(pooled!.reduce((s, c) => s + c.confidence[0], 0)).toBeGreaterThan(random!.reduce((s, c) => s + c.confidence[0], 0));
    const viewed = await invertWhitebox(prior, whiteboxTarget(model), [0, 1], cfg(8, { pool: 40, maxZoom: 0.15 }));
    expect(viewed!.every((c) => c.confidence[0] > pooled![c.identity].confidence[0])).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
    prior.params.dispose();
  });

  it('searches the linear face prior as well, raising the confidence of each identity', async () => {
    const data = synthTrainData(3, 4, 32);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), data);
    const faces = tf.tidy(() => tf.tensor4d(Float32Array.from(data.pixels), [12, 32, 32, 1]).div(127.5).sub(1).resizeBilinear([64, 64]) as tf.Tensor4D);
    const linear = await fitLinearPrior(faces, 6, 1);
    faces.dispose();
    const before = tf.memory().numTensors;
    const start = await invertWhitebox({ linear }, whiteboxTarget(model), [0, 1, 2], cfg(0));
    const end = await invertWhitebox({ linear }, whiteboxTarget(model), [0, 1, 2], cfg(10, { pool: 16, maxZoom: 0.1 }));
    for (const [i, c] of end!.entries()) expect(c.confidence[0], `identity ${c.identity}`).toBeGreaterThan(start![i].confidence[0]);
    expect(tf.memory().numTensors).toBe(before);
    disposeLinearPrior(linear);
    disposeFaceModel(model);
  });

  it('has two identity losses: cross-entropy, which saturates, and minus the logit, which does not', async () => {
    const onehot = tf.tensor2d([[0, 1, 0], [0, 1, 0]]);
    const logits = tf.tensor2d([[1, 2, 0.5], [1, 12, 0.5]]);
    const ce = identityLoss(logits, onehot, 'ce').arraySync();
    expect(ce[0]).toBeCloseTo(-Math.log(Math.exp(2) / (Math.exp(1) + Math.exp(2) + Math.exp(0.5))), 5);
    expect(ce[1]).toBeLessThan(1e-4);
    expect(identityLoss(logits, onehot, 'logit').arraySync()).toEqual([-2, -12]);
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), synthTrainData(3, 3, 32));
    const prior = { params: ganParams(gan, 3), gan };
    const before = tf.memory().numTensors;
    const start = await invertWhitebox(prior, whiteboxTarget(model), [0, 1, 2], cfg(0));
    const end = await invertWhitebox(prior, whiteboxTarget(model), [0, 1, 2], cfg(10, { loss: 'logit', lambda: 1 }));
    for (const [i, c] of end!.entries()) expect(c.confidence[0], `identity ${c.identity}`).toBeGreaterThan(start![i].confidence[0]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([onehot, logits]);
    disposeFaceModel(model);
    prior.params.dispose();
  });

  it('returns null when cancelled', async () => {
    const model = createFaceModel(resolveConfig({ defense: 'none', profile: 'quick', seed: 4, backend: 'wasm', input: { size: 32, channels: 1, classes: 3 } }), synthTrainData(3, 3, 32));
    const prior = { params: ganParams(gan, 3), gan };
    const abort = new AbortController();
    const before = tf.memory().numTensors;
    const r = await invertWhitebox(prior, whiteboxTarget(model), [0, 1], cfg(50), { signal: abort.signal, onProgress: (d) => (d === 2 ? abort.abort() : undefined) });
    expect(r).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
    prior.params.dispose();
  });
});
