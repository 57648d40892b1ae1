/**
 * Why MixUp training generalises badly on ORL: `node bench/diagnose-mixup.ts --defense freq-mixup
 * --k 2 --epochs 25 [--seed 1] [--workers 1] [--every 5] [--home .bench-defences] [--backbone
 * pretrained] [--slice seeded|positional]`. Trains in process on the bench's imported ORL and
 * prints, every few epochs, held-out identification with the running batch-norm statistics and
 * with statistics re-estimated on the clean (masked, unmixed) training images, plus clean training
 * accuracy; `--slice` holds adaptive's validation slice of the training images (a seeded draw, or
 * the older positional one) out of training and prints its accuracy (the curve to choose epochs
 * by). `--keep N` keeps N frequency channels per plane instead of the default 36 (a what-if, not
 * the product's default); `--defense adaptive [--budget B]` holds its seeded validation slice out
 * and gives it to the policy's dual update, as the train job does. A diagnostic that prints
 * numbers, not a test.
 */
import * as tf from '@tensorflow/tfjs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { withRecalibratedBatchNorm } from '../src/main/engine/defence/bn-recalibrate.ts';
import { withBackbone, withChosenCrop } from '../src/main/engine/backbone/backbone-model.ts';
import { imprintHead } from '../src/main/engine/backbone/imprint.ts';
import { adaptiveSlice, validationSlice } from '../src/main/engine/defence/dual.ts';
import { DefenceRuntime } from '../src/main/engine/defence/runtime.ts';
import { identificationAccuracy } from '../src/main/engine/eval/evaluate.ts';
import { DataParallel } from '../src/main/engine/parallel/data-parallel.ts';
import { faceReplica } from '../src/main/engine/parallel/replica.ts';
import { resolveConfig } from '../src/main/engine/train/config.ts';
import type { TrainData } from '../src/main/engine/train/data.ts';
import { createFaceModel, type FaceModel } from '../src/main/engine/train/face-model.ts';
import { train } from '../src/main/engine/train/trainer.ts';
import type { Defense } from '../src/shared/domain/run.ts';
import { orlSplit } from './orl-split.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: o } = parseArgs({
  allowNegative: true,
  options: {
    home: { type: 'string', default: join(root, '.bench-defences') },
    defense: { type: 'string', default: 'freq-mixup' },
    k: { type: 'string' },
    epochs: { type: 'string' },
    backbone: { type: 'string' },
    slice: { type: 'string' },
    keep: { type: 'string' },
    budget: { type: 'string' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    every: { type: 'string', default: '5' },
    'mixed-loss': { type: 'string' },
    margin: { type: 'string' },
    scale: { type: 'string' },
    recalibrate: { type: 'boolean', default: true },
  },
});

/** Held-out accuracy with statistics re-estimated on clean training images; the running ones restored after. */
function recalibratedAccuracy(model: FaceModel, data: TrainData): Promise<number> {
  const o = { rows: data.train.map((t) => t.row), batch: model.config.batch / model.config.workers };
  return withRecalibratedBatchNorm(model, data, o, () => identificationAccuracy(model, data));
}

/** adaptive's per-epoch policy numbers (mean k, mu, reference and validation accuracy), when present. */
function policyNote(d: Record<string, number> | undefined): string {
  const keys = ['meanK', 'mu', 'accRef', 'valSmoothed'].filter((k) => d && Number.isFinite(d[k]));
  return keys.length ? `; ${keys.map((k) => `${k} ${d![k].toFixed(3)}`).join(', ')}` : '';
}

