import { describe, expect, it } from 'vitest';
import { trainProgress } from '../../../src/main/jobs/train-progress.ts';
import type { StepInfo } from '../../../src/main/engine/train/trainer.ts';

/** A fake job context that records what the job would show. */
function recorder(): { ctx: { progress(done: number, total: number): void; setPhase(phase: string): void }; seen: string[] } {
  const seen: string[] = [];
  return { seen, ctx: { progress: (done, total) => void seen.push(`${done}/${total}`), setPhase: (phase) => void seen.push(phase) } };
}

/** Step `s` of `epoch` in a run of `epochs` epochs of 2 steps each. */
const step = (epoch: number, s: number, epochs: number): StepInfo => ({ epoch, step: s, stepsPerEpoch: 2, globalStep: epoch * 2 + s + 1, totalSteps: epochs * 2, loss: 1, imagesPerSecond: 10, etaSeconds: 5 });

describe("a training job's progress", () => {
  it('counts the run\'s steps over all its epochs when there is no reference', () => {
    const { ctx, seen } = recorder();
    const p = trainProgress(ctx);
    p.step(step(0, 0, 3), 3);
    p.step(step(2, 1, 3), 3);
    expect(seen).toEqual(['1/6', '6/6']);
  });

  it("counts the steps the run really takes when adaptive's validation slice rejoins and the last epochs grow longer", () => {
    const { ctx, seen } = recorder();
    const p = trainProgress(ctx);
    // 2 epochs of 2 steps, then the slice rejoins: a third epoch of 3 steps (7 in all)
    const at = (epoch: number, s: number, globalStep: number): StepInfo => ({ ...step(epoch, s, 3), stepsPerEpoch: epoch < 2 ? 2 : 3, globalStep, totalSteps: 7 });
    p.step(at(0, 0, 1), 3);
    p.step(at(1, 1, 4), 3);
    p.step(at(2, 0, 5), 3);
    p.step(at(2, 2, 7), 3);
    expect(seen).toEqual(['1/7', '4/7', '5/7', '7/7']);
  });

  it('counts a resumed run from its checkpoint, in a phase that says so, so the ETA is timed on the steps this job takes', () => {
    const { ctx, seen } = recorder();
    const p = trainProgress(ctx);
    // resumed at epoch 3 (of 4), step 1: 5 steps were taken before the checkpoint, 3 remain
    p.step(step(2, 1, 4), 4);
    p.step(step(3, 1, 4), 4);
    expect(seen).toEqual(['resumed at epoch 3 of 4, step 2', '1/3', '3/3']);
  });

  it("moves during adaptive's k = 2 reference, in a phase of its own, then counts the policy's epochs afresh", () => {
    const { ctx, seen } = recorder();
    const p = trainProgress(ctx);
    p.step(step(0, 0, 4), 4);
    p.step(step(0, 1, 4), 4);
    for (const [e, s] of [[1, 0], [1, 1], [2, 0], [2, 1]]) p.referenceStep({ ...step(e, s, 4), from: 1, until: 3 });
    p.step(step(1, 0, 4), 4);
    p.step(step(3, 1, 4), 4);
    expect(seen).toEqual([
      '1/8',
      '2/8',
      'training the k = 2 accuracy reference (2 epochs, before the policy acts)',
      '1/4',
      '2/4',
      '3/4',
      '4/4',
      'training with the policy (from epoch 2 of 4)',
      '1/6',
      '6/6',
    ]);
  });
});
