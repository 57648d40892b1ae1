/**
 * Training runs as jobs: creates the run row, starts the engine worker, relays its progress to
 * the job (events), records the frozen config, per-epoch metrics and the latest checkpoint in the
 * store, and the result. Cancel = the worker finishes its step and checkpoints (run `cancelled`,
 * resumable). A worker that dies leaves the run `interrupted`, resumable from its checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors.ts';
import type { ParsedRequestOf } from '../../shared/contract/api.ts';
import type { TrainResult } from '../../shared/domain/run.ts';
import { resolveBackboneName } from '../engine/backbone/registry.ts';
import type { FromWorker, TrainRequest } from '../engine/protocol.ts';
import type { DefenceConfig, DefenceOptions } from '../engine/defence/config.ts';
import { TRAINABLE_DEFENSES, type TrainConfig } from '../engine/train/config.ts';
import type { Store } from '../store/store.ts';
import { callEngine } from './engine-call.ts';
import type { EventBus } from './event-bus.ts';
import type { JobContext } from './job-runner.ts';
import { liveMetrics } from './live-metrics.ts';
import { trainSplit } from './train-data.ts';
import { trainProgress } from './train-progress.ts';

export interface TrainJobDeps {
  store: Store;
  dataDir: string;
  bus: EventBus;
  /** the engine worker's entry (tests may inject a failing one) */
  workerUrl?: URL;
}

function uniqueRunName(store: Store, base: string): string {
  let name = base;
  for (let i = 2; store.runs.nameExists(name); i++) name = `${base}-${i}`;
  return name;
}

export async function startTraining(deps: TrainJobDeps, req: ParsedRequestOf<'runs.train'>, ctx: JobContext): Promise<TrainResult> {
  if (!TRAINABLE_DEFENSES.includes(req.defense)) {
    throw new AppError('UNSUPPORTED', `The ${req.defense} defence is not trainable yet; this version trains: ${TRAINABLE_DEFENSES.join(', ')}.`);
  }
  if (req.backbone && req.backbone !== 'scratch') resolveBackboneName(req.backbone);
  const dataset = deps.store.datasets.resolve(req.dataset);
  const runId = `run_${randomBytes(5).toString('hex')}`;
  const name = req.name ? uniqueRunName(deps.store, req.name) : uniqueRunName(deps.store, `${dataset.name}-${req.defense}-s${req.seed}`);
  deps.store.runs.create({ id: runId, name, datasetId: dataset.id, defense: req.defense, seed: req.seed, config: { request: req } });
  deps.bus.emit('runs.changed', { runId });
  const defence = defenceOptions(req);
  return runWorker(deps, runId, { defense: req.defense, profile: req.profile, seed: req.seed, epochs: req.epochs, backend: req.backend ?? null, resume: false, defence, backbone: req.backbone }, ctx);
}

/** The defence knobs of a train request. */
function defenceOptions(req: ParsedRequestOf<'runs.train'>): DefenceOptions {
  return { k: req.k, accuracyBudget: req.accuracyBudget, noiseMultiplier: req.noiseMultiplier, targetEpsilon: req.targetEpsilon, clip: req.clip, channelSelection: req.channelSelection, accuracyReference: req.accuracyReference };
}

/** The same knobs read back from a frozen config (a run that started but never checkpointed). */
function frozenDefenceOptions(d: DefenceConfig | undefined): DefenceOptions | undefined {
  if (!d) return undefined;
  const dp = d.dp;
  return {
    k: typeof d.mixing?.k === 'number' ? d.mixing.k : undefined,
    accuracyBudget: d.adaptive?.accuracyBudget,
    accuracyReference: d.adaptive?.accRef === 'warmup' || d.adaptive?.accRef === 'k2-reference' ? d.adaptive.accRef : undefined,
    ...(dp ? (dp.targetEpsilon !== null ? { targetEpsilon: dp.targetEpsilon } : { noiseMultiplier: dp.noiseMultiplier }) : {}),
    clip: dp?.clip,
    channelSelection: d.channelSelection,
  };
}

export async function resumeTraining(deps: TrainJobDeps, runRef: string, ctx: JobContext): Promise<TrainResult> {
  const run = deps.store.runs.resolve(runRef);
  if (run.status !== 'interrupted' && run.status !== 'cancelled') {
    throw new AppError('CONFLICT', `Run "${run.name}" is ${run.status}; only interrupted or cancelled runs can be resumed.`);
  }
  const config = run.config as Partial<TrainConfig> & { request?: ParsedRequestOf<'runs.train'> };
  const hasCheckpoint = deps.store.runs.checkpoint(run.id) !== null;
  const fresh = config.request ?? { defense: run.defense, profile: config.profile ?? 'standard', seed: run.seed, epochs: config.epochs };
  return runWorker(
    deps,
    run.id,
    {
      defense: run.defense,
      profile: fresh.profile ?? 'standard',
      seed: run.seed,
      epochs: fresh.epochs,
      backend: run.backend,
      resume: hasCheckpoint,
      backbone: config.request?.backbone,
      defence: config.request ? defenceOptions(config.request) : frozenDefenceOptions(config.defence),
    },
    ctx,
  );
}

