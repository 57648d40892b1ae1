/**
 * A training job's progress: the run's steps, and adaptive's k = 2 accuracy reference as a phase of
 * its own (its steps move the bar, never the run's curves); after the reference the policy's epochs
 * are a phase counted afresh, and so are a resumed run's (its ETA is timed on this job's steps). What the
 * engine reports is engine/defence/reference.ts.
 */
import type { ReferenceStepInfo } from '../engine/defence/reference.ts';
import type { StepInfo } from '../engine/train/trainer.ts';
import type { JobContext } from './job-runner.ts';

export interface TrainProgress {
  /** a step of the run itself; `epochs`: the run's epochs (null before the engine said) */
  step(info: StepInfo, epochs: number | null): void;
  /** a step of the k = 2 reference */
  referenceStep(info: ReferenceStepInfo): void;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function trainProgress(ctx: Pick<JobContext, 'progress' | 'setPhase'>): TrainProgress {
  let inReference = false;
  let started = false;
  // the run's steps done before the current phase began (the progress counts within a phase)
  let offset = 0;
  return {
    referenceStep(info) {
      const epochs = info.until - info.from;
      if (!inReference) ctx.setPhase(`training the k = 2 accuracy reference (${plural(epochs, 'epoch')}, before the policy acts)`);
      inReference = started = true;
      ctx.progress((info.epoch - info.from) * info.stepsPerEpoch + info.step + 1, epochs * info.stepsPerEpoch);
    },
    step(info, epochs) {
      // the trainer's count, not epoch x steps per epoch: epochs lengthen when adaptive's validation slice rejoins
      const [done, total] = [info.globalStep, info.totalSteps];
      const of = epochs ? ` of ${epochs}` : '';
      // a resumed run counts (and times: the ETA) the steps this job takes, not the ones before its checkpoint
      if (inReference || (!started && done > 1)) {
        offset = done - 1;
        ctx.setPhase(inReference ? `training with the policy (from epoch ${info.epoch + 1}${of})` : `resumed at epoch ${info.epoch + 1}${of}, step ${info.step + 1}`);
      }
      inReference = false;
      started = true;
      ctx.progress(done - offset, total - offset);
    },
  };
}
