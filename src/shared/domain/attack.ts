/**
 * Attack and privacy-score domain types (DESIGN.md 6, CLI.md `attack` and `compare`). An attack
 * is recorded with its kind, config, judge, seed, backend, versions, metrics and per-identity
 * sample images; compare rows put every run beside the undefended (`none`) reference.
 */
import type { RunAccuracy, RunStatus } from './run.ts';

export const ATTACK_KINDS = ['whitebox', 'blackbox', 'reconstruction'] as const;
export type AttackKind = (typeof ATTACK_KINDS)[number];

export const JUDGE_KINDS = ['pretrained', 'trained'] as const;
export type JudgeKind = (typeof JUDGE_KINDS)[number];

export const KEY_MODES = ['known', 'unknown'] as const;

export type KeyMode = (typeof KEY_MODES)[number];

/** The face prior of the white- and black-box attacks: the GAN (GMI's and PLG-MI's, the default) or the linear Gaussian prior of the public faces [ours]. */
export const WHITEBOX_PRIORS = ['gan', 'linear'] as const;
export type WhiteboxPrior = (typeof WHITEBOX_PRIORS)[number];
/** The reconstruction decoder's loss: squared error alone, or then fine-tuned with an identity loss (a frozen public face network) */
export const DECODER_LOSSES = ['squared', 'identity'] as const;
export type DecoderLoss = (typeof DECODER_LOSSES)[number];

/** Attack statuses: those of runs (an interrupted attack restarts with `attacks.resume`). */
export type AttackStatus = RunStatus;

/** Judge scores of a set of candidate faces (DESIGN.md 6). */
export interface JudgeScores {
  /** fraction whose nearest private identity centroid (judge space) is the target, 0..1 */
  acc1: number;
  /** ... among the 5 nearest, 0..1 */
  acc5: number;
  /** mean smallest judge-descriptor distance to a private image of the target (Euclidean, 128-d) */
  knnDist: number;
  /** mean PSNR (dB) to the source image (reconstruction) or the nearest private image; null when all are exact */
  psnr: number | null;
  /** mean SSIM (Gaussian window, 11x11, sigma 1.5) to the same image */
  ssim: number;
}

export interface IdentityScores extends Omit<JudgeScores, 'psnr'> {
  /** target class (0-based over the private identities) */
  label: number;
  candidates: number;
  psnr: number | null;
}

/** What an attack measured. */
export interface AttackMetrics extends JudgeScores {
  perIdentity: IdentityScores[];
  /** 1 / private identities: what a blind guess scores on Acc@1 */
  chance: number;
  /** reconstruction: the visualised masked samples' own scores (S1 = 1 - ssim, S2 = 1 - acc1); null for model attacks */
  masked: JudgeScores | null;
  /** `--key unknown`: leaked channel positions mapped to their true channel, of `keyChannels` */
  keyChannelsRecovered: number | null;
  keyChannels: number | null;
  /** black-box: queries made to the target model */
  queries: number | null;
  /** public faces the attacker used */
  publicFaces: number;
  /** anything a reader must know (e.g. undefended: the reconstruction is the identity map) */
  note: string | null;
  /** attack-specific details (decoder size, loss, epochs...) */
  details: Record<string, unknown>;
}

/** The judge that scored an attack. */
export interface JudgeInfo {
  kind: JudgeKind;
  /** model and preprocessing version (pretrained) or the trained judge's seed and width */
  version: string;
}

/** One attack as listed. */
export interface AttackSummary {
  id: string;
  runId: string;
  kind: AttackKind;
  status: AttackStatus;
  judge: JudgeKind;
  seed: number;
  createdAt: string;
  finishedAt: string | null;
  seconds: number | null;
  /** null until done */
  metrics: AttackMetrics | null;
}

export interface AttackSample {
  label: number;
  /** what the image shows: a grid of private | masked | reconstruction rows, or candidates */
  kind: string;
  /** absolute path of the PNG under the data directory */
  path: string;
  hash: string;
}

export interface AttackDetail extends AttackSummary {
  config: unknown;
  judgeInfo: JudgeInfo | null;
  backend: string | null;
  versions: unknown;
  error: string | null;
  samples: AttackSample[];
  /**
   * `attacks.show`: the same attack on the `none` run of the dataset and seed trained the same way
   * (the one `veil attack` prints as its reference); null when there is none or it is not done
   */
  referenceAttackId?: string | null;
}

/** CLI.md `attack` JSON (extended). */
export interface AttackResult {
  attackId: string;
  runId: string;
  kind: AttackKind;
  judge: JudgeKind;
  acc1: number;
  acc5: number;
  knnDist: number;
  psnr: number | null;
  ssim: number;
  seconds: number;
  queries?: number;
  keyChannelsRecovered?: number;
  status: AttackStatus;
  chance: number;
  masked: JudgeScores | null;
  note: string | null;
  /** the same attack on the `none` run of the same dataset and seed, when one was made */
  reference: { runId: string; attackId: string; acc1: number; acc5: number; knnDist: number; psnr: number | null; ssim: number } | null;
  samples: string[];
}

/** Score_cls: defended accuracy over the `none` reference's, per measure (null where either is missing). */
export interface ScoreCls {
  identification: number | null;
  verification: number | null;
  tarAtFar1e2: number | null;
  tarAtFar1e3: number | null;
}

/** Which attack fed a `compare` column, and how it was run. */
export interface CompareAttackSource {
  attackId: string;
  judge: JudgeKind;
  profile: 'quick' | 'standard';
  /** the attacker's public data: a dataset's name, or null for the run dataset's own public identities */
  public: string | null;
  key: KeyMode;
  /** private identities attacked (null: all) */
  targets: number | null;
  /** the kind's variant flags in words [ours, added to CLI.md's fields]: 'squared, low-res on' (reconstruction), 'prior gan' (white-/black-box) */
  variant: string;
}

/** One `compare` row (CLI.md). */
export interface CompareRow {
  runId: string;
  name: string;
  defense: string;
  seed: number;
  status: RunStatus;
  accuracy: RunAccuracy | null;
  scoreCls: ScoreCls | null;
  scorePp: number | null;
  /** true while S1-S4 are not all known */
  scorePpPartial: boolean;
  s1: number | null;
  s2: number | null;
  s3: number | null;
  s4: number | null;
  /**
   * the finished attack of each kind that speaks for this run: the strongest comparable one
   * (standard over quick, all targets, key known, the reference's public source), with what fed it
   */
  attacks: Partial<Record<AttackKind, Pick<JudgeScores, 'acc1' | 'acc5' | 'knnDist' | 'psnr' | 'ssim'> & CompareAttackSource>>;
  /** the `none` run this row is compared with (Score_cls and attack references); null when none */
  referenceRunId: string | null;
  /**
   * why `referenceRunId` is null for a defended run: no finished `none` run of its dataset and seed
   * was trained the same way (backbone, profile, input size), and what to train; null otherwise
   */
  referenceNote?: string | null;
  /** equal for runs whose frozen configs differ only in the seed (seed-group.ts): one group on the scatter */
  seedGroup?: string;
}

export interface CompareResponse {
  rows: CompareRow[];
  /** the `none` run used for Score_cls (of the first row's dataset and seed); null when there is none */
  reference: { runId: string } | null;
}
