/**
 * Which attack kinds the engine implements (light: the jobs layer checks a request against it
 * without loading the attacks). Keep in step with `registry.ts`.
 */
import type { AttackKind } from '../../../shared/domain/attack.ts';

export const ENGINE_ATTACK_KINDS: readonly AttackKind[] = ['reconstruction', 'whitebox', 'blackbox'];

/** What to tell a user who asks for a kind that is not implemented yet. */
export const MISSING_KIND_HINT: Partial<Record<AttackKind, string>> = {};
