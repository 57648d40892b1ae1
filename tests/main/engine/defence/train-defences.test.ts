import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Defense } from '../../../../src/shared/domain/run.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { adaptiveSlice } from '../../../../src/main/engine/defence/dual.ts';
import { DEFENCE_PART, DefenceRuntime, type DefenceSnapshot } from '../../../../src/main/engine/defence/runtime.ts';
import { basisTensor } from '../../../../src/main/engine/masking/dct.ts';
import { trainAdaptive, type ReferenceStepInfo } from '../../../../src/main/engine/defence/reference.ts';
import { freshResume, loadCheckpoint, restoreInto, saveCheckpoint, snapshotTraining, type Resume } from '../../../../src/main/engine/train/checkpoint.ts';
import { resolveConfig, type TrainConfig } from '../../../../src/main/engine/train/config.ts';
import { createFaceModel, disposeFaceModel, type FaceModel } from '../../../../src/main/engine/train/face-model.ts';
import { train, type EpochInfo, type StepInfo, type TrainHooks, type TrainOutcome } from '../../../../src/main/engine/train/trainer.ts';
import { tempDir } from '../../../helpers/temp.ts';
import { synthTrainData } from '../../../helpers/train-data.ts';

const all = synthTrainData(6, 6, 32);

/**
 * A tiny run: epochs of 3 steps (18 images, batch 6), 1 warm-up epoch and a policy update every 2
 * steps for adaptive; with 3 epochs, the slice rejoins in the last (rejoinFraction 1/3).
 */
function config(defense: Defense, epochs = 2, accuracyReference?: 'k2-reference' | 'warmup'): TrainConfig {
  const c = resolveConfig({ defense, profile: 'quick', seed: 5, backend: 'wasm', epochs, input: { size: 32, channels: 1, classes: all.classes }, workers: 1, trainCount: all.train.length, defence: { accuracyReference } });
  const adaptive = c.defence.adaptive ? { ...c.defence.adaptive, warmupEpochs: 1, policyEvery: 2, validationFraction: 1 / 4, rejoinFraction: 1 / 3 } : null;
  return { ...c, batch: 6, net: { ...c.net, widths: [16, 32] }, defence: { ...c.defence, adaptive } };
}

function split(cfg: TrainConfig): { data: typeof all; validation: typeof all.train } {
  const held = cfg.defence.adaptive ? new Set(adaptiveSlice(all.train, cfg.defence.adaptive, cfg.seed)) : new Set<number>();
  return { data: { ...all, train: all.train.filter((_, i) => !held.has(i)) }, validation: all.train.filter((_, i) => held.has(i)) };
}

/** The session's way in: adaptive through `trainAdaptive` (its k = 2 reference), the rest through the trainer. */
function fit(model: FaceModel, optimizer: tf.AdamOptimizer, data: typeof all, runtime: DefenceRuntime, hooks: TrainHooks = {}, start: Resume = freshResume()): Promise<TrainOutcome> {
  const h = { ...hooks, defence: runtime };
  return model.config.defence.adaptive ? trainAdaptive({ model, optimizer, data, runtime, hooks: h, start, parallel: null }) : train(model, optimizer, data, h, start);
}

async function valuesOf(model: FaceModel, runtime: DefenceRuntime): Promise<number[]> {
  const vars = [...model.params.vars.values(), ...(runtime.policyParams?.vars.values() ?? [])];
  return (await Promise.all(vars.map((v) => v.data()))).flatMap((a) => Array.from(a));
}

