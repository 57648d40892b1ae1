/**
 * Which of a Compare row's S3 (white-box) and S4 (black-box) come from an attack too weak on the
 * undefended run to show anything (the audit report's rule, shared/domain/attack-strength.ts):
 * Compare rows carry each attack's Acc@1, so people recognised are Acc@1 times the people attacked.
 */
import type { CompareRow } from '../../../shared/domain/attack.ts';
import { tooWeak } from '../../../shared/domain/attack-strength.ts';

export type ModelAttack = 'whitebox' | 'blackbox';
const KINDS: ModelAttack[] = ['whitebox', 'blackbox'];

/** The row's model attacks that are too weak on its undefended reference (a `none` row is its own reference); none when the reference is unknown. */
export function weakKinds(row: CompareRow, rows: readonly CompareRow[], privateIdentities: number): Set<ModelAttack> {
  const ref = row.defense === 'none' ? row : rows.find((r) => r.runId === row.referenceRunId);
  const weak = new Set<ModelAttack>();
  for (const kind of KINDS) {
    const a = ref?.attacks[kind];
    if (!a) continue;
    const of = a.targets ?? privateIdentities;
    if (tooWeak({ recognised: Math.round(a.acc1 * of), of })) weak.add(kind);
  }
  return weak;
}
