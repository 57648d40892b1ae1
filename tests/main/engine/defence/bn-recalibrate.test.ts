import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { recalibrateBatchNorm, withRecalibratedBatchNorm } from '../../../../src/main/engine/defence/bn-recalibrate.ts';
import { DefenceRuntime } from '../../../../src/main/engine/defence/runtime.ts';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { conv } from '../../../../src/main/engine/models/layers.ts';
import { resolveConfig, type TrainConfig } from '../../../../src/main/engine/train/config.ts';
import { batchTensor } from '../../../../src/main/engine/train/data.ts';
import { createFaceModel, disposeFaceModel, modelInput } from '../../../../src/main/engine/train/face-model.ts';
import { train } from '../../../../src/main/engine/train/trainer.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';

const data = synthTrainData(4, 6, 32);

function config(defense: 'freq-mixup' | 'ppfr-fd'): TrainConfig {
  const c = resolveConfig({ defense, profile: 'quick', seed: 3, backend: 'wasm', epochs: 1, input: { size: 32, channels: 1, classes: data.classes }, trainCount: data.train.length });
  return { ...c, batch: 8, net: { ...c.net, widths: [16, 32] } };
}

const statsOf = (model: ReturnType<typeof createFaceModel>, name: string): number[] => [
  ...model.params.get(`${name}/mean`).dataSync(),
  ...model.params.get(`${name}/var`).dataSync(),
];

describe('batch-norm statistics re-estimated on clean training images', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor();
  });

  it('sets the first layer statistics to the mean over groups of the clean inputs moments, moving no weight', async () => {
    const model = createFaceModel(config('freq-mixup'), data);
    const rows = data.train.map((t) => t.row);
    const weights = model.params.trainable().map((v) => Array.from(v.dataSync()));
    const before = tf.memory().numTensors;
    await recalibrateBatchNorm(model, data, rows, 8);
    expect(tf.memory().numTensors).toBe(before);
    const groups = [rows.slice(0, 8), rows.slice(8, 16)];
    const want = tf.tidy(() => {
      const moments = groups.map((g) => tf.moments(conv({ params: model.params, training: false }, 'stem', modelInput(model, batchTensor(data, g)), 1), [0, 1, 2]));
      const mean = tf.addN(moments.map((m) => m.mean)).div(2);
      const variance = tf.addN(moments.map((m) => m.variance)).div(2);
      return [...mean.dataSync(), ...variance.dataSync()];
    });
    statsOf(model, 'stem/bn').forEach((v, i) => expect(v).toBeCloseTo(want[i], 3));
    model.params.trainable().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(weights[i]));
    disposeFaceModel(model);
  });

  it('evaluating with clean statistics puts the running ones back exactly', async () => {
    const model = createFaceModel(config('freq-mixup'), data);
    const running = statsOf(model, 'embed/bn');
    const before = tf.memory().numTensors;
    const seen = await withRecalibratedBatchNorm(model, data, { rows: data.train.map((t) => t.row), batch: 8 }, async () => statsOf(model, 'embed/bn'));
    expect(seen).not.toEqual(running);
    expect(statsOf(model, 'embed/bn')).toEqual(running);
    expect(tf.memory().numTensors).toBe(before);
    disposeFaceModel(model);
  });

  it('a MixUp run ends with clean statistics, a run without mixing keeps its running ones', async () => {
    expect(config('ppfr-fd').defence.batchNormStats).toBe('training');
    const cfg = config('freq-mixup');
    expect(cfg.defence.batchNormStats).toBe('clean-train');
    const model = createFaceModel(cfg, data);
    const runtime = new DefenceRuntime(model, data, []);
    await train(model, tf.train.adam(cfg.lr), data, { defence: runtime });
    const ended = statsOf(model, 's0b0/bn1');
    await runtime.finish();
    statsOf(model, 's0b0/bn1').forEach((v, i) => expect(v).toBeCloseTo(ended[i], 5));
    runtime.dispose();
    disposeFaceModel(model);
  });
});
