/**
 * The training configuration: typed, resolved once from the request and the dataset, frozen at
 * run start, and saved with the run and every checkpoint. Profiles are presets of it.
 */
import type { BackendName, Defense } from '../../../shared/domain/run.ts';
import { adaptiveFor, mixingFor, PIXEL_DEFENSES, type DefenceConfig, type DefenceOptions } from '../defence/config.ts';
import { dpFor } from '../defence/dp/dp-config.ts';
import type { BackboneConfig } from '../backbone/adapter.ts';
import { DEFAULT_FRONT_END, type FrontEndConfig } from '../masking/front-end.ts';
import type { FrNetConfig } from '../models/fr-net.ts';
import { HEAD_DEFAULTS, type HeadConfig } from '../models/heads.ts';

export type Profile = 'quick' | 'standard';

export interface TrainConfig {
  defense: Defense;
  profile: Profile;
  seed: number;
  backend: BackendName;
  epochs: number;
  batch: number;
  /** peak learning rate (Adam) */
  lr: number;
  /** linear warm-up epochs before the cosine decay */
  warmupEpochs: number;
  /** decoupled weight decay on conv and dense weights */
  weightDecay: number;
  /** random horizontal flips of training images */
  flip: boolean;
  /** random translations of training images, in pixels (each axis, uniform in [-shift, shift]) */
  shift: number;
  net: FrNetConfig;
  head: HeadConfig;
  /** the frequency front end (null for `none`) */
  frontEnd: FrontEndConfig | null;
  /** dataset geometry the config was resolved for */
  input: { size: number; channels: 1 | 3; classes: number };
  /** evaluate held-out accuracy every this many epochs (and always at the end) */
  evalEvery: number;
  /** threads computing gradients (1, or 2 = data-parallel halves with ghost batch norm) */
  workers: number;
  /** the defence: mixing, the adaptive game, DP-SGD, channel selection (DESIGN 5.2-5.5) */
  defence: DefenceConfig;
  /** a pretrained backbone fine-tuned instead of the scratch FR network (null or absent: scratch; set by engine/backbone's withBackbone) */
  backbone?: BackboneConfig | null;
}

interface ProfilePreset {
  /** epochs for pixel inputs (`none`) */
  epochs: number;
  /** epochs for frequency inputs: they learn more slowly (ORL: 0.80 held-out after 40, 0.90 after 50) */
  frequencyEpochs: number;
  widths: number[];
  blocks: number;
  embedding: number;
  batch: number;
}

export const PROFILES: Record<Profile, ProfilePreset> = {
  quick: { epochs: 6, frequencyEpochs: 8, widths: [32, 64], blocks: 1, embedding: 128, batch: 32 },
  standard: { epochs: 40, frequencyEpochs: 60, widths: [64, 128, 256], blocks: 1, embedding: 256, batch: 32 },
};

export const TRAINABLE_DEFENSES: readonly Defense[] = ['none', 'ppfr-fd', 'mixup', 'instahide', 'freq-mixup', 'dp-sgd', 'adaptive'];

export interface ResolveOptions {
  defense: Defense;
  profile: Profile;
  seed: number;
  backend: BackendName;
  epochs?: number;
  input: TrainConfig['input'];
  /** gradient threads; default 1 (the engine worker passes what the machine has, up to 2) */
  workers?: number;
  /** training images (DP-SGD's sampling rate); default: the input's classes x 7 */
  trainCount?: number;
  /** defence knobs from the request (k, budget, noise, clip, channel selection) */
  defence?: DefenceOptions;
}

/**
 * Resolves a frozen config. Head: CosFace (s = 32, m = 0.2) [ours]: with a few hundred images and
 * tens of identities, ArcFace's s = 64, m = 0.5 from scratch does not converge within the
 * profiles' epoch budgets; both margins stay selectable in the config.
 */
export function resolveConfig(o: ResolveOptions): TrainConfig {
  const preset = PROFILES[o.profile];
  const frequency = !PIXEL_DEFENSES.includes(o.defense);
  const epochs = o.epochs ?? (frequency ? preset.frequencyEpochs : preset.epochs);
  const d = o.defence ?? {};
  // DP-SGD clips per microbatch on one thread [ours]: the helper thread has no clipping path.
  const workers = o.defense === 'dp-sgd' ? 1 : (o.workers ?? 1);
  const trainCount = o.trainCount ?? o.input.classes * 7;
  const dp = dpFor(o.defense, d, { batch: preset.batch, epochs, trainCount });
  const mixing = mixingFor(o.defense, d.k, workers);
  return Object.freeze({
    defense: o.defense,
    profile: o.profile,
    seed: o.seed,
    backend: o.backend,
    epochs,
    batch: preset.batch,
    lr: 2e-3,
    warmupEpochs: Math.min(2, Math.max(0, epochs - 1)),
    weightDecay: 5e-4,
    flip: true,
    // About 2% of the side (2 px at 112): enough to stop high-frequency channels being memorised.
    shift: Math.round(o.input.size / 56),
    net: {
      inputChannels: frequency ? DEFAULT_FRONT_END.keepPerPlane * o.input.channels : o.input.channels,
      stem: frequency ? 'frequency' : 'pixels',
      widths: preset.widths,
      blocks: preset.blocks,
      embedding: preset.embedding,
      ...(dp ? { norm: 'group' as const, groups: dp.groups } : {}),
    },
    head: { ...HEAD_DEFAULTS.cosface, scale: 32, margin: 0.2 },
    frontEnd: frequency ? { ...DEFAULT_FRONT_END, keySeed: o.seed } : null,
    input: o.input,
    evalEvery: 1,
    workers,
    defence: {
      mixing,
      adaptive: adaptiveFor(o.defense, d.accuracyBudget, d.accuracyReference),
      dp,
      channelSelection: d.channelSelection ?? 'energy',
      batchNormStats: mixing ? 'clean-train' : 'training',
    },
    backbone: null,
  }) as TrainConfig;
}
