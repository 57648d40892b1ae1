/**
 * The engine's attacks by kind: the plug-in point for new attack kinds. To add one (helper "gan",
 * issue #12: `whitebox`, `blackbox`): write `(req: AttackRequest, hooks: AttackHooks) =>
 * Promise<AttackOutput>` in its own folder, score candidates with `scoreReconstructions`
 * (engine/judge/score.ts) through `loadAttackJudge` (engine/judge/gallery.ts), take public faces
 * from `loadPublicFaces`, add it here, and add its kind to `ENGINE_ATTACK_KINDS` (engine/attacks/kinds.ts).
 * The job, store, contract and CLI need no change.
 */
import type { AttackKind } from '../../../shared/domain/attack.ts';
import { runBlackboxAttack } from './blackbox/run.ts';
import { runReconstructionAttack } from './reconstruction/run.ts';
import { runWhiteboxAttack } from './whitebox/run.ts';
import type { EngineAttack } from './types.ts';

export const ENGINE_ATTACKS: Partial<Record<AttackKind, EngineAttack>> = {
  reconstruction: runReconstructionAttack,
  whitebox: runWhiteboxAttack,
  blackbox: runBlackboxAttack,
};
