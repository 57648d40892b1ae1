/**
 * A run's defence applied to any faces, exactly as its trainer and its export apply it: the front
 * end (if any), then MixUp within groups of `groupSize` with the run's fixed k or k drawn from its
 * trained policy, InstaHide weights and sign masks. One function for the export and for attacks that
 * pass public faces "through the same defence" (the attacker knows the front end and its key).
 * Returns network-domain samples, pictures, and each sample's recipe.
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import { maskedCoefficients, visualiseMasked, type FrontEndState } from '../masking/front-end.ts';
import type { Params } from '../models/params.ts';
import type { TrainConfig } from '../train/config.ts';
import { NO_DEFENCE } from './config.ts';
import { applySignMasks, drawRecipes, energyGain, K_CHOICES, mixTensor, type MixRecipe } from './mixing.ts';
import { policyParams, policyProbs, sampleActions } from './policy.ts';
import { anchorEnergies, policyStates } from './state.ts';

/** Everything of a trained run that its defence needs. */
export interface DefenceModel {
  config: TrainConfig;
  frontEnd: FrontEndState | null;
  /** the adaptive run's trained policy (null otherwise) */
  policy: Params | null;
  /** confidence fed to the policy for faces it has not seen [ours: the run's final mean] */
  confidence: number;
}

/** How one output sample was made (indices into the input batch). */
export interface SampleRecipe {
  /** input indices; sources[0] is the anchor */
  sources: number[];
  lambdas: number[];
  /** label mass per class (sums to 1) */
  labelWeights: { label: number; weight: number }[];
  k: number;
  signSeed: number | null;
  /** the sample's deviation from the training mean was scaled by this (unit-energy mixing [ours]); absent or 1: not scaled */
  gain?: number;
}

export interface AppliedDefence {
  /** 'frequency': masked, permuted coefficients `[N, S/8, S/8, kept]` before standardisation; 'pixels': `[N, S, S, C]` scaled to about [-1, 1] */
  form: 'frequency' | 'pixels';
  samples: tf.Tensor4D;
  /** visualisations `[N, S, S, C]` in 0..255 (the inverse path of DESIGN 5.1 step 5 for frequency samples) */
  images: tf.Tensor4D;
  recipes: SampleRecipe[];
}

export interface ApplyOptions {
  seed: number;
  /** mixing group size (the training default: a thread's half batch) */
  groupSize?: number;
}

export function defaultGroupSize(config: TrainConfig): number {
  return config.workers > 1 ? Math.ceil(config.batch / 2) : config.batch;
}

/** k for each of `n` samples: the fixed k, or draws from the policy on the samples' states. */
function chooseK(m: DefenceModel, coeffs: tf.Tensor4D | null, n: number, seed: number): number[] {
  const k = m.config.defence.mixing?.k ?? 1;
  if (k !== 'policy') return new Array<number>(n).fill(k);
  if (!m.policy || !coeffs || !m.frontEnd) throw new Error('an adaptive run needs its trained policy and front end');
  const channels = m.frontEnd.kept.length;
  const states = policyStates(anchorEnergies(coeffs, m.frontEnd), channels, new Array<number>(n).fill(m.confidence));
  return sampleActions(policyProbs(m.policy, states, channels + 1), new Rng(hashSeed(seed, 0x9011))).map((a) => K_CHOICES[a]);
}

function toSampleRecipe(r: MixRecipe, offset: number, labels: readonly number[], unitEnergy: boolean): SampleRecipe {
  const sources = r.sources.map((s) => s + offset);
  const mass = new Map<number, number>();
  sources.forEach((s, i) => mass.set(labels[s], (mass.get(labels[s]) ?? 0) + r.weights[i]));
  return { sources, lambdas: r.weights, labelWeights: [...mass].map(([label, weight]) => ({ label, weight })), k: r.sources.length, signSeed: r.signSeed, gain: unitEnergy ? energyGain(r.weights) : 1 };
}

/** The run's defence on `pixels` `[N, S, S, C]` (0..255) with class `labels`. */
export function applyDefence(m: DefenceModel, pixels: tf.Tensor4D, labels: readonly number[], o: ApplyOptions): AppliedDefence {
  const n = pixels.shape[0];
  const mixing = m.config.defence.mixing;
  const form = m.frontEnd ? 'frequency' : 'pixels';
  const base = m.frontEnd ? maskedCoefficients(pixels, m.frontEnd) : (tf.tidy(() => pixels.sub(127.5).div(128)) as tf.Tensor4D);
  if (!mixing) {
    const images = m.frontEnd ? visualiseMasked(base, m.frontEnd) : pixels.clone();
    const recipes = labels.map((label, i) => ({ sources: [i], lambdas: [1], labelWeights: [{ label, weight: 1 }], k: 1, signSeed: null, gain: 1 }));
    return { form, samples: base, images, recipes };
  }
  const ks = chooseK(m, form === 'frequency' ? base : null, n, o.seed);
  const size = o.groupSize ?? defaultGroupSize(m.config);
  // Unit-energy mixing around the channels' training mean (the trainer's standardised inputs have mean 0).
  const unitEnergy = mixing.energy === 'unit';
  const mix = { unitEnergy, center: m.frontEnd?.mean };
  const recipes: SampleRecipe[] = [];
  const parts: tf.Tensor4D[] = [];
  for (let start = 0, g = 0; start < n; start += size, g++) {
    const count = Math.min(size, n - start);
    const group = drawRecipes({ ks: ks.slice(start, start + count), seed: hashSeed(o.seed, g, 0xa991), signMask: mixing.signMask });
    const slice = base.slice(start, count);
    const mixed = mixTensor(slice, group, mix);
    parts.push(applySignMasks(mixed, group));
    tf.dispose([slice, mixed]);
    recipes.push(...group.map((r) => toSampleRecipe(r, start, labels, unitEnergy)));
  }
  const samples = tf.concat(parts) as tf.Tensor4D;
  tf.dispose([base, ...parts]);
  const images = tf.tidy(() => (m.frontEnd ? visualiseMasked(samples, m.frontEnd) : (samples.mul(128).add(127.5).clipByValue(0, 255) as tf.Tensor4D)));
  return { form, samples, images, recipes };
}

/**
 * A run's defence from its checkpoint: config, front end, and for adaptive the trained policy
 * (its `policy/*` tensors) and the final mean confidence. The caller disposes `policy`.
 */
export function defenceFromCheckpoint(ck: { config: TrainConfig; frontEnd: FrontEndState | null; defence?: unknown; tensors: ReadonlyMap<string, { shape: number[]; values: Float32Array }> }): DefenceModel {
  const adaptive = ck.config.defence?.adaptive;
  const config = ck.config.defence ? ck.config : { ...ck.config, defence: NO_DEFENCE };
  if (!adaptive || !ck.frontEnd) return { config, frontEnd: ck.frontEnd, policy: null, confidence: 1 };
  const policy = policyParams({ stateSize: ck.frontEnd.kept.length + 1, hidden: adaptive.hidden }, ck.config.seed);
  for (const [name, v] of policy.vars) {
    const t = ck.tensors.get(`policy/${name}`);
    if (!t) throw new Error(`the checkpoint has no trained policy (${name}); resume the run to finish training it`);
    tf.tidy(() => v.assign(tf.tensor(t.values, t.shape)));
  }
  const conf = Object.values((ck.defence as { state?: { confidence?: Record<string, number> } } | undefined)?.state?.confidence ?? {});
  return { config, frontEnd: ck.frontEnd, policy, confidence: conf.length ? conf.reduce((a, b) => a + b, 0) / conf.length : 1 };
}
