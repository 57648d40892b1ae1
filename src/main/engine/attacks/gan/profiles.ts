/**
 * Presets of the GAN attacks per profile: `quick` (tiny networks, a few steps: the demo and the
 * tests, an attack end to end in under 2 minutes) and `standard` (the README's numbers) [ours:
 * every count here is sized to the 2-core CPU budget; GMI itself runs 1,500 steps per restart].
 * The white-box identity loss is LOMMA's logit loss, chosen over GMI's cross-entropy on a proxy
 * that holds none of the evaluated identities (the pretrained LFW target, README "GAN model inversion").
 */
import type { Profile } from '../../train/config.ts';
import type { NesConfig } from '../blackbox/nes.ts';
import type { BlackboxConfig } from '../blackbox/plg.ts';
import type { DistilConfig } from '../whitebox/distil.ts';
import type { WhiteboxConfig } from '../whitebox/gmi.ts';
import { DIFF_AUGMENT } from './augment.ts';
import type { GanTrainConfig } from './train-gan.ts';

export interface AttackPreset {
  prior: Omit<GanTrainConfig, 'seed' | 'gan'> & { latent: number; width: number };
  whitebox: Omit<WhiteboxConfig, 'seed'>;
  /** the white-box attack's surrogate students (LOMMA model augmentation) */
  distil: Omit<DistilConfig, 'seed'>;
  blackbox: Omit<BlackboxConfig, 'seed'>;
  /** the black-box attack's query-only search in the linear prior (`--prior linear`) [ours] */
  nes: Omit<NesConfig, 'seed'>;
}

export const ATTACK_PRESETS: Record<Profile, AttackPreset> = {
  quick: {
    prior: { latent: 32, width: 4, steps: 60, batch: 16, lr: 2e-4 * 5, beta1: 0.5, augment: DIFF_AUGMENT, mirror: true },
    whitebox: { restarts: 2, steps: 20, lr: 0.05, lambda: 100, loss: 'logit', keep: 1, chunk: 32, pool: 64, maxZoom: 0.1 },
    distil: { students: 1, widths: [16, 32, 64], steps: 20, batch: 16, lr: 2e-3, temperature: 4 },
    blackbox: { topN: 4, steps: 20, batch: 16, lr: 1e-3, augment: DIFF_AUGMENT, candidates: 8, keep: 1 },
    nes: { restarts: 2, steps: 4, pairs: 4, sigma: 0.2, lr: 0.05, lambda: 100, keep: 1, chunk: 64 },
  },
  standard: {
    prior: { latent: 64, width: 8, steps: 2500, batch: 32, lr: 2e-4, beta1: 0.5, augment: DIFF_AUGMENT, mirror: true },
    whitebox: { restarts: 5, steps: 120, lr: 0.05, lambda: 100, loss: 'logit', keep: 3, chunk: 50, pool: 1024, maxZoom: 0.15, threads: 2 },
    distil: { students: 2, widths: [32, 64, 128], steps: 400, batch: 32, lr: 2e-3, temperature: 4 },
    blackbox: { topN: 8, steps: 300, batch: 32, lr: 2e-4, augment: DIFF_AUGMENT, candidates: 128, keep: 3 },
    nes: { restarts: 4, steps: 30, pairs: 4, sigma: 0.2, lr: 0.05, lambda: 100, keep: 3, chunk: 40 },
  },
};

/** Latent dimensions of the white-box attack's linear prior (`--prior linear`) [ours]. */
export const LINEAR_PRIOR_DIMS: Record<Profile, number> = { quick: 32, standard: 128 };

/** The prior's full training config for a public source of `channels` planes. */
export function priorConfig(profile: Profile, channels: 1 | 3, seed: number): GanTrainConfig {
  const { latent, width, ...rest } = ATTACK_PRESETS[profile].prior;
  return { ...rest, gan: { latent, width, channels, classes: 0 }, seed };
}
