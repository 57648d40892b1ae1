/**
 * Where the report's privacy numbers come from. The evaluation (judge, attacks, S1-S4, Score_pp)
 * is not part of this build yet: this source supplies none and says so; nothing is filled in.
 */
import type { Store } from '../store/store.ts';
import type { PrivacySource } from './gather.ts';
import type { AttackSample } from './images.ts';

export interface StudioPrivacy extends PrivacySource {
  samples(runId: string): AttackSample[];
}

export function studioPrivacySource(_store: Store): StudioPrivacy {
  return {
    privacy: () => null,
    samples: () => [],
    notes: [
      'This build of the studio has no attack or judge yet, so no leak is measured: the privacy scores (S1-S4, Score_pp), the attack tables and the privacy-vs-accuracy scatter are empty, which means "not measured", never "no leak".',
    ],
  };
}