type WorkerOptions = Pick<TrainRequest, 'defense' | 'profile' | 'seed' | 'epochs' | 'backend' | 'resume' | 'defence' | 'backbone'>;

async function runWorker(deps: TrainJobDeps, runId: string, opts: WorkerOptions, ctx: JobContext): Promise<TrainResult> {
  const run = deps.store.runs.resolve(runId);
  const dataset = deps.store.datasets.resolve(run.datasetId);
  ctx.setSubject(runId);
  const live = liveMetrics(deps.bus, runId);
  const progress = trainProgress(ctx);
  const request: TrainRequest = {
    ...opts,
    cacheFile: join(deps.dataDir, dataset.cacheFile),
    count: dataset.images,
    data: trainSplit(deps.store, dataset),
    checkpointDir: join(deps.dataDir, 'runs', runId, 'checkpoint'),
  };
  let config: TrainConfig | null = null;
  try {
    const final = await callEngine<Extract<FromWorker, { type: 'done' }>>({
      url: deps.workerUrl,
      request: { type: 'train', request },
      signal: ctx.signal,
      onAbort: 'cancel',
      // a crash (uncaught error) or a kill of the worker leaves the run interrupted and resumable; an error the training reports fails it
      crashed: (err) => new InterruptedError(`it crashed: ${err.message}`),
      exited: (code) => new InterruptedError(`exit code ${code}`),
      onMessage: (msg, finish) => {
        switch (msg.type) {
          case 'started':
            config = msg.config;
            deps.store.runs.started(runId, msg.config, msg.backend, msg.versions);
            deps.bus.emit('runs.changed', { runId });
            break;
          case 'step':
            progress.step(msg.info, config?.epochs ?? null);
            live.step(msg.info);
            break;
          case 'reference-step':
            progress.referenceStep(msg.info);
            break;
          case 'epoch': {
            const { epoch, loss, accuracy, lr, imagesPerSecond, seconds, defence } = msg.info;
            const values = { loss, accuracy, lr, imagesPerSecond, seconds, ...defence };
            deps.store.runs.addMetrics(runId, epoch, (epoch + 1) * 1_000_000, values);
            live.epoch(epoch, values);
            deps.bus.emit('runs.changed', { runId });
            break;
          }
          case 'checkpoint':
            deps.store.runs.setCheckpoint(runId, msg.position.epoch, msg.position.step, msg.path, msg.hash);
            break;
          case 'done':
            finish(msg);
            break;
        }
      },
    });
    const cfg = config as TrainConfig | null;
    const result: TrainResult = {
      runId,
      dataset: dataset.name,
      defense: run.defense,
      backend: cfg?.backend ?? 'wasm',
      seed: run.seed,
      epochs: cfg?.epochs ?? 0,
      seconds: +final.seconds.toFixed(1),
      accuracy: final.evaluation
        ? {
            identification: final.evaluation.identification,
            verification: final.evaluation.verification.accuracy,
            tarAtFar1e2: final.evaluation.verification.tarAtFar1e2,
            tarAtFar1e3: final.evaluation.verification.tarAtFar1e3,
          }
        : { identification: 0, verification: 0, tarAtFar1e2: null, tarAtFar1e3: null },
      policy: final.policy ?? null,
      epsilon: final.epsilon ?? null,
      ...(final.accuracyReference ? { accuracyReference: final.accuracyReference } : {}),
      backbone: cfg?.backbone ? { ...cfg.backbone } : null,
      status: final.status === 'done' ? 'done' : 'cancelled',
    };
    if (final.status === 'cancelled') {
      deps.store.runs.finish(runId, 'cancelled', null);
      throw new AppError('CANCELLED', `Training was cancelled after saving a checkpoint. Resume it with \`veil train --resume ${runId}\`.`);
    }
    deps.store.runs.finish(runId, 'done', { ...result, verification: final.evaluation?.verification });
    return result;
  } catch (err) {
    if (err instanceof InterruptedError) {
      deps.store.runs.finish(runId, 'interrupted', null, err.message);
      throw new AppError('INTERNAL', `${err.message} The run is marked interrupted: resume it with \`veil train --resume ${runId}\`.`);
    }
    if (err instanceof AppError && err.code === 'IO') {
      // the disk or a path refused (full, read-only): nothing wrong with the run, which resumes from its last checkpoint
      deps.store.runs.finish(runId, 'interrupted', null, err.message);
      throw new AppError('IO', `${err.message} The run is marked interrupted: once that is fixed, resume it with \`veil train --resume ${runId}\`.`);
    }
    if (!(err instanceof AppError && err.code === 'CANCELLED')) deps.store.runs.finish(runId, 'failed', null, (err as Error).message);
    throw err;
  } finally {
    deps.bus.emit('runs.changed', { runId });
  }
}

class InterruptedError extends Error {
  constructor(why: string) {
    super(`The engine worker stopped unexpectedly (${why}).`);
  }
}
