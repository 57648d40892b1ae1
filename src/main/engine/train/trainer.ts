/**
 * The training loop (one loop with hooks, after minGPT's trainer): seeded batches, a cosine LR
 * schedule, decoupled weight decay, batch-norm statistics, held-out accuracy per epoch, NaN/Inf
 * and tensor-leak guards, cooperative cancellation (the current step finishes, then a checkpoint
 * is saved) and resume from a position. Every step's tensors live in tf.tidy scopes or are
 * disposed explicitly (optimizerStep), and the leak guard checks the count after each epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { AppError } from '../../../shared/contract/errors.ts';
import { identificationAccuracy } from '../eval/evaluate.ts';
import type { DataParallel } from '../parallel/data-parallel.ts';
import { faceReplica, type Item } from '../parallel/replica.ts';
import { freshResume, type Position, type Resume } from './checkpoint.ts';
import { augmentFor, batchesPerEpoch, epochBatches, type TrainData } from './data.ts';
import type { FaceModel } from './face-model.ts';
import { cosineWithWarmup } from './schedule.ts';
import { optimizerStep, type StepExtras } from './step.ts';

export interface StepInfo {
  epoch: number;
  step: number;
  stepsPerEpoch: number;
  /** the run's optimizer steps taken, this one included (a resumed run's count goes on) */
  globalStep: number;
  /** the run's steps over all its epochs (epochs differ in length once adaptive's validation slice rejoins) */
  totalSteps: number;
  loss: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface EpochInfo {
  epoch: number;
  loss: number;
  accuracy: number;
  lr: number;
  seconds: number;
  imagesPerSecond: number;
  /** the defence's per-epoch metrics (k histogram, mean k, reward, mu, entropy, epsilon, ...) */
  defence?: Record<string, number>;
}

/** What a defence adds to the loop (engine/defence/runtime.ts). */
export interface TrainDefence {
  /** the step's items with their MixUp recipes */
  prepare(items: readonly Item[], epoch: number, step: number): Item[];
  extras(globalStep: number): StepExtras;
  endEpoch(epoch: number, globalStep: number): Promise<Record<string, number>>;
  /** identification accuracy on `rows` as the defence evaluates it (e.g. with clean batch-norm statistics) */
  accuracy?(rows: TrainData['heldout']): Promise<number>;
  /** called once after the last epoch's steps, before its evaluation and checkpoint */
  finish?(): Promise<void>;
  /** the epoch's training items when the defence changes them (adaptive's validation slice rejoins); default `data.train` */
  trainItems?(epoch: number): TrainData['train'];
}

export interface TrainHooks {
  onStep?(info: StepInfo): void;
  onEpoch?(info: EpochInfo): Promise<void> | void;
  /** true once cancellation was requested */
  shouldStop?(): boolean;
  /** called after every epoch and on cancel with the state to resume from (mid-epoch on cancel) */
  checkpoint?(resume: Resume): Promise<void>;
  defence?: TrainDefence;
  /** stop, done, before this epoch (default: the config's epochs): adaptive's k = 2 reference forks at the warm-up's end */
  until?: number;
}

export interface TrainOutcome {
  status: 'done' | 'cancelled';
  position: Position;
  /** optimizer steps taken in all (the LR schedule's position) */
  globalStep: number;
}

/** Leak allowance: optimizer slots and BN statistics are created in the first steps only. */
function checkLeak(before: number, epoch: number): void {
  const now = tf.memory().numTensors;
  if (now > before) throw new AppError('INTERNAL', `Tensor leak in the training loop: ${now - before} tensors left after epoch ${epoch + 1}. Please report this.`);
}

