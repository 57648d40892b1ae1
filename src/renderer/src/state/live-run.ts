/**
 * Live curves of one training run as plain arrays for the charts: the running loss per pushed
 * step event, and every per-epoch series (loss, accuracy, and what the defence adds). Seeded from
 * the stored series (`runs.show`), then extended by `runs.metrics` events. Plain data, no runes.
 */
import type { MetricSeries, RunMetricsEvent } from '../../../shared/domain/run.ts';

export interface LiveRun {
  /** step-event x values (global step) and the running loss at each */
  steps: number[];
  stepLoss: number[];
  /** epochs seen, 1-based for display, and each series' value per epoch (null where missing) */
  epochs: number[];
  series: Record<string, (number | null)[]>;
  imagesPerSecond: number | null;
  etaSeconds: number | null;
  stepsPerEpoch: number;
  /** events received (tests and the UI's "live" badge read it) */
  events: number;
}

export function emptyLive(): LiveRun {
  return { steps: [], stepLoss: [], epochs: [], series: {}, imagesPerSecond: null, etaSeconds: null, stepsPerEpoch: 0, events: 0 };
}

/** Adds one epoch's values; a repeated epoch (a resumed run) replaces the earlier values. */
function putEpoch(live: LiveRun, epoch: number, values: Record<string, number>): void {
  let at = live.epochs.indexOf(epoch + 1);
  if (at < 0) {
    live.epochs.push(epoch + 1);
    for (const s of Object.values(live.series)) s.push(null);
    at = live.epochs.length - 1;
  }
  for (const [name, value] of Object.entries(values)) {
    live.series[name] ??= live.epochs.map(() => null);
    live.series[name][at] = value;
  }
}

/** A new LiveRun with the event applied (arrays copied, so charts see a change). */
export function applyEvent(prev: LiveRun, e: RunMetricsEvent): LiveRun {
  const next: LiveRun = {
    ...prev,
    steps: [...prev.steps],
    stepLoss: [...prev.stepLoss],
    epochs: [...prev.epochs],
    series: Object.fromEntries(Object.entries(prev.series).map(([k, v]) => [k, [...v]])),
    stepsPerEpoch: e.stepsPerEpoch || prev.stepsPerEpoch,
    events: prev.events + 1,
  };
  if (e.kind === 'step') {
    if (e.values.loss !== undefined) {
      next.steps.push(e.step);
      next.stepLoss.push(e.values.loss);
    }
    next.imagesPerSecond = e.imagesPerSecond;
    next.etaSeconds = e.etaSeconds;
  } else putEpoch(next, e.epoch, e.values);
  return next;
}

/** The stored per-epoch series of a run as a LiveRun (no step curve: only epochs are stored). */
export function fromSeries(metrics: MetricSeries[]): LiveRun {
  const live = emptyLive();
  const byEpoch = new Map<number, Record<string, number>>();
  for (const s of metrics) for (const p of s.points) byEpoch.set(p.epoch, { ...byEpoch.get(p.epoch), [s.name]: p.value });
  for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) putEpoch(live, epoch, byEpoch.get(epoch)!);
  return live;
}
