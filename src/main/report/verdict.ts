/**
 * The verdict rule: one plain sentence per defence, derived only from measured numbers (the
 * strongest attack's judge Acc@1 on the defended model against the same attack on the undefended
 * one, and the accuracy cost). The thresholds are ours [ours]; `VERDICT_RULES` states them in the report.
 */
import { WEAK_ATTACK_CHANCE_MULTIPLE } from '../../shared/domain/attack-strength.ts';
import type { AttackResult, DefenceEntry } from './model.ts';

export { WEAK_ATTACK_CHANCE_MULTIPLE };

export type VerdictLevel = 'reference' | 'not-assessed' | 'no-reference' | 'inconclusive' | 'protects' | 'partial' | 'no-protection';

export interface Verdict {
  level: VerdictLevel;
  /** two or three words for a badge */
  headline: string;
  /** the one plain sentence */
  sentence: string;
  /** what the sentence does not count and why, in plain words (attacks set aside as too weak); null when nothing was set aside */
  caveat: string | null;
}

/** A defence "protects" when the attacker recognises at most this share of the people it recognised without it [ours]. */
export const PROTECT_RATIO = 1 / 3;
/** Accuracy cost the user accepts by default, in points (the adaptive defence's budget, DESIGN.md 5.4). */
export const DEFAULT_BUDGET_POINTS = 2;

export const VERDICT_RULES: readonly string[] = [
  'A person counts as recognised by an attack when the independent judge names them correctly for more than half of the attack\'s reconstructions of them (where an attack did not record per-person scores: its judge Acc@1 times the people attacked).',
  'Each attack on the defended model is set beside the same attack on the undefended model of the same dataset and seed. An attack that recognises at most ' +
    `${WEAK_ATTACK_CHANCE_MULTIPLE} times as many people as chance (1 / number of private people) on the undefended model is too weak to show anything and is set aside.`,
  'Of the attacks left, the verdict uses the one where the defence fares worst: the highest share of people still recognised relative to the undefended model (ties: more people recognised).',
  `"Protects": that attack recognised at most ${Math.round(PROTECT_RATIO * 100)}% as many people as without the defence. "Partly protects": fewer people than without it, but more than that. "Does not protect": as many people or more. "Inconclusive": every attack was set aside as too weak.`,
  '"Not assessed": no attack has been run against the model. "No reference": no undefended model was attacked the same way, so no reduction can be stated.',
  `The accuracy cost is the undefended model's identification accuracy minus the defended one's, in points, on the same held-out images; above ${DEFAULT_BUDGET_POINTS} points it is flagged, in the sentence and the badge.`,
];

export interface VerdictInput {
  entry: DefenceEntry;
  /** the undefended run on the same dataset (null when there is none) */
  reference: DefenceEntry | null;
  /** number of private identities (used when an attack did not record its targets) */
  privateIdentities: number;
  budgetPoints?: number;
}

function measured(attacks: readonly AttackResult[]): AttackResult[] {
  return attacks.filter((a) => a.acc1 !== null);
}

/** People attacked and recognised (see `VERDICT_RULES`). */
export function peopleRecognised(a: AttackResult, privateIdentities: number): { recognised: number; of: number } {
  const of = a.targets ?? privateIdentities;
  return { recognised: a.recognised ?? Math.round(a.acc1! * of), of };
}

function share(a: AttackResult, privateIdentities: number): number {
  const p = peopleRecognised(a, privateIdentities);
  return p.of > 0 ? p.recognised / p.of : 0;
}

/** The attack that recognised the largest share of people (ties: higher Acc@1, then kind in alphabetical order). */
export function strongestAttack(attacks: readonly AttackResult[], privateIdentities = 1): AttackResult | null {
  const sorted = measured(attacks).sort((a, b) => share(b, privateIdentities) - share(a, privateIdentities) || b.acc1! - a.acc1! || a.kind.localeCompare(b.kind));
  return sorted[0] ?? null;
}