describe('training under each defence', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
    basisTensor();
  });

  it.each(['mixup', 'instahide', 'freq-mixup', 'dp-sgd', 'adaptive'] as const)('%s trains, reports its metrics and keeps the tensor count flat', async (defense) => {
    const cfg = config(defense);
    const { data, validation } = split(cfg);
    const before = tf.memory().numTensors;
    const model = createFaceModel(cfg, data);
    const optimizer = tf.train.adam(cfg.lr);
    const runtime = new DefenceRuntime(model, data, validation);
    const counts: number[] = [];
    const epochs: EpochInfo[] = [];
    // the trainer's own leak guard also checks the count after every epoch
    const outcome = await fit(model, optimizer, data, runtime, { onStep: () => void counts.push(tf.memory().numTensors), onEpoch: (e) => void epochs.push(e) });
    expect(outcome.status).toBe('done');
    expect(new Set(counts.slice(2)).size).toBe(1);
    expect(Number.isFinite(epochs[1].loss)).toBe(true);
    const m = epochs[1].defence!;
    if (defense === 'dp-sgd') {
      expect(m.epsilon).toBeGreaterThan(0);
      expect(cfg.net.norm).toBe('group');
      expect(cfg.workers).toBe(1);
    } else expect(m.meanK).toBeGreaterThanOrEqual(2);
    if (defense === 'instahide') expect(m.meanK).toBe(4);
    if (defense === 'adaptive') {
      expect(m.policyUpdates).toBeGreaterThan(0);
      expect(m.entropy).toBeGreaterThan(0);
      expect(m.mu).toBeGreaterThanOrEqual(0);
      expect(runtime.result(8).policy!.meanK).toBeGreaterThanOrEqual(2);
      // the k = 2 reference forked at the warm-up's end (epoch 1) and is acc_ref there
      const ref = runtime.result(8).accuracyReference!;
      expect(ref).toMatchObject({ rule: 'k2-reference', from: 1 });
      expect(ref.accuracy).toHaveLength(1);
      expect(m.accRef).toBe(ref.smoothed[0]);
      expect(ref.cpuSeconds).toBeGreaterThan(0);
    }
    optimizer.dispose();
    runtime.dispose();
    disposeFaceModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("adaptive's k = 2 reference reports its own steps (for the job's progress), and none of them as the run's", async () => {
    const cfg = config('adaptive');
    const { data, validation } = split(cfg);
    const model = createFaceModel(cfg, data);
    const optimizer = tf.train.adam(cfg.lr);
    const runtime = new DefenceRuntime(model, data, validation);
    const runSteps: string[] = [];
    const referenceSteps: ReferenceStepInfo[] = [];
    const hooks = { defence: runtime, onStep: (i: StepInfo) => void runSteps.push(`${i.epoch}:${i.step}`) };
    await trainAdaptive({ model, optimizer, data, runtime, hooks, start: freshResume(), parallel: null, onReferenceStep: (i) => void referenceSteps.push(i) });
    // 2 epochs of 3 steps: the warm-up (epoch 0), then the reference and the policy both train epoch 1
    expect(runSteps).toEqual(['0:0', '0:1', '0:2', '1:0', '1:1', '1:2']);
    expect(referenceSteps.map((i) => `${i.epoch}:${i.step}`)).toEqual(['1:0', '1:1', '1:2']);
    expect(referenceSteps.every((i) => i.from === 1 && i.until === 2 && i.stepsPerEpoch === 3 && Number.isFinite(i.loss))).toBe(true);
    optimizer.dispose();
    runtime.dispose();
    disposeFaceModel(model);
  });

  it('an adaptive run no longer than its warm-up trains to the end at k = 2, with no k = 2 reference (the policy never acts)', async () => {
    // the default warm-up is 2 epochs: `veil train --defense adaptive --epochs 1` used to throw 'cannot resume at epoch 2'
    const base = config('adaptive', 1);
    const cfg = { ...base, defence: { ...base.defence, adaptive: { ...base.defence.adaptive!, warmupEpochs: 2 } } };
    const { data, validation } = split(cfg);
    const model = createFaceModel(cfg, data);
    const optimizer = tf.train.adam(cfg.lr);
    const runtime = new DefenceRuntime(model, data, validation);
    const epochs: EpochInfo[] = [];
    const outcome = await fit(model, optimizer, data, runtime, { onEpoch: (e) => void epochs.push(e) });
    expect(outcome).toMatchObject({ status: 'done', position: { epoch: 1, step: 0 } });
    expect(epochs).toHaveLength(1);
    expect(epochs[0].defence!.meanK).toBe(2);
    expect(runtime.result(3).accuracyReference).toBeNull();
    optimizer.dispose();
    runtime.dispose();
    disposeFaceModel(model);
  });

  it("adaptive's validation slice rejoins FR training once the policy and mu are frozen", async () => {
    const cfg = config('adaptive', 3);
    const { data, validation } = split(cfg);
    const model = createFaceModel(cfg, data);
    const optimizer = tf.train.adam(cfg.lr);
    const runtime = new DefenceRuntime(model, data, validation);
    const seen: Set<number>[] = [new Set(), new Set(), new Set()];
    const prepare = runtime.prepare.bind(runtime);
    runtime.prepare = (items, epoch, step) => {
      items.forEach((it) => seen[epoch].add(it.row));
      return prepare(items, epoch, step);
    };
    const states: DefenceSnapshot[] = [];
    const epochs: EpochInfo[] = [];
    await fit(model, optimizer, data, runtime, { onEpoch: (e) => void (epochs.push(e), states.push(runtime.state())) });
    const slice = validation.map((v) => v.row);
    expect(slice.length).toBeGreaterThan(0);
    expect(slice.some((r) => seen[0].has(r) || seen[1].has(r))).toBe(false);
    expect(slice.every((r) => seen[2].has(r))).toBe(true);
    expect(seen[2].size).toBe(data.train.length + slice.length);
    // frozen: no policy update, mu unchanged, no validation accuracy (the slice trains)
    expect(states[1].policyUpdates).toBeGreaterThan(0);
    expect(states[2].policyUpdates).toBe(states[1].policyUpdates);
    expect(states[2].mu).toBe(states[1].mu);
    expect(epochs[1].defence!.valAccuracy).toBeTypeOf('number');
    expect(epochs[2].defence!.valAccuracy).toBeUndefined();
    expect(epochs[2].defence!.meanK).toBeGreaterThanOrEqual(2);
    optimizer.dispose();
    runtime.dispose();
    disposeFaceModel(model);
  });

  // stop after the warm-up's 3 steps (k2-reference: before the reference's first step) or in the
  // second epoch between two policy updates (steps 0-2 warm-up, 3-5 policy, 6-9 rejoined)
  it.each([
    ['k2-reference', 3],
    ['k2-reference', 4],
    ['warmup', 4],
  ] as const)('resumes an adaptive run (acc_ref %s; FR net, policy, its optimizer, mu, baseline, reference) exactly where it stopped (step %i), across the rejoin', async (rule, stopAt) => {
    const cfg = config('adaptive', 3, rule);
    const { data, validation } = split(cfg);
    const run = async (stopAt: number | null, dir: string): Promise<{ values: number[]; state: DefenceSnapshot }> => {
      const model = createFaceModel(cfg, data);
      const optimizer = tf.train.adam(cfg.lr);
      const runtime = new DefenceRuntime(model, data, validation);
      let steps = 0;
      const outcome = await fit(model, optimizer, data, runtime, {
        onStep: () => void steps++,
        shouldStop: () => stopAt !== null && steps >= stopAt,
        checkpoint: async (resume: Resume) => {
          await saveCheckpoint(dir, { config: cfg, frontEnd: model.frontEnd, params: model.params, optimizer, resume, parts: { [DEFENCE_PART]: await runtime.part() } });
        },
      });
      if (outcome.status === 'cancelled') {
        const ck = await loadCheckpoint(dir);
        const resumedModel = createFaceModel(ck.manifest.config, data, ck.manifest.frontEnd);
        const opt2 = tf.train.adam(cfg.lr);
        await restoreInto(ck, resumedModel.params, opt2);
        const rt2 = new DefenceRuntime(resumedModel, data, validation);
        await rt2.restore(ck.parts.get(DEFENCE_PART)!);
        await fit(resumedModel, opt2, data, rt2, {}, ck.manifest.resume);
        const out = { values: await valuesOf(resumedModel, rt2), state: rt2.state() };
        [optimizer, opt2, runtime, rt2].forEach((o) => o.dispose());
        disposeFaceModel(model);
        disposeFaceModel(resumedModel);
        return out;
      }
      const out = { values: await valuesOf(model, runtime), state: runtime.state() };
      optimizer.dispose();
      runtime.dispose();
      disposeFaceModel(model);
      return out;
    };
    const straight = await run(null, join(tempDir(), 'a'));
    const resumed = await run(stopAt, join(tempDir(), 'b'));
    expect(straight.state.policyUpdates).toBeGreaterThan(0);
    expect(straight.state.reference?.accuracy.length ?? 0).toBe(rule === 'k2-reference' ? 1 : 0);
    // the reference's cost is the one field a rerun does not repeat
    for (const st of [straight.state, resumed.state]) if (st.reference) Object.assign(st.reference, { cpuSeconds: 0, wallSeconds: 0 });
    expect(resumed.state).toEqual(straight.state);
    // bit for bit: both Adams' running beta^t are restored as saved
    expect(resumed.values).toHaveLength(straight.values.length);
    const differing = resumed.values.filter((v, i) => v !== straight.values[i]).length;
    expect(differing).toBe(0);
  });

  it('a detour (the k = 2 reference) leaves no trace: snapshot, more training, restore, and the run goes on as if it had not taken it', async () => {
    const cfg = config('freq-mixup', 3);
    const after = (o: TrainOutcome): Resume => ({ position: o.position, globalStep: o.globalStep, epochLossSum: 0, epochSeconds: 0 });
    const run = async (detour: boolean): Promise<{ values: number[]; tensors: number }> => {
      const model = createFaceModel(cfg, all);
      const optimizer = tf.train.adam(cfg.lr);
      const runtime = new DefenceRuntime(model, all, []);
      const first = await train(model, optimizer, all, { defence: runtime, until: 1 });
      const tensors = tf.memory().numTensors;
      if (detour) {
        const saved = await snapshotTraining(model.params, optimizer);
        await train(model, optimizer, all, { defence: runtime, until: 3 }, after(first));
        await restoreInto(saved, model.params, optimizer);
        expect(tf.memory().numTensors).toBe(tensors);
      }
      await train(model, optimizer, all, { defence: runtime, until: 2 }, after(first));
      const out = { values: await valuesOf(model, runtime), tensors: tf.memory().numTensors };
      optimizer.dispose();
      runtime.dispose();
      disposeFaceModel(model);
      return out;
    };
    const straight = await run(false);
    const detoured = await run(true);
    expect(detoured.tensors).toBe(straight.tensors);
    expect(detoured.values.filter((v, i) => v !== straight.values[i]).length).toBe(0);
  });
});