const home = resolve(o.home!);
const backend = await selectBackend();
const { data: split, cacheFile, count } = orlSplit(home);
const all: TrainData = { ...split, pixels: await readPixelCache(cacheFile, { count, size: split.size, channels: split.channels }) };
const workers = Number(o.workers);
// Scratch: 25 epochs unless given; a backbone: its preset (and minimum steps) unless given.
const epochs = o.epochs ? Number(o.epochs) : o.backbone ? undefined : 25;
const knobs = { ...(o.k ? { k: Number(o.k) } : {}), ...(o.budget ? { accuracyBudget: Number(o.budget) } : {}) };
const resolvedBase = resolveConfig({ defense: o.defense as Defense, profile: 'standard', seed: Number(o.seed), backend, epochs, input: { size: all.size, channels: all.channels, classes: all.classes }, workers, trainCount: all.train.length, defence: knobs });
// --keep N: a front end keeping N channels per plane (not the default 36), before the input gain is fitted.
const keep = o.keep && resolvedBase.frontEnd ? Number(o.keep) : null;
const base = keep ? { ...resolvedBase, frontEnd: { ...resolvedBase.frontEnd!, keepPerPlane: keep }, net: { ...resolvedBase.net, inputChannels: keep * all.channels } } : resolvedBase;
const resolved = withChosenCrop(withBackbone(base, o.backbone, epochs), all, epochs);
// adaptive: its seeded validation slice, as the train job holds it; else --slice seeded|positional
// (1/7 of each identity's training images) stays out of training.
const adaptive = resolved.defence.adaptive;
const held = new Set(adaptive ? adaptiveSlice(all.train, adaptive, resolved.seed) : o.slice ? validationSlice(all.train, 1 / 7, o.slice === 'positional' ? undefined : Number(o.seed)) : []);
const data: TrainData = { ...all, train: all.train.filter((_, i) => !held.has(i)) };
const sliceData = { ...data, heldout: all.train.filter((_, i) => held.has(i)) };
const head = { ...resolved.head, ...(o['mixed-loss'] ? { mixedLoss: o['mixed-loss'] as 'soft-target' } : {}), ...(o.margin ? { margin: Number(o.margin) } : {}), ...(o.scale ? { scale: Number(o.scale) } : {}) };
const config = { ...resolved, head };
const model = createFaceModel(config, data);
if (config.backbone) await imprintHead(model, data);
const optimizer = tf.train.adam(config.lr);
const defence = config.defence.mixing ? new DefenceRuntime(model, data, adaptive ? sliceData.heldout : []) : null;
const parallel = workers > 1 ? await DataParallel.start({ kind: 'face', config, frontEnd: model.frontEnd, cacheFile, count, size: data.size, channels: data.channels }, faceReplica(model, data), backend) : null;
const trainAcc = { ...data, heldout: data.train };
const every = Number(o.every);
console.log(`${o.defense}${o.k ? ` k=${o.k}` : ''}${keep ? ` keep ${keep}` : ''} seed ${o.seed}, ${config.backbone?.inputGain ? `input gain ${config.backbone.inputGain}, ` : ''}${config.backbone ? `backbone ${config.backbone.name}, ` : ''}${config.epochs} epochs, ${held.size} slice images, ${workers} thread(s), ${backend}, head ${config.head.kind} s=${config.head.scale} m=${config.head.margin} ${config.head.mixedLoss ?? 'per-label'}`);
const started = performance.now();
await train(model, optimizer, data, {
  defence: defence ?? undefined,
  onEpoch: async (e) => {
    if ((e.epoch + 1) % every !== 0 && e.epoch !== config.epochs - 1) return;
    // With --slice only the clean-statistics numbers (the trainer's held-out already uses them).
    const clean = o.slice ? Number.NaN : await identificationAccuracy(model, trainAcc);
    const recal = o.recalibrate && !o.slice ? await recalibratedAccuracy(model, data) : Number.NaN;
    const cleanRecal = o.recalibrate ? await recalibratedAccuracy(model, trainAcc) : Number.NaN;
    const slice = held.size ? (o.recalibrate ? await recalibratedAccuracy(model, sliceData) : await identificationAccuracy(model, sliceData)) : Number.NaN;
    console.log(`epoch ${e.epoch + 1}: loss ${e.loss.toFixed(3)}; slice ${slice.toFixed(3)}; held-out ${e.accuracy.toFixed(3)} (as the trainer reports it), ${recal.toFixed(3)} (BN re-estimated on clean train); clean train ${clean.toFixed(3)} / ${cleanRecal.toFixed(3)}${policyNote(e.defence)}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
  },
}, undefined, parallel).finally(() => parallel?.close());
