/**
 * Long-running jobs (imports, training, exports) as the UI sees them: kind, progress, outcome.
 */
import type { ErrorInfo } from '../contract/errors.ts';

export const JOB_KINDS = ['datasets.import', 'datasets.synth', 'train', 'export', 'attack', 'report'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** A job's state, as pushed in events and returned by `jobs.list`. */
export interface JobInfo {
  id: string;
  kind: JobKind;
  /** what the job works on, in words ("Importing lfw") */
  label: string;
  status: JobStatus;
  /** units done so far (images, steps) */
  done: number;
  /** units in total; 0 when not known yet */
  total: number;
  /** the current phase in words, for jobs with several ("training the GAN prior on public faces"); `done`, `total` and the ETA count within it; absent or null otherwise */
  phase?: string | null;
  /** estimated seconds left (of the current phase, when the job has phases); null when not known */
  etaSeconds: number | null;
  /** what the job works on once known (a run id for training), so a view can find its job; null before */
  subject: string | null;
  /** set when status is 'failed' */
  error: ErrorInfo | null;
}
