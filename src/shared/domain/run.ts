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

/**
 * What `runs.train` fine-tunes when the request names no backbone: the studio's shipped
 * pretrained face backbone (issue #15's table: better than scratch on ORL and LFW, and cheaper).
 * `scratch` trains the FR network from random weights.
 */
export const DEFAULT_BACKBONE_CHOICE: 'pretrained' | 'scratch' = 'pretrained';

/** Accuracy of a trained model on held-out images of its training identities. */
export interface RunAccuracy {
  /** closed-set identification accuracy, 0..1 */
  identification: number;
  /** 10-fold verification accuracy on all pairs of held-out images, 0..1 */
  verification: number;
  /** true accept rate at a false accept rate of 1e-2 (null: too few impostor pairs) */
  tarAtFar1e2: number | null;
  tarAtFar1e3: number | null;
}

/**
 * acc_ref 'k2-reference' [ours]: a k = 2 frequency-MixUp network forked from the adaptive run at the
 * end of its warm-up (before it, the run is that network), holding out the same slice, trained on the
 * same schedule up to the epoch in which the slice rejoins (engine/defence/reference.ts). Recorded with the run.
 */
export interface AccuracyReference {
  rule: 'k2-reference';
  /** the first epoch of the curves (the end of the warm-up) */
  from: number;
  /** the reference's slice accuracy (top-1) per epoch, epochs `from` .. `from + length - 1` */
  accuracy: number[];
  /** its moving average, continued from the run's own at the end of the warm-up (acc_ref per epoch) */
  smoothed: number[];
  /** what training it cost: user + system CPU seconds of the process (every thread), and wall seconds */
  cpuSeconds: number;
  wallSeconds: number;
}

/** What a finished training run reports (CLI.md `train`). */
export interface TrainResult {
  runId: string;
  dataset: string;
  defense: Defense;
  backend: BackendName;
  seed: number;
  epochs: number;
  /** wall-clock seconds of this session of the run */
  seconds: number;
  accuracy: RunAccuracy;
  /** the adaptive defence's k policy; null for other defences */
  policy: { kHistogram: Record<string, number>; meanK: number } | null;
  /** DP-SGD's epsilon; null for other defences */
  epsilon: number | null;
  /**
   * the pretrained backbone the run fine-tuned (null: trained from scratch): its name, npm package
   * and version, centre crop (fraction of the side), which layers fine-tuned, and how frequency
   * inputs reached it (`inverse-dct` of the kept channels) or `pixels`, and for `inverse-dct` the
   * gain on its deviation from grey (absent: 1, runs before it existed)
   */
  backbone?: { name: string; package: string; version: string; crop: number; fineTune: 'all' | 'last'; input: 'pixels' | 'inverse-dct'; inputGain?: number } | null;
  status: RunStatus;
  /** adaptive under acc_ref 'k2-reference': the k = 2 reference it trained and compared against (absent otherwise) */
  accuracyReference?: AccuracyReference | null;
}

/** One metric series of a run (per epoch). */
export interface MetricSeries {
  name: string;
  points: { epoch: number; step: number; value: number }[];
}

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
  /** the result once done; null before */
  accuracy: RunAccuracy | null;
}

/** A run with its frozen config, versions and metric series. */
export interface RunDetail extends RunSummary {
  config: unknown;
  versions: unknown;
  error: string | null;
  notes: string;
  metrics: MetricSeries[];
  /** the latest checkpoint's epoch, or null */
  checkpointEpoch: number | null;
}

/**
 * Metric values a training run pushes while it trains (`runs.metrics`). `step` events come at most
 * a few times a second with the running loss, throughput and ETA; `epoch` events carry every
 * per-epoch series the run records (loss, accuracy, lr, and the defence's own: reward, mu, ...).
 */
export interface RunMetricsEvent {
  runId: string;
  kind: 'step' | 'epoch';
  /** 0-based epoch */
  epoch: number;
  /** global step since the run started (epoch * stepsPerEpoch + step + 1) */
  step: number;
  stepsPerEpoch: number;
  /** metric name -> value (finite numbers only) */
  values: Record<string, number>;
  /** training throughput, images per second (step events) */
  imagesPerSecond: number | null;
  /** estimated seconds left in the run (step events) */
  etaSeconds: number | null;
}