export async function train(
  model: FaceModel,
  optimizer: tf.AdamOptimizer,
  data: TrainData,
  hooks: TrainHooks = {},
  start: Resume = freshResume(),
  parallel: DataParallel | null = null,
): Promise<TrainOutcome> {
  const cfg = model.config;
  const replica = parallel?.replica ?? faceReplica(model, data);
  const itemsOf = (epoch: number): TrainData['train'] => hooks.defence?.trainItems?.(epoch) ?? data.train;
  const stepsOf = (epoch: number): number => batchesPerEpoch(itemsOf(epoch).length, cfg.batch);
  const totalSteps = Array.from({ length: cfg.epochs }, (_, e) => stepsOf(e)).reduce((a, b) => a + b, 0);
  const warmupSteps = Array.from({ length: cfg.warmupEpochs }, (_, e) => stepsOf(e)).reduce((a, b) => a + b, 0);
  const decayed = model.params.trainable().filter((v) => /\/w$/.test(model.params.local(v.name)));
  let globalStep = start.globalStep;
  let baseline = -1;
  const started = performance.now();
  let imagesSeen = 0;

  const until = Math.min(hooks.until ?? cfg.epochs, cfg.epochs);
  for (let epoch = start.position.epoch; epoch < until; epoch++) {
    const epochItems = itemsOf(epoch);
    const batches = epochBatches(epochItems, cfg.batch, cfg.seed, epoch);
    const resumed = epoch === start.position.epoch;
    const firstStep = resumed ? start.position.step : 0;
    // A resumed epoch carries the sums of its steps before the stop [mid-epoch resume].
    const epochStart = performance.now() - (resumed ? start.epochSeconds * 1000 : 0);
    let lossSum = resumed ? start.epochLossSum : 0;
    let lr = cfg.lr;
    for (let step = firstStep; step < batches.length; step++) {
      if (hooks.shouldStop?.()) {
        const position = { epoch, step };
        await hooks.checkpoint?.({ position, globalStep, epochLossSum: lossSum, epochSeconds: (performance.now() - epochStart) / 1000 });
        return { status: 'cancelled', position, globalStep };
      }
      const items = hooks.defence ? hooks.defence.prepare(batches[step], epoch, step) : batches[step];
      lr = cosineWithWarmup(globalStep, totalSteps, warmupSteps, cfg.lr);
      (optimizer as unknown as { learningRate: number }).learningRate = lr;
      const augment = augmentFor(items.length, cfg.seed, epoch, step, { flip: cfg.flip, shift: cfg.shift });
      const value = await optimizerStep(replica, optimizer, parallel, items, augment, () =>
        tf.tidy(() => {
          for (const v of decayed) v.assign(v.mul(1 - lr * cfg.weightDecay));
        }),
        hooks.defence?.extras(globalStep),
      );
      if (!Number.isFinite(value)) {
        throw new AppError('ENGINE_NAN_LOSS', `The training loss became ${value} at epoch ${epoch + 1}, step ${step + 1}. Lower the learning rate or check the dataset, then start a new run.`);
      }
      globalStep++;
      imagesSeen += items.length;
      lossSum += value;
      const elapsed = (performance.now() - started) / 1000;
      const rate = imagesSeen / elapsed;
      hooks.onStep?.({
        epoch,
        step,
        stepsPerEpoch: batches.length,
        globalStep,
        totalSteps,
        loss: value,
        imagesPerSecond: rate,
        etaSeconds: Math.round(((totalSteps - globalStep) * cfg.batch) / rate),
      });
      if (baseline < 0 && globalStep >= 2) baseline = tf.memory().numTensors;
    }
    const last = epoch === cfg.epochs - 1;
    if (last) await hooks.defence?.finish?.();
    const evaluate = (): Promise<number> => hooks.defence?.accuracy?.(data.heldout) ?? identificationAccuracy(model, data);
    const accuracy = (epoch + 1) % cfg.evalEvery === 0 || last ? await evaluate() : Number.NaN;
    const seconds = (performance.now() - epochStart) / 1000;
    const defence = await hooks.defence?.endEpoch(epoch, globalStep);
    await hooks.onEpoch?.({
      defence,
      epoch,
      loss: lossSum / batches.length,
      accuracy,
      lr,
      seconds,
      imagesPerSecond: epochItems.length / seconds,
    });
    await hooks.checkpoint?.({ position: { epoch: epoch + 1, step: 0 }, globalStep, epochLossSum: 0, epochSeconds: 0 });
    if (baseline >= 0) checkLeak(baseline, epoch);
  }
  return { status: 'done', position: { epoch: until, step: 0 }, globalStep };
}
