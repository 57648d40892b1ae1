/**
 * Which finished attack of a kind speaks for a run (`compare`, the report, `veil attack`'s
 * reference) [ours]: the strongest comparable one, not merely the newest, so a quick try never
 * stands in for a standard attack. Pure ranking over the store's finished attacks.
 */
import { AppError } from '../../shared/contract/errors.ts';
import type { AttackKind, AttackSummary, JudgeKind, KeyMode } from '../../shared/domain/attack.ts';
import type { Store } from '../store/store.ts';

/** A finished attack with what the ranking reads from its recorded request. */
export interface AttackPick {
  summary: AttackSummary;
  profile: 'quick' | 'standard';
  /** the attacker's public data as resolved to a dataset id (null: the run dataset's public identities) */
  public: string | null;
  key: KeyMode;
  /** private identities attacked (null: all) */
  targets: number | null;
  /** the kind's own variant as recorded (variantOf): reconstruction 'squared, low-res on', white-/black-box 'prior gan' ... */
  variant: string;
}

/** What the caller would rather match; absent fields fall back to the strongest choice. */
export interface AttackPreference {
  judge?: JudgeKind;
  profile?: 'quick' | 'standard';
  public?: string | null;
  key?: KeyMode;
  /** a `variantOf` string; absent: the kind's default variant */
  variant?: string;
}

interface RecordedRequest {
  profile?: 'quick' | 'standard';
  public?: string;
  key?: KeyMode;
  targets?: number;
  prior?: string;
  decoderLoss?: string;
  lowRes?: boolean;
}

/**
 * The variant flags of an attack in words [ours]: reconstruction `--decoder-loss` and `--low-res`
 * (off when recorded so, or when its metrics say the stage did not run), white-/black-box `--prior`.
 * Absent flags are the defaults of the time they ran.
 */
export function variantOf(kind: AttackKind, config: RecordedRequest, metrics: AttackSummary['metrics']): string {
  if (kind !== 'reconstruction') return `prior ${config.prior ?? 'gan'}`;
  const details = (metrics?.details ?? {}) as { lowResolution?: unknown };
  const staged = config.lowRes !== false && details.lowResolution !== null;
  return `${config.decoderLoss ?? 'squared'}, low-res ${staged ? 'on' : 'off'}`;
}

/** The variant an attack of `kind` runs with no flags. */
export const defaultVariant = (kind: AttackKind): string => variantOf(kind, {}, null);

function publicId(store: Store, ref: string | undefined): string | null {
  if (ref === undefined) return null;
  try {
    return store.datasets.resolve(ref).id;
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return ref; // a deleted dataset: its recorded name still tells attacks apart
    throw err;
  }
}

export function toPick(store: Store, summary: AttackSummary, config: unknown): AttackPick {
  const c = (config ?? {}) as RecordedRequest;
  return { summary, profile: c.profile ?? 'standard', public: publicId(store, c.public), key: c.key ?? 'known', targets: c.targets ?? null, variant: variantOf(summary.kind, c, summary.metrics) };
}

/**
 * Best first, comparing in order: the preferred judge; the preferred profile (else standard over
 * quick); the preferred public source; more targets (all first); the preferred key (else known,
 * Kerckhoffs' default); the preferred variant (else the kind's default: no `--low-res off`,
 * `--decoder-loss identity` or `--prior linear` try stands in for the default attack); the newest.
 */
export function rankAttacks(picks: readonly AttackPick[], prefer: AttackPreference = {}): AttackPick[] {
  const judge = prefer.judge ?? 'pretrained';
  const profile = prefer.profile ?? 'standard';
  const key = prefer.key ?? 'known';
  const criteria: ((p: AttackPick) => number)[] = [
    (p) => Number(p.summary.judge === judge),
    (p) => Number(p.profile === profile),
    (p) => Number(prefer.public === undefined || p.public === prefer.public),
    (p) => (p.targets === null ? Infinity : p.targets),
    (p) => Number(p.key === key),
    (p) => Number(p.variant === (prefer.variant ?? defaultVariant(p.summary.kind))),
  ];
  const newer = (a: AttackPick, b: AttackPick): number => (b.summary.finishedAt ?? b.summary.createdAt).localeCompare(a.summary.finishedAt ?? a.summary.createdAt);
  return [...picks].sort((a, b) => {
    for (const f of criteria) if (f(a) !== f(b)) return f(b) - f(a);
    return newer(a, b);
  });
}

/** The finished attack of `kind` on the run that best fits `prefer`, with metrics; null when none. */
export function chooseAttack(store: Store, runId: string, kind: AttackKind, prefer: AttackPreference = {}): AttackPick | null {
  const picks = store.attacks
    .doneWithConfig(runId, kind)
    .filter((a) => a.summary.metrics !== null)
    .map((a) => toPick(store, a.summary, a.config));
  return rankAttacks(picks, prefer)[0] ?? null;
}
