/**
 * Tuning the pretrained backbone's fine-tuning on training images only (issue #15):
 * `node bench/backbone-tune.ts [--dataset orl] [--defense none|ppfr-fd] [--val 2] [--epochs N]
 * [--lr X] [--crop C] [--gain G] [--margin M] [--scale S] [--seed 1] [--data-dir DIR]` holds
 * the last `--val` training images of each private identity back as a validation slice, trains on
 * the rest in this process (one thread) and prints the slice's identification accuracy and mean
 * loss per epoch. The real held-out images are dropped before anything runs: they are never seen.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { withBackbone, withChosenCrop } from '../src/main/engine/backbone/backbone-model.ts';
import { imprintHead } from '../src/main/engine/backbone/imprint.ts';
import { resolveConfig, type TrainConfig } from '../src/main/engine/train/config.ts';
import type { TrainData } from '../src/main/engine/train/data.ts';
import { createFaceModel, disposeFaceModel } from '../src/main/engine/train/face-model.ts';
import { train } from '../src/main/engine/train/trainer.ts';
import { openBackend } from '../src/main/ipc/backend.ts';
import { trainSplit } from '../src/main/jobs/train-data.ts';
import type { Defense } from '../src/shared/domain/run.ts';

const { values: o } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'orl' },
    defense: { type: 'string', default: 'none' },
    val: { type: 'string', default: '2' },
    epochs: { type: 'string' },
    lr: { type: 'string' },
    crop: { type: 'string' },
    gain: { type: 'string' },
    margin: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'data-dir': { type: 'string', default: '/tmp/backbone-tune-home' },
  },
});
const SOURCES: Record<string, { dir: string; color: boolean }> = { orl: { dir: 'orl_faces', color: false }, lfw: { dir: 'lfw_deepfunneled_158x10', color: true } };
const src = SOURCES[o.dataset!];
const backend = openBackend({ dataDir: o['data-dir']! });
const name = o.dataset!;
if (!existsSync(join(o['data-dir']!, 'veil.sqlite')) || !backend.store.datasets.list().some((d) => d.name === name)) {
  const shared = new URL('../../shared/datasets/', import.meta.url).pathname;
  const r = await backend.router.invoke('datasets.import', { dir: join(shared, src.dir), name, size: 112, color: src.color });
  if (!r.ok) throw new Error(r.error.message);
}
const record = backend.store.datasets.resolve(name);
const split = trainSplit(backend.store, record);
const pixels = await readPixelCache(join(o['data-dir']!, record.cacheFile), { count: record.images, size: record.size, channels: record.channels });
backend.close();

/** The last `k` training images of each identity become the validation slice; held-out images are dropped. */
function validationData(k: number): TrainData {
  const byLabel = new Map<number, number[]>();
  split.train.forEach((t, i) => byLabel.set(t.label, [...(byLabel.get(t.label) ?? []), i]));
  const held = new Set([...byLabel.values()].flatMap((idx) => (idx.length > k ? idx.slice(-k) : [])));
  return { ...split, pixels, train: split.train.filter((_, i) => !held.has(i)), heldout: split.train.filter((_, i) => held.has(i)) };
}

const data = validationData(Number(o.val));
const backendName = await selectBackend();
const seed = Number(o.seed);
const epochs = o.epochs ? Number(o.epochs) : undefined;
const base = resolveConfig({ defense: o.defense as Defense, profile: 'standard', seed, backend: backendName, epochs, input: { size: data.size, channels: data.channels, classes: data.classes }, workers: 1, trainCount: data.train.length });
// The run's own choices on training images first, then the overrides being tried.
const chosen = withChosenCrop(withBackbone(base, 'pretrained', epochs), data, epochs);
const config: TrainConfig = Object.freeze({
  ...chosen,
  lr: o.lr ? Number(o.lr) : chosen.lr,
  head: { ...chosen.head, margin: o.margin ? Number(o.margin) : chosen.head.margin, scale: o.scale ? Number(o.scale) : chosen.head.scale },
  backbone: { ...chosen.backbone!, ...(o.crop ? { crop: Number(o.crop) } : {}), ...(o.gain ? { inputGain: Number(o.gain) } : {}) },
});
const model = createFaceModel(config, data);
await imprintHead(model, data);
const optimizer = tf.train.adam(config.lr);
const started = performance.now();
console.log(JSON.stringify({ setup: { defense: config.defense, train: data.train.length, val: data.heldout.length, epochs: config.epochs, lr: config.lr, crop: config.backbone!.crop, head: config.head, backbone: config.backbone } }));
await train(model, optimizer, data, {
  onEpoch: (e) => console.log(JSON.stringify({ epoch: e.epoch + 1, loss: +e.loss.toFixed(3), val: +e.accuracy.toFixed(3), lr: +e.lr.toExponential(2), s: Math.round(e.seconds) })),
});
console.log(JSON.stringify({ done: true, seconds: Math.round((performance.now() - started) / 1000), tensors: tf.memory().numTensors }));
optimizer.dispose();
disposeFaceModel(model);
