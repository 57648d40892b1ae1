/**
 * One training session as the engine worker runs it: backend, pixel cache, a fresh or resumed
 * model and optimizer (from the run's checkpoint), the optional data-parallel helper, the trainer
 * with checkpointing, and the final evaluation. Kept apart from the worker so tests drive it.
 */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { readPixelCache } from '../../data/cache/pixel-cache.ts';
import { versions } from '../../platform/versions.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { evaluate } from '../eval/evaluate.ts';
import { DataParallel } from '../parallel/data-parallel.ts';
import { faceReplica } from '../parallel/replica.ts';
import type { FromWorker, TrainRequest } from '../protocol.ts';
import { NO_DEFENCE } from '../defence/config.ts';
import { adaptiveSlice } from '../defence/dual.ts';
import { learnedFrontEnd } from '../defence/masking-net.ts';
import { trainAdaptive } from '../defence/reference.ts';
import { DEFENCE_PART } from '../defence/checkpoint-part.ts';
import { DefenceRuntime } from '../defence/runtime.ts';
import { freshResume, loadCheckpoint, restoreInto, saveCheckpoint, type Resume } from './checkpoint.ts';
import { withBackbone, withChosenCrop } from '../backbone/backbone-model.ts';
import { imprintHead } from '../backbone/imprint.ts';
import { resolveConfig } from './config.ts';
import { createFaceModel, disposeFaceModel } from './face-model.ts';
import { train } from './trainer.ts';

export async function trainSession(req: TrainRequest, post: (msg: FromWorker) => void, shouldStop: () => boolean): Promise<void> {
  const started = performance.now();
  const backend = await selectBackend(req.backend ?? undefined);
  const pixels = await readPixelCache(req.cacheFile, { count: req.count, size: req.data.size, channels: req.data.channels });
  const all = { ...req.data, pixels };
  const checkpoint = req.resume ? await loadCheckpoint(req.checkpointDir) : null;
  const config = checkpoint
    ? { ...checkpoint.manifest.config, defence: checkpoint.manifest.config.defence ?? NO_DEFENCE, backend }
    : withChosenCrop(withBackbone(resolveConfig({
        defense: req.defense,
        profile: req.profile,
        seed: req.seed,
        backend,
        epochs: req.epochs,
        input: { size: all.size, channels: all.channels, classes: all.classes },
        workers: req.workers ?? Math.min(2, availableParallelism()),
        trainCount: all.train.length,
        defence: req.defence,
      }), req.backbone, req.epochs), all, req.epochs);
  // The adaptive defence holds a validation slice of the training images back from FR updates.
  const held = config.defence.adaptive ? new Set(adaptiveSlice(all.train, config.defence.adaptive, config.seed)) : new Set<number>();
  const data = { ...all, train: all.train.filter((_, i) => !held.has(i)) };
  // DESIGN 5.1 step 3b: the masking network learns the selection before the FR network trains.
  const learned = !checkpoint && config.frontEnd && config.defence.channelSelection === 'learned' ? await learnedFrontEnd(config, data) : null;
  const model = createFaceModel(config, data, checkpoint?.manifest.frontEnd ?? learned);
  const optimizer = tf.train.adam(config.lr);
  const d = config.defence;
  const defence = d.mixing || d.dp || d.adaptive ? new DefenceRuntime(model, data, all.train.filter((_, i) => held.has(i))) : null;
  let start: Resume | undefined;
  if (!checkpoint && config.backbone) await imprintHead(model, data);
  if (checkpoint) {
    await restoreInto(checkpoint, model.params, optimizer);
    const part = checkpoint.parts.get(DEFENCE_PART);
    if (defence && part) await defence.restore(part);
    start = checkpoint.manifest.resume;
  }
  let lastGlobalStep = start?.globalStep ?? 0;
  post({ type: 'started', config, backend, versions: versions(), resumedFrom: start ? start.position : null });
  const parallel =
    config.workers > 1
      ? await DataParallel.start(
          { kind: 'face', config, frontEnd: model.frontEnd, cacheFile: req.cacheFile, count: req.count, size: data.size, channels: data.channels },
          faceReplica(model, data),
          backend,
        )
      : null;
  const hooks = {
    onStep: (info) => post({ type: 'step', info }),
    onEpoch: (info) => post({ type: 'epoch', info }),
    shouldStop,
    defence: defence ?? undefined,
    checkpoint: async (resume) => {
      lastGlobalStep = resume.globalStep;
      const parts = defence ? { [DEFENCE_PART]: await defence.part() } : undefined;
      const saved = await saveCheckpoint(req.checkpointDir, { config, frontEnd: model.frontEnd, params: model.params, optimizer, resume, parts });
      post({ type: 'checkpoint', path: saved.path, hash: saved.hash, position: resume.position });
    },
  } satisfies Parameters<typeof train>[3];
  const training = defence && config.defence.adaptive ? trainAdaptive({ model, optimizer, data, runtime: defence, hooks, start: start ?? freshResume(), parallel, onReferenceStep: (info) => post({ type: 'reference-step', info }) }) : train(model, optimizer, data, hooks, start, parallel);
  const outcome = await training.finally(() => parallel?.close());
  const evaluation = outcome.status === 'done' ? await evaluate(model, data) : null;
  const result = defence?.result(lastGlobalStep) ?? { policy: null, epsilon: null, accuracyReference: null };
  optimizer.dispose();
  defence?.dispose();
  disposeFaceModel(model);
  post({ type: 'done', status: outcome.status, evaluation, seconds: (performance.now() - started) / 1000, ...result });
}
