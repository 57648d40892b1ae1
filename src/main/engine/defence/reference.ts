/**
 * acc_ref from outside the adaptive run [ours] (DESIGN.md 5.4: "a reference the run records"): at the
 * end of the k = 2 warm-up the job forks a k = 2 frequency-MixUp network from the run's own state,
 * trains it on the same schedule with the same slice held out up to the epoch in which the slice
 * rejoins, records its slice accuracy per epoch, puts the run's state back, and only then lets the
 * policy act. The dual update that reads the curve is dual.ts; nothing here looks at held-out images.
 */
import type * as tf from '@tensorflow/tfjs';
import type { DataParallel } from '../parallel/data-parallel.ts';
import { restoreInto, snapshotTraining, type Resume } from '../train/checkpoint.ts';
import type { TrainData } from '../train/data.ts';
import type { FaceModel } from '../train/face-model.ts';
import { train, type StepInfo, type TrainDefence, type TrainHooks, type TrainOutcome } from '../train/trainer.ts';
import { warmupEnd } from './config.ts';
import { smoothCurve, type AccuracyReference } from './dual.ts';
import { withRecipes, type DefenceRuntime } from './runtime.ts';

export interface AdaptiveTraining {
  model: FaceModel;
  optimizer: tf.AdamOptimizer;
  data: TrainData;
  /** the adaptive run's defence (its slice, its schedule of training items, its state) */
  runtime: DefenceRuntime;
  hooks: TrainHooks;
  start: Resume;
  parallel: DataParallel | null;
  /** the reference's own steps, apart from the run's `hooks.onStep` (progress; its numbers are not the run's) */
  onReferenceStep?(info: ReferenceStepInfo): void;
}

/** One step of the k = 2 reference: the trainer's step report, and the epochs the reference spans. */
export interface ReferenceStepInfo extends StepInfo {
  /** the reference's first epoch (the warm-up's end, 0-based) */
  from: number;
  /** the epoch it stops before (the slice's rejoin, or the run's end) */
  until: number;
}

/**
 * The trainer, with the k = 2 reference forked at the end of the warm-up when the run's acc_ref rule
 * is 'k2-reference' and the run has no reference yet (a run resumed after it carries it in its
 * checkpoint). Cancelled during the reference: the last checkpoint is the warm-up's end, and a
 * resumed run trains the same reference again (it is deterministic).
 */
export async function trainAdaptive(o: AdaptiveTraining): Promise<TrainOutcome> {
  const cfg = o.model.config;
  const a = cfg.defence.adaptive;
  // a run no longer than its warm-up is all k = 2: the policy never acts, so there is nothing to refer to
  if (a?.accRef !== 'k2-reference' || o.runtime.reference || warmupEnd(a, cfg.epochs) >= cfg.epochs) return train(o.model, o.optimizer, o.data, o.hooks, o.start, o.parallel);
  const from = warmupEnd(a, cfg.epochs);
  let start = o.start;
  if (start.position.epoch < from) {
    const warm = await train(o.model, o.optimizer, o.data, { ...o.hooks, until: from }, start, o.parallel);
    if (warm.status === 'cancelled') return warm;
    start = { position: warm.position, globalStep: warm.globalStep, epochLossSum: 0, epochSeconds: 0 };
  }
  if (start.position.epoch !== from || start.position.step !== 0) throw new Error(`an adaptive run without its k = 2 reference cannot resume at epoch ${start.position.epoch + 1}, step ${start.position.step + 1}`);
  const reference = await trainReference(o, start, from);
  if (!reference) return { status: 'cancelled', position: start.position, globalStep: start.globalStep };
  o.runtime.setReference(reference);
  return train(o.model, o.optimizer, o.data, o.hooks, start, o.parallel);
}

/**
 * The reference itself: k = 2 for every sample (recipes drawn as a k = 2 run draws them), no policy,
 * no checkpoints, no held-out evaluation; the slice's accuracy after each epoch. Returns null when
 * cancelled. The model, its optimizer and the helper thread's copy are put back as they were.
 */
async function trainReference(o: AdaptiveTraining, start: Resume, from: number): Promise<AccuracyReference | null> {
  const cfg = o.model.config;
  const saved = await snapshotTraining(o.model.params, o.optimizer);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const accuracy: number[] = [];
  const view: TrainDefence = {
    prepare: (items, epoch, step) => withRecipes(items, items.map(() => 2), cfg, { epoch, step }),
    extras: () => ({}),
    endEpoch: async () => (accuracy.push(await o.runtime.sliceAccuracy()), {}),
    accuracy: async () => Number.NaN,
    trainItems: (epoch) => o.runtime.trainItems(epoch),
  };
  const until = Math.min(cfg.epochs, o.runtime.rejoinAt);
  const onStep = (info: StepInfo): void => o.onReferenceStep?.({ ...info, from, until });
  try {
    const out = await train(o.model, o.optimizer, o.data, { defence: view, shouldStop: o.hooks.shouldStop, until, onStep }, start, o.parallel);
    if (out.status === 'cancelled') return null;
  } finally {
    await restoreInto(saved, o.model.params, o.optimizer);
    o.parallel?.publish();
  }
  const used = process.cpuUsage(cpu);
  const smoothed = smoothCurve(o.runtime.valSmoothed, accuracy, cfg.defence.adaptive!.valSmoothing ?? 0);
  return { rule: 'k2-reference', from, accuracy, smoothed, cpuSeconds: (used.user + used.system) / 1e6, wallSeconds: (performance.now() - started) / 1000 };
}
