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
import { labPreview } from './lab/lab-service.ts';
import { writeMaskedSet } from './export/masked-export.ts';
import type { ExportRequest, FromWorker, ToWorker, TrainRequest } from './protocol.ts';
import { loadCheckpoint, restoreInto, saveCheckpoint, type Position } from './train/checkpoint.ts';
import { availableParallelism } from 'node:os';
import { DataParallel } from './parallel/data-parallel.ts';
import { faceReplica } from './parallel/replica.ts';
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
  const data = { ...req.data, pixels };
  const checkpoint = req.resume ? await loadCheckpoint(req.checkpointDir) : null;
  const config = checkpoint
    ? { ...checkpoint.manifest.config, backend }
    : resolveConfig({
        defense: req.defense,
        profile: req.profile,
        seed: req.seed,
        backend,
        epochs: req.epochs,
        input: { size: data.size, channels: data.channels, classes: data.classes },
        workers: req.workers ?? Math.min(2, availableParallelism()),
      });
  const model = createFaceModel(config, data, checkpoint?.manifest.frontEnd);
  const optimizer = tf.train.adam(config.lr);
  let start = { position: { epoch: 0, step: 0 } as Position, globalStep: 0 };
  if (checkpoint) {
    await restoreInto(checkpoint, model.params, optimizer);
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
  const outcome = await train(model, optimizer, data, {
    onStep: (info) => post({ type: 'step', info }),
    onEpoch: (info) => post({ type: 'epoch', info }),
    shouldStop: () => cancelled,
    checkpoint: async (position, globalStep) => {
      const saved = await saveCheckpoint(req.checkpointDir, { config, frontEnd: model.frontEnd, params: model.params, optimizer, position, globalStep });
      post({ type: 'checkpoint', path: saved.path, hash: saved.hash, position });
    },
  }, start, parallel).finally(() => parallel?.close());
  const evaluation = outcome.status === 'done' ? await evaluate(model, data) : null;
  optimizer.dispose();
  disposeFaceModel(model);
  post({ type: 'done', status: outcome.status, evaluation, seconds: (performance.now() - started) / 1000 });
}

async function exportSet(req: ExportRequest): Promise<void> {
  await selectBackend();
  const checkpoint = await loadCheckpoint(req.checkpointDir);
  const frontEnd = checkpoint.manifest.frontEnd;
  if (!frontEnd) throw new AppError('UNSUPPORTED', 'This run has no frequency front end (it is undefended): there is nothing masked to export.');
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.size, channels: req.channels });
  const data = { pixels, size: req.size, channels: req.channels, train: [], heldout: [], classes: 0 };
  const output = await writeMaskedSet(req.outDir, req.format, data, req.items, frontEnd, (done, total) => post({ type: 'export-progress', done, total }));
  post({ type: 'exported', output, frontEnd });
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    cancelled = true;
    return;
  }
  if (msg.type === 'lab') {
    const { id } = msg;
    labPreview(msg.request).then(
      (output) => post({ type: 'lab-result', id, output }),
      (err: unknown) => post({ type: 'lab-error', id, error: toErrorInfo(err) }),
    );
    return;
  }
  const work = msg.type === 'train' ? run(msg.request) : exportSet(msg.request);
  work.catch((err: unknown) => post({ type: 'error', error: toErrorInfo(err) }));
});
