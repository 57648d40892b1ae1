/**
 * Privacy and utility side by side (DESIGN.md 6, CLI.md `compare`): per run its accuracy,
 * Score_cls against the `none` run of the same dataset (same split), seed, backbone, profile and input size, S1-S4 from the
 * attacks that speak for it (attack-choice.ts: strongest comparable, not newest), and Score_pp. Reads the store only; nothing here computes or invents a number:
 * a score whose attack has not been run is null, and Score_pp says it is partial.
 */
import type { AttackKind, CompareResponse, CompareRow, ScoreCls } from '../../shared/domain/attack.ts';
import type { RunAccuracy, RunSummary } from '../../shared/domain/run.ts';
import { seedGroupKey } from '../../shared/domain/seed-group.ts';
import type { RunRecord } from '../store/repos/runs-repo.ts';
import type { Store } from '../store/store.ts';
import { chooseAttack, type AttackPick } from './attack-choice.ts';

/** What a `none` reference must share with the run besides dataset (one split each) and seed [ours]. */
interface ModelKind {
  /** the pretrained backbone's name, or `scratch` (runs from before backbones, and `backbone: null`, trained from scratch) */
  backbone: string;
  profile: string | null;
  /** input side in pixels */
  size: number | null;
}

function modelKind(config: unknown): ModelKind {
  const c = (config ?? {}) as { backbone?: { name?: string } | string | null; profile?: string; input?: { size?: number } };
  const backbone = typeof c.backbone === 'string' ? c.backbone : (c.backbone?.name ?? 'scratch');
  return { backbone, profile: c.profile ?? null, size: c.input?.size ?? null };
}

const sameKind = (a: ModelKind, b: ModelKind): boolean => a.backbone === b.backbone && a.profile === b.profile && a.size === b.size;
const kindText = (k: ModelKind): string => `${k.backbone === 'scratch' ? 'from scratch' : `backbone ${k.backbone}`}, profile ${k.profile ?? 'unrecorded'}, ${k.size ?? '?'} px input`;

/** The `none` run a run is measured against, or null with the reason. */
export interface NoneReference {
  run: RunSummary | null;
  /** why there is none, and what to train; null when there is one */
  note: string | null;
}

/**
 * The newest finished `none` run of the same dataset and seed trained the same way (backbone,
 * profile, input size; the run itself when undefended). Never a `none` run of another kind: a
 * pretrained reference would make a scratch defence look costly, and the other way round.
 */
export function noneReferenceOf(store: Store, run: RunRecord): NoneReference {
  if (run.defense === 'none') return { run, note: null };
  const kind = modelKind(run.config);
  const candidates = store.runs
    .list()
    .filter((r) => r.datasetId === run.datasetId && r.seed === run.seed && r.defense === 'none' && r.status === 'done')
    .map((r) => ({ run: r, kind: modelKind(store.runs.resolve(r.id).config) }));
  const match = candidates.find((c) => sameKind(c.kind, kind));
  if (match) return { run: match.run, note: null };
  const others = candidates.map((c) => `${c.run.name} (${kindText(c.kind)})`);
  const backbone = kind.backbone === 'pretrained' ? '' : ` --backbone ${kind.backbone}`;
  return {
    run: null,
    note:
      `No finished undefended run of this dataset with seed ${run.seed} was trained like ${run.name} (${kindText(kind)})${others.length ? `; ${others.join(', ')} ${others.length > 1 ? 'were' : 'was'} trained otherwise` : ''}, so its Score_cls and attack references are not stated. ` +
      `Train one: veil train --dataset ${publicName(store, run.datasetId)} --defense none --seed ${run.seed} --profile ${kind.profile ?? 'standard'}${backbone}.`,
  };
}

/** The matching `none` run alone (noneReferenceOf). */
export function noneReference(store: Store, run: RunRecord): RunSummary | null {
  return noneReferenceOf(store, run).run;
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || b === 0 ? null : a / b;
}

