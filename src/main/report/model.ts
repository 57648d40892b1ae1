/**
 * What an audit report contains, as plain data: the gatherer fills it from the store (and the
 * comparison, attacks and images that exist), the renderer turns it into one HTML string. No I/O here.
 * A number that was not measured is `null` and the report says so; nothing is filled in.
 */
import type { Versions } from '../../shared/contract/api.ts';
import type { DatasetDetail } from '../../shared/domain/dataset.ts';
import type { BackendName, Defense, RunAccuracy } from '../../shared/domain/run.ts';

/** One attack's result on one model (DESIGN.md section 6); fractions 0..1, null = not measured. */
export interface AttackResult {
  /** attack kind: `whitebox`, `blackbox`, `reconstruction`, ... */
  kind: string;
  /** judge Acc@1: the share of the attack's reconstructions the judge named as the right private person */
  acc1: number | null;
  acc5: number | null;
  /** judge-embedding distance to the nearest private image of the identity (lower: closer) */
  knnDist: number | null;
  psnr: number | null;
  ssim: number | null;
  /** how many private identities were attacked (null: not recorded) */
  targets: number | null;
  /** attacked people the judge named correctly for more than half of their reconstructions [ours] (null: per-person scores not recorded) */
  recognised: number | null;
  /** whether the attacker knew the front end's key (Kerckhoffs: true by default) */
  keyKnown: boolean | null;
  /** which judge scored it (e.g. `pretrained`, `trained`) */
  judge: string | null;
  /** the attack's strength preset (`quick`, `standard`), when recorded */
  profile?: string | null;
}

/** Score_cls: accuracy(defended) / accuracy(none) on the same split and seed. */
export interface ScoreCls {
  identification: number | null;
  verification: number | null;
}

/** One trained model as the report shows it. */
export interface DefenceEntry {
  runId: string;
  runName: string;
  defense: Defense;
  /** a short label for tables, e.g. `freq-mixup k=3` */
  label: string;
  seed: number;
  backend: BackendName | null;
  epochs: number | null;
  accuracy: RunAccuracy | null;
  scoreCls: ScoreCls | null;
  /** the undefended run (same dataset and seed, trained the same way) this one is measured against; null for `none` itself and when there is none (the notes say why) */
  referenceRunId: string | null;
  s1: number | null;
  s2: number | null;
  s3: number | null;
  s4: number | null;
  scorePp: number | null;
  /** Score_pp computed over fewer than the four S scores */
  scorePpPartial: boolean;
  attacks: AttackResult[];
  /** the adaptive policy's mean k, DP-SGD's epsilon, when they apply */
  meanK: number | null;
  epsilon: number | null;
  versions: Partial<Versions> | null;
}

/** One picture in a reconstruction grid (a data: URI, never a path or URL). */
export interface GridImage {
  caption: string;
  dataUri: string;
}

/** One private identity's row: its face, then per defence the masked sample and each attack's best. */
export interface IdentityGrid {
  identity: string;
  privateFace: GridImage;
  perDefence: { label: string; images: GridImage[] }[];
}

export interface ReportData {
  title: string;
  /** ISO 8601 */
  createdAt: string;
  dataset: DatasetDetail;
  defences: DefenceEntry[];
  /** the undefended run defences without their own reference are measured against, if there is one */
  referenceRunId: string | null;
  /** private identities (the people an attacker tries to recover) */
  privateIdentities: number;
  grids: IdentityGrid[];
  /** why there are no (or few) grids, in plain words; null when grids are complete */
  gridNote: string | null;
  /** where the numbers came from and what is not available yet, in plain words */
  notes: string[];
  /** the studio that wrote the report */
  software: Versions;
}