function people(a: AttackResult, privateIdentities: number): string {
  const p = peopleRecognised(a, privateIdentities);
  return `${p.recognised} of ${p.of} people`;
}

/** Who the attacker of each kind is, in words: what they hold of the defended (or undefended) model. */
function attacker(kind: string, defense: string): string {
  if (kind === 'reconstruction') return defense === 'none' ? 'an attacker holding its training set (unmasked: the faces themselves)' : 'an attacker holding its masked training set';
  if (kind === 'blackbox') return 'an attacker querying this model';
  return 'an attacker holding this model';
}

const KIND_WORDS: Record<string, string> = { whitebox: 'white-box model inversion', blackbox: 'black-box model inversion', reconstruction: 'reconstruction from the masked training set' };

export function attackName(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** "at a cost of 2.0 points of identification accuracy (...)", or null when the model's accuracy was not measured. */
function accuracyClause(entry: DefenceEntry, reference: DefenceEntry | null, budget: number): string | null {
  const own = entry.accuracy?.identification;
  if (own === undefined || own === null) return null;
  const ref = reference?.accuracy?.identification;
  if (ref === undefined || ref === null) return `with ${pct(own)} identification accuracy (no undefended model to compare with)`;
  const cost = Math.round((ref - own) * 1000) / 10;
  if (cost <= 0) return `with no loss of identification accuracy (${pct(own)} against ${pct(ref)})`;
  const points = `${cost.toFixed(1)} point${cost === 1 ? '' : 's'}`;
  const over = cost > budget ? `, more than the ${budget}-point budget` : '';
  return `at a cost of ${points} of identification accuracy (${pct(own)} against ${pct(ref)}${over})`;
}

function overBudget(entry: DefenceEntry, reference: DefenceEntry | null, budget: number): boolean {
  const own = entry.accuracy?.identification;
  const ref = reference?.accuracy?.identification;
  return typeof own === 'number' && typeof ref === 'number' && Math.round((ref - own) * 1000) / 10 > budget;
}

function referenceVerdict(entry: DefenceEntry, privateIdentities: number): Verdict {
  const top = strongestAttack(entry.attacks, privateIdentities);
  if (!top) return { level: 'reference', headline: 'Reference', sentence: `Undefended reference with ${entry.accuracy ? pct(entry.accuracy.identification) : 'unmeasured'} identification accuracy; no attack has been run on it, so the leak the defences are measured against is not known.`, caveat: null };
  return {
    level: 'reference',
    headline: 'Reference',
    sentence:
      top.kind === 'reconstruction'
        ? `Without a defence, a leaked copy of the training set is the faces themselves: the judge recognised ${people(top, privateIdentities)} in it; this is the leak every defence is measured against.`
        : `Without a defence, ${attacker(top.kind, 'none')} recognised ${people(top, privateIdentities)} (${attackName(top.kind)}); this is the leak every defence is measured against.`,
    caveat: weakNote(entry.attacks.filter((a) => a.acc1 !== null && isWeak(a, privateIdentities)), privateIdentities, true),
  };
}

interface Pair {
  own: AttackResult;
  ref: AttackResult;
  d: number;
  r: number;
  weak: boolean;
}

/** Each attack on the defended model beside the same kind on the undefended one. */
function pairs(entry: DefenceEntry, reference: DefenceEntry | null, privateIdentities: number): Pair[] {
  if (!reference) return [];
  return measured(entry.attacks).flatMap((own) => {
    const ref = measured(reference.attacks).find((a) => a.kind === own.kind);
    if (!ref) return [];
    return [{ own, ref, d: share(own, privateIdentities), r: share(ref, privateIdentities), weak: isWeak(ref, privateIdentities) }];
  });
}

/** An attack on the undefended model that recognises at most WEAK_ATTACK_CHANCE_MULTIPLE times chance shows nothing about a defence. */
export function isWeak(ref: AttackResult, privateIdentities: number): boolean {
  return share(ref, privateIdentities) <= WEAK_ATTACK_CHANCE_MULTIPLE / Math.max(1, ref.targets ?? privateIdentities);
}

/** "Not counted, too weak ...: white-box model inversion (1 of 12 people), ..."; null when none. */
function weakNote(weak: readonly AttackResult[], privateIdentities: number, reference: boolean): string | null {
  if (weak.length === 0) return null;
  const list = weak.map((a) => `${attackName(a.kind)} (${people(a, privateIdentities)})`).join(', ');
  const times = `at most ${WEAK_ATTACK_CHANCE_MULTIPLE} times chance`;
  return reference ? `Too weak on this model to show anything (${times}), so no verdict counts them: ${list}.` : `Not counted, too weak on the undefended model to show anything (${times}): ${list}.`;
}

/** What the verdict set aside, and, when every attack on the model itself was weak, that the verdict covers the masked training set only. */
function caveatOf(ps: readonly Pair[], decisiveKind: string | null, privateIdentities: number): string | null {
  const note = weakNote(ps.filter((p) => p.weak).map((p) => p.ref), privateIdentities, false);
  const modelAttacks = ps.filter((p) => p.own.kind !== 'reconstruction');
  const modelUntested = decisiveKind === 'reconstruction' && modelAttacks.every((p) => p.weak);
  const scope = modelUntested ? ' So this verdict is about a leaked masked training set only: no attack strong enough tested the trained model itself.' : '';
  return note ? note + scope : scope.trim() || null;
}

/** The conclusive pair where the defence fares worst (highest d / r; ties: higher d, then kind). */
function decisive(ps: Pair[]): Pair | null {
  const ok = ps.filter((p) => !p.weak).sort((a, b) => b.d / b.r - a.d / a.r || b.d - a.d || a.own.kind.localeCompare(b.own.kind));
  return ok[0] ?? null;
}

export function verdict({ entry, reference, privateIdentities, budgetPoints = DEFAULT_BUDGET_POINTS }: VerdictInput): Verdict {
  if (entry.defense === 'none') return referenceVerdict(entry, privateIdentities);
  const clause = accuracyClause(entry, reference, budgetPoints);
  const accuracy = clause ?? 'its accuracy was not measured';
  const trained = clause ? `it was trained ${clause}` : accuracy;
  const top = strongestAttack(entry.attacks, privateIdentities);
  if (!top) return { level: 'not-assessed', headline: 'Not assessed', sentence: `Not assessed: no attack has been run against this model, so how much it protects is unknown (${trained}).`, caveat: null };
  const said = (a: AttackResult): string => `${attacker(a.kind, entry.defense)} recognised ${people(a, privateIdentities)} (${attackName(a.kind)})`;
  const ps = pairs(entry, reference, privateIdentities);
  if (ps.length === 0) {
    const why = reference ? 'the undefended model was not attacked this way' : 'there is no undefended model to compare with';
    return { level: 'no-reference', headline: 'No reference', sentence: `${capitalise(said(top))}, but ${why}, so the reduction cannot be stated; ${trained}.`, caveat: null };
  }
  const p = decisive(ps);
  if (!p) {
    const strongest = [...ps].sort((a, b) => b.r - a.r)[0];
    return { level: 'inconclusive', headline: 'Inconclusive', sentence: `Inconclusive: ${said(strongest.own)}, against ${people(strongest.ref, privateIdentities)} without the defence; no attack is strong enough on the undefended model to show whether the defence helps (${trained}).`, caveat: caveatOf(ps, null, privateIdentities) };
  }
  const [level, headline]: [VerdictLevel, string] = p.d <= PROTECT_RATIO * p.r ? ['protects', 'Protects'] : p.d < p.r ? ['partial', 'Partly protects'] : ['no-protection', 'Does not protect'];
  const costly = overBudget(entry, reference, budgetPoints) && level !== 'no-protection';
  return { level, headline: costly ? `${headline}, at a high accuracy cost` : headline, sentence: `${capitalise(said(p.own))}, against ${people(p.ref, privateIdentities)} without the defence, ${accuracy}.`, caveat: caveatOf(ps, p.own.kind, privateIdentities) };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
