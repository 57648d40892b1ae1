/**
 * What every engine attack receives and returns, whatever its kind. The jobs layer builds an
 * `AttackRequest` from the store (run, dataset rows, public source, folders); the engine worker
 * hands it to the attack of that kind (`registry.ts`), which reports progress through `AttackHooks`
 * and returns metrics plus the sample images it wrote under `outDir`.
 */
import type { AttackKind, AttackMetrics, JudgeInfo, JudgeKind, KeyMode } from '../../../shared/domain/attack.ts';
import type { BackendName, Defense } from '../../../shared/domain/run.ts';

export interface AttackRequest {
  kind: AttackKind;
  attackId: string;
  seed: number;
  profile: 'quick' | 'standard';
  backend: BackendName | null;
  key: KeyMode;
  judge: JudgeKind;
  /** target identities to attack (the first N private classes); null = all */
  targets: number | null;
  defense: Defense;
  /** the target run's checkpoint folder (weights, fitted front end); null when it has none */
  checkpointDir: string | null;
  /** the target dataset: its pixel cache and the judge's descriptor cache file */
  dataset: { cacheFile: string; count: number; size: number; channels: 1 | 3; embeddingsFile: string };
  /** private identities: training rows (the leaked set and the judge's gallery) and held-out rows */
  private: { train: { row: number; label: number }[]; heldout: { row: number; label: number }[]; classes: number };
  /** the attacker's public faces */
  public: PublicRequest;
  /** folder for this attack's sample images (created by the worker) */
  outDir: string;
  /** the target dataset's own public faces (cache rows, dataset labels), whatever `public` says: the reconstruction attack's low-resolution stage and key estimate fit on them; absent for other kinds */
  ownPublic?: { rows: number[]; labels: number[] };
  /** kind-specific options (e.g. a query budget) */
  options: Record<string, unknown>;
}

/** Public faces as the worker loads them (converted to the target's size and channels). */
export type PublicRequest =
  | { kind: 'dataset'; cacheFile: string; count: number; size: number; channels: 1 | 3; rows: number[]; labels: number[]; name: string }
  | { kind: 'synthetic'; seed: number; identities: number; perIdentity: number; name: string };

export interface AttackHooks {
  /** progress of the current phase (`phase` in words: "training the decoder") */
  progress(phase: string, done: number, total: number): void;
  /** true once the job asked to stop */
  shouldStop(): boolean;
}

export interface AttackSampleFile {
  label: number;
  kind: string;
  /** absolute path */
  path: string;
  sha256: string;
}

export interface AttackOutput {
  status: 'done' | 'cancelled';
  metrics: AttackMetrics | null;
  judge: JudgeInfo;
  samples: AttackSampleFile[];
}

export type EngineAttack = (req: AttackRequest, hooks: AttackHooks) => Promise<AttackOutput>;
