/**
 * DP-SGD's resolved settings (DESIGN.md 5.5): the noise multiplier given, or solved for a target
 * epsilon over the run's steps at its sampling rate; the clip; microbatches of 4 [ours]; GroupNorm
 * with 16 groups [ours] so that no statistic mixes examples or is learned from private data.
 */
import type { Defense } from '../../../../shared/domain/run.ts';
import { batchesPerEpoch } from '../../train/data.ts';
import type { DefenceOptions, DpConfig } from '../config.ts';
import { DEFAULT_DELTA, noiseForEpsilon } from './accountant.ts';

export const DP_DEFAULTS = { noiseMultiplier: 1, clip: 1, microbatch: 4, groups: 16 };

export function dpFor(defense: Defense, d: DefenceOptions, run: { batch: number; epochs: number; trainCount: number }): DpConfig | null {
  if (defense !== 'dp-sgd') return null;
  const samplingRate = Math.min(1, run.batch / run.trainCount);
  const steps = batchesPerEpoch(run.trainCount, run.batch) * run.epochs;
  const noiseMultiplier = d.targetEpsilon !== undefined ? noiseForEpsilon({ targetEpsilon: d.targetEpsilon, q: samplingRate, steps, delta: DEFAULT_DELTA }) : (d.noiseMultiplier ?? DP_DEFAULTS.noiseMultiplier);
  return {
    noiseMultiplier,
    targetEpsilon: d.targetEpsilon ?? null,
    clip: d.clip ?? DP_DEFAULTS.clip,
    microbatch: DP_DEFAULTS.microbatch,
    delta: DEFAULT_DELTA,
    samplingRate,
    steps,
    norm: 'group',
    groups: DP_DEFAULTS.groups,
  };
}
