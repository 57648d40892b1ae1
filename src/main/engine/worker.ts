/**
 * The engine worker (a worker thread): picks the backend, builds or restores the face model, runs
 * the trainer, saves checkpoints, evaluates, and reports through the typed protocol. It owns no
 * store access; the jobs layer records what it reports.
 */
import * as tf from '@tensorflow/tfjs';
import { parentPort } from 'node:worker_threads';
import { AppError, toErrorInfo } from '../../shared/contract/errors.ts';
import { readPixelCache } from '../data/cache/pixel-cache.ts';
import { versions } from '../platform/versions.ts';
import { selectBackend } from './backend/select-backend.ts';
import { evaluate } from './eval/evaluate.ts';
import { writeMaskedSet } from './export/masked-export.ts';
import type { ExportRequest, FromWorker, ToWorker, TrainRequest } from './protocol.ts';
import { loadCheckpoint, restoreInto, saveCheckpoint, type Position } from './train/checkpoint.ts';
import { availableParallelism } from 'node:os';
import { DataParallel } from './parallel/data-parallel.ts';
import { faceReplica } from './parallel/replica.ts';
import { NO_DEFENCE } from './defence/config.ts';
import { validationSlice } from './defence/dual.ts';
import { DefenceRuntime, type DefenceSnapshot } from './defence/runtime.ts';
import { defenceFromCheckpoint } from './defence/apply.ts';
import { resolveConfig } from './train/config.ts';
import { createFaceModel, disposeFaceModel } from './train/face-model.ts';
import { train } from './train/trainer.ts';

const port = parentPort!;
let cancelled = false;
const post = (msg: FromWorker): void => port.postMessage(msg);

async function run(req: TrainRequest): Promise<void> {
  const started = performance.now();
  const backend = await selectBackend(req.backend ?? undefined);
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.data.size, channels: req.data.channels });
  const all = { ...req.data, pixels };
  const checkpoint = req.resume ? await loadCheckpoint(req.checkpointDir) : null;
  const config = checkpoint
    ? { ...checkpoint.manifest.config, defence: checkpoint.manifest.config.defence ?? NO_DEFENCE, backend }
    : resolveConfig({
        defense: req.defense,
        profile: req.profile,
        seed: req.seed,
        backend,
        epochs: req.epochs,
        input: { size: all.size, channels: all.channels, classes: all.classes },
        workers: req.workers ?? Math.min(2, availableParallelism()),
        trainCount: all.train.length,
        defence: req.defence,
      });
  // The adaptive defence holds a validation slice of the training images back from FR updates.
  const held = config.defence.adaptive ? new Set(validationSlice(all.train, config.defence.adaptive.validationFraction)) : new Set<number>();
  const data = { ...all, train: all.train.filter((_, i) => !held.has(i)) };
  const validation = all.train.filter((_, i) => held.has(i));
  const model = createFaceModel(config, data, checkpoint?.manifest.frontEnd);
  const optimizer = tf.train.adam(config.lr);
  const d = config.defence;
  const defence = d.mixing || d.dp || d.adaptive ? new DefenceRuntime(model, data, validation) : null;
  let start = { position: { epoch: 0, step: 0 } as Position, globalStep: 0 };
  if (checkpoint) {
    await restoreInto(checkpoint, model.params, optimizer);
    if (defence && checkpoint.manifest.defence) await defence.restore(checkpoint.manifest.defence as DefenceSnapshot, checkpoint.defence);
    start = { position: checkpoint.manifest.position, globalStep: checkpoint.manifest.globalStep };
  }
  post({ type: 'started', config, backend, versions: versions(), resumedFrom: checkpoint ? start.position : null });
  const parallel =
    config.workers > 1
      ? await DataParallel.start(
          { kind: 'face', config, frontEnd: model.frontEnd, cacheFile: req.cacheFile, count: req.count, size: data.size, channels: data.channels },
          faceReplica(model, data),
          backend,
        )
      : null;
  let lastGlobalStep = start.globalStep;
  const outcome = await train(model, optimizer, data, {
    onStep: (info) => post({ type: 'step', info }),
    onEpoch: (info) => post({ type: 'epoch', info }),
    shouldStop: () => cancelled,
    defence: defence ?? undefined,
    checkpoint: async (position, globalStep) => {
      lastGlobalStep = globalStep;
      const snapshot = defence ? await defence.snapshot() : undefined;
      const saved = await saveCheckpoint(req.checkpointDir, { config, frontEnd: model.frontEnd, params: model.params, optimizer, position, globalStep, defence: snapshot });
      post({ type: 'checkpoint', path: saved.path, hash: saved.hash, position });
    },
  }, start, parallel).finally(() => parallel?.close());
  const evaluation = outcome.status === 'done' ? await evaluate(model, data) : null;
  const result = defence?.result(lastGlobalStep) ?? { policy: null, epsilon: null };
  optimizer.dispose();
  defence?.dispose();
  disposeFaceModel(model);
  post({ type: 'done', status: outcome.status, evaluation, seconds: (performance.now() - started) / 1000, ...result });
}

async function exportSet(req: ExportRequest): Promise<void> {
  await selectBackend();
  const checkpoint = await loadCheckpoint(req.checkpointDir);
  const { config, frontEnd } = checkpoint.manifest;
  if (config.defense === 'dp-sgd') {
    throw new AppError('UNSUPPORTED', 'A dp-sgd run protects its model (clipped, noised gradients), not its data: it has no masked training set to export. Export a run trained with a masking defence (ppfr-fd, freq-mixup, adaptive, mixup, instahide).');
  }
  if (!frontEnd && !config.defence?.mixing) throw new AppError('UNSUPPORTED', 'This run is undefended: there is nothing masked to export.');
  const defence = defenceFromCheckpoint({ ...checkpoint.manifest, tensors: checkpoint.defence });
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.size, channels: req.channels });
  const data = { pixels, size: req.size, channels: req.channels, train: [], heldout: [], classes: 0 };
  try {
    const output = await writeMaskedSet(req.outDir, req.format, data, req.items, defence, (done, total) => post({ type: 'export-progress', done, total }));
    const adaptive = checkpoint.manifest.defence as { policyUpdates?: number } | undefined;
    post({ type: 'exported', output, frontEnd, config, policyVersion: config.defence?.adaptive ? (adaptive?.policyUpdates ?? 0) : null });
  } finally {
    defence.policy?.dispose();
  }
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    cancelled = true;
    return;
  }
  const work = msg.type === 'train' ? run(msg.request) : exportSet(msg.request);
  work.catch((err: unknown) => post({ type: 'error', error: toErrorInfo(err) }));
});
