/**
 * When an attack "recognises" a person and when it is too weak to show anything [ours]: one rule
 * for the audit report's verdicts (src/main/report/verdict.ts) and the studio's attack page.
 */

/** A person counts as recognised when the judge names them for more than this share of the attack's reconstructions of them. */
export const RECOGNISED_ABOVE = 0.5;
/** An attack that recognises at most this many times chance on the undefended model shows nothing. */
export const WEAK_ATTACK_CHANCE_MULTIPLE = 2;

export function isRecognised(acc1: number): boolean {
  return acc1 > RECOGNISED_ABOVE;
}

/** People recognised of people attacked: from per-person scores, else Acc@1 times the people (chance is 1 / people). */
export function peopleRecognisedBy(m: { acc1: number; chance: number; perIdentity: readonly { acc1: number }[] }): { recognised: number; of: number } {
  if (m.perIdentity.length) return { recognised: m.perIdentity.filter((p) => isRecognised(p.acc1)).length, of: m.perIdentity.length };
  const of = m.chance > 0 ? Math.round(1 / m.chance) : 0;
  return { recognised: Math.round(m.acc1 * of), of };
}

/** At most WEAK_ATTACK_CHANCE_MULTIPLE times chance: recognised / of <= multiple / of. */
export function tooWeak(p: { recognised: number; of: number }): boolean {
  return p.recognised / Math.max(1, p.of) <= WEAK_ATTACK_CHANCE_MULTIPLE / Math.max(1, p.of);
}
