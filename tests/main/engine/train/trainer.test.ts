import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { freshResume, loadCheckpoint, restoreInto, saveCheckpoint, type Resume } from '../../../../src/main/engine/train/checkpoint.ts';
import { resolveConfig, type TrainConfig } from '../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel, type FaceModel } from '../../../../src/main/engine/train/face-model.ts';
import { cosineWithWarmup } from '../../../../src/main/engine/train/schedule.ts';
import { evaluate } from '../../../../src/main/engine/eval/evaluate.ts';
import { writeMaskedSet } from '../../../../src/main/engine/export/masked-export.ts';
import { train } from '../../../../src/main/engine/train/trainer.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';
import { tempDir } from '../../../helpers/temp.ts';

const data = synthTrainData();
/** 64 px: the front end then has an 8x8 grid of blocks (at 32 px only 4x4 of nearly flat blocks). */
const data64 = synthTrainData(10, 12, 64);

function config(defense: 'none' | 'ppfr-fd', epochs = 3, extra: Partial<TrainConfig> = {}, size = 32): TrainConfig {
  return { ...resolveConfig({ defense, profile: 'quick', seed: 3, backend: 'wasm', epochs, input: { size, channels: 1, classes: data.classes } }), ...extra };
}

async function paramsOf(model: FaceModel): Promise<Float32Array[]> {
  return Promise.all([...model.params.vars.values()].map((v) => v.data() as Promise<Float32Array>));
}

describe('the trainer', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor();
  });

  it.each(['none', 'ppfr-fd'] as const)('learns the synthetic faces (%s) and leaves no tensor behind', async (defense) => {
    const before = tf.memory().numTensors;
    const d = defense === 'none' ? data : data64;
    // Frequency inputs learn more slowly and need more images: 48 steps on 8x4, 100 on 10x8.
    const epochCount = defense === 'none' ? 12 : 20;
    const model = createFaceModel({ ...config(defense, epochCount, { batch: 16 }, d.size), input: { size: d.size, channels: 1, classes: d.classes } }, d);
    const optimizer = tf.train.adam(model.config.lr);
    const epochs: { loss: number; accuracy: number }[] = [];
    const outcome = await train(model, optimizer, d, { onEpoch: (e) => void epochs.push(e) });
    expect(outcome.status).toBe('done');
    const last = epochs[epochCount - 1];
    expect(epochs).toHaveLength(epochCount);
    expect(last.loss).toBeLessThan(epochs[0].loss);
    console.log(`${defense}: held-out accuracy ${last.accuracy.toFixed(3)} (chance ${(1 / d.classes).toFixed(3)})`);
    expect(last.accuracy).toBeGreaterThan(2 / d.classes);
    optimizer.dispose();
    disposeFaceModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops on cancel after the current step with a checkpoint, and a run resumed at an epoch boundary equals an uninterrupted one', async () => {
    const dir = join(tempDir(), 'ck');
    const cfg = config('ppfr-fd', 3, { batch: 8 }); // 4 steps an epoch

    const straight = createFaceModel(cfg, data);
    const optA = tf.train.adam(cfg.lr);
    await train(straight, optA, data);
    const expected = await paramsOf(straight);

    const first = createFaceModel(cfg, data);
    const optB = tf.train.adam(cfg.lr);
    let steps = 0;
    let saved: Resume | null = null;
    const outcome = await train(first, optB, data, {
      onStep: () => void steps++,
      shouldStop: () => steps >= 4,
      checkpoint: async (resume) => {
        await saveCheckpoint(dir, { config: cfg, frontEnd: first.frontEnd, params: first.params, optimizer: optB, resume });
        saved = resume;
      },
    });
    expect(outcome.status).toBe('cancelled');
    expect(steps).toBe(4);
    expect(saved).not.toBeNull();

    const ck = await loadCheckpoint(dir);
    const resumed = createFaceModel(ck.manifest.config, data, ck.manifest.frontEnd);
    const optC = tf.train.adam(cfg.lr);
    await restoreInto(ck, resumed.params, optC);
    const done = await train(resumed, optC, data, {}, ck.manifest.resume);
    expect(done.status).toBe('done');
    const got = await paramsOf(resumed);
    got.forEach((values, i) => values.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(1e-4)));
    for (const m of [straight, first, resumed]) disposeFaceModel(m);
    [optA, optB, optC].forEach((o) => o.dispose());
  });

  it('evaluates and exports masked sets without leaking tensors', async () => {
    const model = createFaceModel(config('ppfr-fd', 1, {}, 64), data64);
    const before = tf.memory().numTensors;
    const result = await evaluate(model, data64);
    expect(result.identification).toBeGreaterThanOrEqual(0);
    expect(result.verification.genuinePairs).toBe(10); // 10 identities x 1 pair of held-out images
    const items = data64.train.slice(0, 5).map((t) => ({ ...t, identity: `id-${t.label}` }));
    for (const format of ['tensor', 'imagefolder'] as const) {
      const out = await writeMaskedSet(tempDir(), format, data64, items, { config: model.config, frontEnd: model.frontEnd, policy: null, confidence: 1 }, () => {});
      expect(out.samples).toHaveLength(5);
    }
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
  });

  it('fails with ENGINE_NAN_LOSS when the loss stops being finite', async () => {
    const model = createFaceModel(config('none', 1, { lr: Number.NaN, batch: 8 }), data);
    const optimizer = tf.train.adam(model.config.lr);
    await expect(train(model, optimizer, data)).rejects.toMatchObject({ code: 'ENGINE_NAN_LOSS' });
    optimizer.dispose();
    disposeFaceModel(model);
  });

  it('stops with the tensor-leak guard\'s error when a step leaves a tensor behind', async () => {
    const model = createFaceModel(config('none', 1, { batch: 8 }), data); // 4 steps: the guard's baseline is taken after step 2
    const optimizer = tf.train.adam(model.config.lr);
    const leaked: tf.Tensor[] = [];
    await expect(train(model, optimizer, data, { onStep: () => void leaked.push(tf.scalar(1)) })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/Tensor leak in the training loop: 2 tensors left after epoch 1/),
    });
    tf.dispose(leaked);
    optimizer.dispose();
    disposeFaceModel(model);
  });

  it('refuses a corrupt checkpoint', async () => {
    const dir = join(tempDir(), 'ck');
    const cfg = config('none', 1);
    const model = createFaceModel(cfg, data);
    const optimizer = tf.train.adam(cfg.lr);
    await saveCheckpoint(dir, { config: cfg, frontEnd: null, params: model.params, optimizer, resume: freshResume() });
    writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(16));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/corrupt/);
    optimizer.dispose();
    disposeFaceModel(model);
  });
});

describe('the learning-rate schedule', () => {
  it('warms up linearly, peaks, and decays by cosine to 1% of the peak', () => {
    expect(cosineWithWarmup(0, 100, 10, 1)).toBeCloseTo(0.1);
    expect(cosineWithWarmup(9, 100, 10, 1)).toBeCloseTo(1);
    expect(cosineWithWarmup(10, 100, 10, 1)).toBeCloseTo(1);
    expect(cosineWithWarmup(55, 100, 10, 1)).toBeCloseTo(0.505, 2);
    expect(cosineWithWarmup(100, 100, 10, 1)).toBeCloseTo(0.01);
  });
});
