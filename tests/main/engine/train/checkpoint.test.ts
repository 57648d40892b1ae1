/**
 * Checkpoint contents beyond parameters: Adam's state restored bit for bit (slots, step count and
 * its running beta^t), named extra parts (a defence's policy state) round-tripped, and the
 * format-1 checkpoints of earlier versions still loading.
 */
import { join } from 'node:path';
import { writeFileSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { freshResume, loadCheckpoint, restoreInto, saveCheckpoint } from '../../../../src/main/engine/train/checkpoint.ts';
import { resolveConfig } from '../../../../src/main/engine/train/config.ts';
import { Params } from '../../../../src/main/engine/models/params.ts';
import { tempDir } from '../../../helpers/temp.ts';

const config = resolveConfig({ defense: 'none', profile: 'quick', seed: 1, backend: 'wasm', input: { size: 32, channels: 1, classes: 4 } });

/** A small least-squares problem whose Adam steps are large next to the parameters' last bits. */
function problem(): { params: Params; step(opt: tf.Optimizer): void } {
  const params = new Params(9);
  const w = params.he('w', [64, 16], 64);
  const x = tf.randomNormal([32, 64], 0, 1, 'float32', 3);
  const y = tf.randomNormal([32, 16], 0, 1, 'float32', 4);
  return { params, step: (opt) => opt.minimize(() => tf.losses.meanSquaredError(y, tf.matMul(x, w)) as tf.Scalar) };
}

async function bits(params: Params): Promise<Uint32Array> {
  return new Uint32Array(Float32Array.from(await params.get('w').data()).buffer);
}

describe('checkpoints', () => {
  beforeAll(() => selectBackend('wasm'));

  it('restore Adam exactly: a run split at any step ends with the same bits as one left alone', async () => {
    const straight = problem();
    const optA = tf.train.adam(1e-2);
    for (let i = 0; i < 40; i++) straight.step(optA);
    const expected = await bits(straight.params);
    for (const at of [2, 5, 8, 11, 13]) {
      const dir = join(tempDir(), 'ck');
      const first = problem();
      const optB = tf.train.adam(1e-2);
      for (let i = 0; i < at; i++) first.step(optB);
      await saveCheckpoint(dir, { config, frontEnd: null, params: first.params, optimizer: optB, resume: { ...freshResume(), globalStep: at } });
      const second = problem();
      const optC = tf.train.adam(1e-2);
      await restoreInto(await loadCheckpoint(dir), second.params, optC);
      for (let i = at; i < 40; i++) second.step(optC);
      expect(await bits(second.params), `split at step ${at}`).toEqual(expected);
      [optB, optC].forEach((o) => o.dispose());
    }
  });

  it('round-trip named extra parts (tensors and values) beside the model', async () => {
    const dir = join(tempDir(), 'ck');
    const { params } = problem();
    const opt = tf.train.adam(1e-2);
    const policy = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    await saveCheckpoint(dir, {
      config,
      frontEnd: null,
      params,
      optimizer: opt,
      resume: { position: { epoch: 2, step: 3 }, globalStep: 11, epochLossSum: 4.5, epochSeconds: 1.25 },
      parts: { policy: { tensors: { 'fc/w': policy }, values: { mu: 0.25, baseline: -1.5 } } },
    });
    const ck = await loadCheckpoint(dir);
    expect(ck.manifest.resume).toEqual({ position: { epoch: 2, step: 3 }, globalStep: 11, epochLossSum: 4.5, epochSeconds: 1.25 });
    const part = ck.parts.get('policy')!;
    expect(part.values).toEqual({ mu: 0.25, baseline: -1.5 });
    expect(part.tensors.get('fc/w')!.shape).toEqual([2, 3]);
    expect([...part.tensors.get('fc/w')!.values]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...ck.params.keys()]).toEqual(['w']);
    policy.dispose();
    opt.dispose();
  });

  it('load format-1 checkpoints (epoch boundaries only) as a resume from that boundary', async () => {
    const dir = join(tempDir(), 'ck');
    const { params } = problem();
    const opt = tf.train.adam(1e-2);
    await saveCheckpoint(dir, { config, frontEnd: null, params, optimizer: opt, resume: freshResume() });
    const manifest = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    const { resume: _r, parts: _p, adamPowers: _a, ...rest } = manifest;
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ ...rest, format: 1, position: { epoch: 3, step: 0 }, globalStep: 12 }));
    const ck = await loadCheckpoint(dir);
    expect(ck.manifest.resume).toEqual({ position: { epoch: 3, step: 0 }, globalStep: 12, epochLossSum: 0, epochSeconds: 0 });
    opt.dispose();
  });
});
