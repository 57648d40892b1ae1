/**
 * Training-run domain types. The defence ids are those of DESIGN.md 5.5; a run is frozen at start
 * (config, seed, backend, versions recorded) and its status survives worker crashes.
 */

export const DEFENSES = ['none', 'ppfr-fd', 'mixup', 'instahide', 'freq-mixup', 'dp-sgd', 'adaptive'] as const;
export type Defense = (typeof DEFENSES)[number];

export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** One run as listed. */
export interface RunSummary {
  id: string;
  name: string;
  datasetId: string;
  defense: Defense;
  status: RunStatus;
  seed: number;
  /** engine backend the run used; null until it starts */
  backend: BackendName | null;
  createdAt: string;
  finishedAt: string | null;
  tags: string[];
}
