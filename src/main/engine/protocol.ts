/**
 * The engine worker's typed message protocol. The jobs layer sends one `train` (new or resumed
 * run) and at most one `cancel`; the worker answers with `started`, progress (`step`, `epoch`),
 * `checkpoint` after each save, and exactly one `done` or `error`. A worker that exits without
 * either died: its run is marked interrupted and resumes from the last checkpoint.
 */
import type { ErrorInfo } from '../../shared/contract/errors.ts';
import type { Versions } from '../../shared/contract/api.ts';
import type { AccuracyReference, BackendName, Defense } from '../../shared/domain/run.ts';
import type { AttackOutput, AttackRequest } from './attacks/types.ts';
import type { Evaluation } from './eval/evaluate.ts';
import type { ExportFormat, ExportItem, ExportOutput } from './export/masked-export.ts';
import type { DefenceOptions } from './defence/config.ts';
import type { ReferenceStepInfo } from './defence/reference.ts';
import type { LabRequest } from './lab/lab-service.ts';
import type { LabOutput } from './lab/preview.ts';
import type { FrontEndState } from './masking/front-end.ts';
import type { Position } from './train/checkpoint.ts';
import type { Profile, TrainConfig } from './train/config.ts';
import type { TrainData } from './train/data.ts';
import type { EpochInfo, StepInfo } from './train/trainer.ts';

export interface TrainRequest {
  /** absolute path of the dataset's pixel cache */
  cacheFile: string;
  /** image count of the cache (checked against its size) */
  count: number;
  data: Omit<TrainData, 'pixels'>;
  /** absolute path of the run's checkpoint folder */
  checkpointDir: string;
  /** resume from the checkpoint in `checkpointDir` instead of starting fresh */
  resume: boolean;
  /** for a fresh run: what to resolve the config from */
  defense: Defense;
  profile: Profile;
  seed: number;
  epochs?: number;
  /** null = best available */
  backend: BackendName | null;
  /** gradient threads for a fresh run; default: up to 2, as the machine has cores */
  workers?: number;
  /** defence knobs for a fresh run (k, accuracy budget, DP noise/epsilon/clip, channel selection) */
  defence?: DefenceOptions;
  /** for a fresh run: `pretrained`, a backbone name or `scratch` (absent: scratch, as runs from before the contract's `pretrained` default) */
  backbone?: string;
}

/** Export a run's masked training samples into a (staging) folder. */
export interface ExportRequest {
  cacheFile: string;
  count: number;
  size: number;
  channels: 1 | 3;
  items: ExportItem[];
  /** the run's checkpoint folder (for its fitted front end) */
  checkpointDir: string;
  outDir: string;
  format: ExportFormat;
}

export type ToWorker =
  | { type: 'train'; request: TrainRequest }
  | { type: 'export'; request: ExportRequest }
  | { type: 'attack'; request: AttackRequest }
  | { type: 'cancel' }
  /** Defence Lab pictures; a lab worker serves many, each answered by its id */
  | { type: 'lab'; id: number; request: LabRequest };

export type FromWorker =
  | { type: 'started'; config: TrainConfig; backend: BackendName; versions: Versions; resumedFrom: Position | null }
  | { type: 'step'; info: StepInfo }
  /** a step of adaptive's k = 2 accuracy reference (before the policy acts; not the run's own step) */
  | { type: 'reference-step'; info: ReferenceStepInfo }
  | { type: 'epoch'; info: EpochInfo }
  | { type: 'checkpoint'; path: string; hash: string; position: Position }
  | {
      type: 'done';
      status: 'done' | 'cancelled';
      evaluation: Evaluation | null;
      seconds: number;
      /** the adaptive policy's last-epoch k histogram and mean k (null otherwise) */
      policy: { kHistogram: Record<string, number>; meanK: number } | null;
      /** DP-SGD's epsilon at delta 1e-5 after the steps taken (null otherwise) */
      epsilon: number | null;
      /** adaptive's k = 2 reference (acc_ref 'k2-reference'), once trained (null otherwise) */
      accuracyReference?: AccuracyReference | null;
    }
  | { type: 'export-progress'; done: number; total: number }
  | {
      type: 'exported';
      output: ExportOutput;
      /** the run's front end (null for pixel-domain MixUp defences) */
      frontEnd: FrontEndState | null;
      config: TrainConfig;
      /** the adaptive policy's number of updates when exported (null for other defences) */
      policyVersion: number | null;
    }
  | { type: 'attack-started'; backend: BackendName; versions: Versions }
  | { type: 'attack-progress'; phase: string; done: number; total: number }
  | { type: 'attack-done'; output: AttackOutput; seconds: number }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'lab-result'; id: number; output: LabOutput }
  | { type: 'lab-error'; id: number; error: ErrorInfo };
