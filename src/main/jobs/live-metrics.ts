/**
 * Live training curves: turns the engine's step and epoch reports into pushed `runs.metrics`
 * events (step events throttled to a few a second; every epoch event is sent). Views draw from
 * these and never poll.
 */
import type { RunMetricsEvent } from '../../shared/domain/run.ts';
import type { StepInfo } from '../engine/train/trainer.ts';
import type { EventBus } from './event-bus.ts';

/** at most this many step events a second per run */
const STEP_EVENTS_PER_SECOND = 5;

export interface LiveMetrics {
  step(info: StepInfo): void;
  epoch(epoch: number, values: Record<string, number>): void;
}

function finite(values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => Number.isFinite(v)));
}

export function liveMetrics(bus: EventBus, runId: string, now: () => number = () => performance.now()): LiveMetrics {
  let last = -Infinity;
  let stepsPerEpoch = 0;
  let lastStep = 0;
  const emit = (e: Omit<RunMetricsEvent, 'runId' | 'stepsPerEpoch'>): void => bus.emit('runs.metrics', { runId, stepsPerEpoch, ...e });
  return {
    step(info) {
      stepsPerEpoch = info.stepsPerEpoch;
      lastStep = info.epoch * info.stepsPerEpoch + info.step + 1;
      const t = now();
      const lastOfEpoch = info.step + 1 === info.stepsPerEpoch;
      if (t - last < 1000 / STEP_EVENTS_PER_SECOND && !lastOfEpoch) return;
      last = t;
      emit({ kind: 'step', epoch: info.epoch, step: lastStep, values: finite({ loss: info.loss }), imagesPerSecond: info.imagesPerSecond, etaSeconds: Math.round(info.etaSeconds) });
    },
    epoch(epoch, values) {
      emit({ kind: 'epoch', epoch, step: Math.max(lastStep, (epoch + 1) * stepsPerEpoch), values: finite(values), imagesPerSecond: values.imagesPerSecond ?? null, etaSeconds: null });
    },
  };
}
