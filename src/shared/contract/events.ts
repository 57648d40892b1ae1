/**
 * Events pushed from the backend to every client (IPC `webContents.send`, HTTP server-sent events).
 * Progress is pushed, never polled.
 */
import type { JobInfo } from '../domain/job.ts';
import type { RunMetricsEvent } from '../domain/run.ts';

export interface EventMap {
  /** a job started, progressed, or finished (status tells which) */
  'job.progress': JobInfo;
  /** the dataset list changed (created, imported, deleted) */
  'datasets.changed': { datasetId: string };
  /** the run list or a run's status changed */
  'runs.changed': { runId: string };
  /** an attack started, progressed to a new phase or finished */
  'attacks.changed': { attackId: string; runId: string };
  /** a training run reported metric values (per step while training, then per epoch): live curves */
  'runs.metrics': RunMetricsEvent;
}

export type EventName = keyof EventMap;

export const EVENT_NAMES: readonly EventName[] = ['job.progress', 'datasets.changed', 'runs.changed', 'attacks.changed', 'runs.metrics'];

/** One event on the wire: a union discriminated by `event`, so checking it narrows `payload`. */
export type EventEnvelope = { [E in EventName]: { event: E; payload: EventMap[E] } }[EventName];