export function scoreCls(acc: RunAccuracy | null, ref: RunAccuracy | null): ScoreCls | null {
  if (!acc || !ref) return null;
  return {
    identification: ratio(acc.identification, ref.identification),
    verification: ratio(acc.verification, ref.verification),
    tarAtFar1e2: ratio(acc.tarAtFar1e2, ref.tarAtFar1e2),
    tarAtFar1e3: ratio(acc.tarAtFar1e3, ref.tarAtFar1e3),
  };
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/**
 * Score_pp = 0.4 mean(S1, S2) + 0.6 mean(S3, S4) (DESIGN.md 6). Over what exists [ours]: a mean
 * over the known S of a pair, and with one pair unknown the other pair's mean alone (weights
 * renormalised); partial unless all four are known; null when none is.
 */
export function scorePp(s: { s1: number | null; s2: number | null; s3: number | null; s4: number | null }): { value: number | null; partial: boolean } {
  const known = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);
  const a = mean(known([s.s1, s.s2]));
  const b = mean(known([s.s3, s.s4]));
  const partial = [s.s1, s.s2, s.s3, s.s4].some((x) => x === null);
  if (a === null && b === null) return { value: null, partial: true };
  if (a === null) return { value: b, partial };
  if (b === null) return { value: a, partial };
  return { value: 0.4 * a + 0.6 * b, partial };
}

/** The attack of each kind that speaks for the run (attack-choice.ts), matching the reference's public source (and variant) where it can. */
function chosenAttacks(store: Store, run: RunRecord, ref: RunSummary | null): Partial<Record<AttackKind, AttackPick>> {
  const out: Partial<Record<AttackKind, AttackPick>> = {};
  for (const kind of ['reconstruction', 'whitebox', 'blackbox'] as AttackKind[]) {
    const refPick = ref && ref.id !== run.id ? chooseAttack(store, ref.id, kind) : null;
    // the reference's variant too (e.g. the same prior), except for reconstruction: on the undefended run it is the identity map whatever its flags
    const pick = chooseAttack(store, run.id, kind, refPick ? { public: refPick.public, variant: kind === 'reconstruction' ? undefined : refPick.variant } : {});
    if (pick) out[kind] = pick;
  }
  return out;
}

function publicName(store: Store, id: string | null): string | null {
  return id === null ? null : (store.datasets.list().find((d) => d.id === id)?.name ?? id);
}

function row(store: Store, run: RunRecord): CompareRow {
  const { run: ref, note } = noneReferenceOf(store, run);
  const picks = chosenAttacks(store, run, ref);
  const attacks: CompareRow['attacks'] = {};
  for (const [kind, p] of Object.entries(picks) as [AttackKind, AttackPick][]) {
    const m = p.summary.metrics!;
    attacks[kind] = { attackId: p.summary.id, judge: p.summary.judge, profile: p.profile, public: publicName(store, p.public), key: p.key, targets: p.targets, variant: p.variant, acc1: m.acc1, acc5: m.acc5, knnDist: m.knnDist, psnr: m.psnr, ssim: m.ssim };
  }
  const masked = picks.reconstruction?.summary.metrics?.masked ?? null;
  const s = {
    s1: masked ? 1 - masked.ssim : null,
    s2: masked ? 1 - masked.acc1 : null,
    s3: attacks.whitebox ? 1 - attacks.whitebox.acc1 : null,
    s4: attacks.blackbox ? 1 - attacks.blackbox.acc1 : null,
  };
  const pp = scorePp(s);
  return {
    runId: run.id,
    name: run.name,
    defense: run.defense,
    seed: run.seed,
    status: run.status,
    accuracy: run.accuracy,
    scoreCls: scoreCls(run.accuracy, ref?.accuracy ?? null),
    scorePp: pp.value,
    scorePpPartial: pp.partial,
    ...s,
    attacks,
    referenceRunId: ref?.id ?? null,
    referenceNote: note,
    seedGroup: seedGroupKey(run.datasetId, run.config, run.seed),
  };
}

export function compareRuns(store: Store, refs: readonly string[]): CompareResponse {
  const runs = refs.map((r) => store.runs.resolve(r));
  const rows = runs.map((r) => row(store, r));
  return { rows, reference: rows[0]?.referenceRunId ? { runId: rows[0].referenceRunId } : null };
}

/** Every finished run of the dataset, `none` runs first, then by defence and seed. */
export function compareDataset(store: Store, ref: string): CompareResponse {
  const ds = store.datasets.resolve(ref);
  const runs = store.runs
    .list()
    .filter((r) => r.datasetId === ds.id && r.status === 'done')
    .sort((a, b) => Number(b.defense === 'none') - Number(a.defense === 'none') || a.defense.localeCompare(b.defense) || a.seed - b.seed || a.createdAt.localeCompare(b.createdAt));
  return compareRuns(store, runs.map((r) => r.id));
}
