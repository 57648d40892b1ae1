/**
 * A run's defence during training (DESIGN.md 5.2-5.5): draws each step's MixUp recipes (fixed k,
 * k = 2 in warm-up, or k from the policy), turns per-sample losses into REINFORCE rewards and
 * policy updates every M steps, moves mu by dual ascent on the validation slice once per epoch,
 * reports per-epoch metrics (and DP-SGD's epsilon so far), and snapshots all of it for checkpoints
 * so a resumed run continues exactly where it stopped (the part's format: checkpoint-part.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { hashSeed, Rng } from '../../data/synth/random.ts';
import { identificationAccuracy } from '../eval/evaluate.ts';
import { maskedCoefficients } from '../masking/front-end.ts';
import type { Params } from '../models/params.ts';
import { halfSplit } from '../parallel/data-parallel.ts';
import type { Item } from '../parallel/replica.ts';
import { batchTensor, type TrainData } from '../train/data.ts';
import type { FaceModel } from '../train/face-model.ts';
import type { LoadedPart, PartState } from '../train/checkpoint.ts';
import type { StepExtras } from '../train/step.ts';
import { hasRunningBatchNorm, recalibrateBatchNorm, withRecalibratedBatchNorm } from './bn-recalibrate.ts';
import { dpEpsilon } from './dp/accountant.ts';
import { rejoinEpoch, warmupEnd } from './config.ts';
import { dualEpoch, type AccuracyReference } from './dual.ts';
import { drawRecipes, K_CHOICES, type MixRecipe } from './mixing.ts';
import { meanEntropy, policyParams, policyProbs, sampleActions } from './policy.ts';
import { reinforceStep } from './reinforce.ts';
import { defencePart, restoreDefencePart, type DefenceSnapshot } from './checkpoint-part.ts';
import { anchorEnergies, policyStates } from './state.ts';

/**
 * The step's items with MixUp recipes of the given ks: partners within each gradient thread's group,
 * drawn from (seed, epoch, step, group), so the k = 2 reference draws what a k = 2 run would.
 */
export function withRecipes(items: readonly Item[], ks: readonly number[], cfg: FaceModel['config'], at: { epoch: number; step: number }): Item[] {
  const split = cfg.workers > 1 ? halfSplit(items.length) : items.length;
  const groups: [number, number][] = split < items.length ? [[0, split], [split, items.length]] : [[0, items.length]];
  const recipes: MixRecipe[] = [];
  const signMask = cfg.defence.mixing?.signMask ?? false;
  groups.forEach(([a, b], g) => recipes.push(...drawRecipes({ ks: ks.slice(a, b), seed: hashSeed(cfg.seed, at.epoch, at.step, g, 0x3e1), signMask })));
  return items.map((it, i) => ({ ...it, mix: recipes[i] }));
}

// the checkpoint part's name and state type, for the runtime's users
export { DEFENCE_PART, type DefenceSnapshot } from './checkpoint-part.ts';

const emptyEpoch = (): DefenceSnapshot['epoch'] => ({ kCounts: [0, 0, 0, 0, 0], rewardSum: 0, rewardCount: 0, entropySum: 0, entropyCount: 0 });

export class DefenceRuntime {
  private s: DefenceSnapshot = { mu: 0, baseline: null, bestVal: 0, policyUpdates: 0, confidence: {}, pending: { states: [], actions: [], ks: [], losses: [], steps: 0 }, epoch: emptyEpoch(), lastHistogram: [0, 0, 0, 0, 0] };
  private readonly policy: Params | null;
  private readonly optimizer: tf.Optimizer | null;
  private readonly energies = new Map<number, Float32Array>();
  private readonly channels: number;
  private lastItems: Item[] = [];
  private lastKs: number[] = [];
  private lastActions: number[] | null = null;
  private lastStates: Float32Array | null = null;
  private readonly model: FaceModel;
  private readonly data: TrainData;
  /** the validation slice (training images held back from FR updates until it rejoins) */
  private readonly validation: TrainData['train'];
  /** the first epoch in which the policy and mu are frozen and the slice trains (Infinity: never) */
  private readonly rejoin: number;
  /** the epoch of the step being run (set by `prepare`) */
  private epochNow = 0;

  constructor(model: FaceModel, data: TrainData, validation: TrainData['train']) {
    this.model = model;
    this.data = data;
    this.validation = validation;
    const cfg = model.config;
    this.channels = model.frontEnd?.kept.length ?? 0;
    const adaptive = cfg.defence.adaptive;
    this.policy = adaptive ? policyParams({ stateSize: this.channels + 1, hidden: adaptive.hidden }, cfg.seed) : null;
    this.optimizer = adaptive ? tf.train.adam(adaptive.policyLr) : null;
    this.rejoin = adaptive && validation.length ? rejoinEpoch(adaptive, cfg.epochs) : Number.POSITIVE_INFINITY;
    if (adaptive) {
      this.computeEnergies();
      // Create Adam's slots now (a zero gradient moves nothing), so the tensor count stays flat from
      // the first FR step on, as the trainer's leak guard expects.
      const zeros = Object.fromEntries(this.policy!.trainable().map((v) => [v.name, tf.zerosLike(v)]));
      this.optimizer!.applyGradients(zeros);
      tf.dispose(Object.values(zeros));
    }
  }

  /** Each training image's masked per-channel energy (unaugmented), for the policy's state; the slice's too (it rejoins). */
  private computeEnergies(): void {
    const rows = [...this.data.train, ...this.validation].map((t) => t.row);
    for (let i = 0; i < rows.length; i += 64) {
      const chunk = rows.slice(i, i + 64);
      const coeffs = tf.tidy(() => maskedCoefficients(batchTensor(this.data, chunk), this.model.frontEnd!));
      const e = anchorEnergies(coeffs, this.model.frontEnd!);
      coeffs.dispose();
      chunk.forEach((row, k) => this.energies.set(row, e.slice(k * this.channels, (k + 1) * this.channels)));
    }
  }

  get policyParams(): Params | null {
    return this.policy;
  }

  /** The epoch's FR training images: the validation slice joins them once the policy is frozen [ours]. */
  trainItems(epoch: number): TrainData['train'] {
    return epoch >= this.rejoin ? [...this.data.train, ...this.validation] : this.data.train;
  }

  private frozen(epoch: number): boolean {
    return epoch >= this.rejoin;
  }

  /** The step's items with their MixUp recipes (partners within each gradient thread's group). */
  prepare(items: readonly Item[], epoch: number, step: number): Item[] {
    const cfg = this.model.config;
    const mixing = cfg.defence.mixing;
    this.epochNow = epoch;
    this.lastItems = [...items];
    if (!mixing) return this.lastItems;
    const ks = this.chooseKs(items, epoch, step);
    ks.forEach((k) => this.s.epoch.kCounts[k - 2]++);
    this.lastKs = ks;
    this.lastItems = withRecipes(items, ks, cfg, { epoch, step });
    return this.lastItems;
  }

  private chooseKs(items: readonly Item[], epoch: number, step: number): number[] {
    const mixing = this.model.config.defence.mixing!;
    const adaptive = this.model.config.defence.adaptive;
    this.lastActions = null;
    if (mixing.k !== 'policy') return items.map(() => mixing.k as number);
    if (!adaptive || epoch < warmupEnd(adaptive, this.model.config.epochs)) return items.map(() => 2);
    const energies = new Float32Array(items.length * this.channels);
    items.forEach((it, i) => energies.set(this.energies.get(it.row)!, i * this.channels));
    const states = policyStates(energies, this.channels, items.map((it) => this.s.confidence[it.row] ?? 1));
    const probs = policyProbs(this.policy!, states, this.channels + 1);
    this.s.epoch.entropySum += meanEntropy(probs);
    this.s.epoch.entropyCount++;
    const actions = sampleActions(probs, new Rng(hashSeed(this.model.config.seed, epoch, step, 0x7a11)));
    this.lastActions = actions;
    this.lastStates = states;
    return actions.map((a) => K_CHOICES[a]);
  }

  /** Per-step additions for the optimizer step: DP-SGD's noise seed, the per-sample loss hook. */
  extras(globalStep: number): StepExtras {
    const dp = this.model.config.defence.dp;
    return {
      ...(dp ? { dp: { config: dp, noiseSeed: hashSeed(this.model.config.seed, globalStep, 0xd9) } } : {}),
      onPerSample: (v) => this.afterStep(v),
    };
  }

  /** Rewards R_t = L0_t / mean(L0) - mu * (k_t - 2) / 4 [ours: the loss scaled by the batch mean]; a policy update every M steps. */
  private afterStep(perSample: Float32Array | null): void {
    if (!perSample) return;
    this.lastItems.forEach((it, i) => (this.s.confidence[it.row] = Math.exp(-perSample[i])));
    const adaptive = this.model.config.defence.adaptive;
    if (!adaptive || !this.lastActions || !this.lastStates || this.frozen(this.epochNow)) return;
    const p = this.s.pending;
    p.states.push(...this.lastStates);
    p.actions.push(...this.lastActions);
    p.ks.push(...this.lastKs);
    const mean = perSample.reduce((a, b) => a + b, 0) / perSample.length;
    p.losses.push(...Array.from(perSample, (l) => l / (mean + 1e-8)));
    p.steps++;
    if (p.steps >= adaptive.policyEvery) this.updatePolicy();
  }

  private updatePolicy(): void {
    const adaptive = this.model.config.defence.adaptive!;
    const p = this.s.pending;
    const rewards = p.losses.map((l, i) => l - this.s.mu * ((p.ks[i] - 2) / 4));
    const out = reinforceStep(this.policy!, this.optimizer!, { states: Float32Array.from(p.states), stateSize: this.channels + 1, actions: p.actions, rewards }, this.s.baseline, adaptive);
    this.s.baseline = out.baseline;
    this.s.policyUpdates++;
    this.s.epoch.rewardSum += out.meanReward * rewards.length;
    this.s.epoch.rewardCount += rewards.length;
    this.s.pending = { states: [], actions: [], ks: [], losses: [], steps: 0 };
  }

  /** Per-epoch metrics; for adaptive, a last policy update, validation accuracy and the dual update of mu. */
  async endEpoch(epoch: number, globalStep: number): Promise<Record<string, number>> {
    const cfg = this.model.config;
    const out: Record<string, number> = {};
    const e = this.s.epoch;
    if (cfg.defence.mixing) {
      const total = e.kCounts.reduce((a, b) => a + b, 0);
      e.kCounts.forEach((c, i) => (out[`k${i + 2}`] = c));
      out.meanK = total ? e.kCounts.reduce((s, c, i) => s + c * (i + 2), 0) / total : 0;
      this.s.lastHistogram = [...e.kCounts];
    }
    const adaptive = cfg.defence.adaptive;
    // The epoch's leftover transitions update the policy too [ours], so no epoch's rewards are lost.
    if (adaptive && this.s.pending.steps > 0) this.updatePolicy();
    // Frozen epochs: the slice trains, so there is no validation accuracy and mu stays [ours].
    if (adaptive && this.frozen(epoch)) Object.assign(out, { mu: this.s.mu, entropy: e.entropyCount ? e.entropySum / e.entropyCount : 0, policyUpdates: this.s.policyUpdates });
    else if (adaptive) {
      const accVal = await this.accuracy(this.validation);
      const ref = this.s.reference;
      const refAt = ref ? ref.smoothed[epoch - ref.from] : undefined;
      const dual = dualEpoch({ mu: this.s.mu, smoothed: this.s.valSmoothed ?? null, best: this.s.bestVal }, { accVal, smoothing: adaptive.valSmoothing ?? 0, eta: adaptive.dualLr, budget: adaptive.accuracyBudget, active: epoch >= warmupEnd(adaptive, cfg.epochs), reference: adaptive.accRef, refAt });
      [this.s.mu, this.s.valSmoothed, this.s.bestVal] = [dual.mu, dual.smoothed, dual.best];
      Object.assign(out, { valAccuracy: accVal, valSmoothed: dual.smoothed!, accRef: dual.best, mu: this.s.mu, reward: e.rewardCount ? e.rewardSum / e.rewardCount : 0, entropy: e.entropyCount ? e.entropySum / e.entropyCount : 0, policyUpdates: this.s.policyUpdates });
    }
    const dp = cfg.defence.dp;
    if (dp) out.epsilon = dpEpsilon({ q: dp.samplingRate, sigma: dp.noiseMultiplier, steps: globalStep, delta: dp.delta });
    this.s.epoch = emptyEpoch();
    return out;
  }

  /** Identification accuracy on `rows`; a MixUp defence's with batch-norm statistics of clean training images (config.defence.batchNormStats). */
  async accuracy(rows: TrainData['heldout']): Promise<number> {
    const run = (): Promise<number> => identificationAccuracy(this.model, { ...this.data, heldout: rows });
    return this.cleanStats() ? withRecalibratedBatchNorm(this.model, this.data, this.cleanGroups(), run) : run();
  }

  /** Identification accuracy on the validation slice (as the dual update measures it). */
  sliceAccuracy(): Promise<number> {
    return this.accuracy(this.validation);
  }

  /** The first epoch in which the slice trains and mu is frozen (Infinity: never). */
  get rejoinAt(): number {
    return this.rejoin;
  }

  /** The k = 2 reference's curve (acc_ref 'k2-reference'), once trained; null before. */
  get reference(): AccuracyReference | null {
    return this.s.reference ?? null;
  }

  /** Records the reference's curve: it travels with every later checkpoint. */
  setReference(ref: AccuracyReference): void {
    this.s.reference = structuredClone(ref);
  }

  /** acc_val's moving average so far (the reference continues it from the end of the warm-up). */
  get valSmoothed(): number | null {
    return this.s.valSmoothed ?? null;
  }

  /** After the last epoch: the clean statistics become the model's own (saved, exported, attacked). */
  async finish(): Promise<void> {
    if (this.cleanStats()) {
      const { rows, batch } = this.cleanGroups();
      await recalibrateBatchNorm(this.model, this.data, rows, batch);
    }
  }

  private cleanStats(): boolean {
    return this.model.config.defence.batchNormStats === 'clean-train' && hasRunningBatchNorm(this.model);
  }

  /** The epoch's FR training images in a seeded order, in groups of one gradient thread's share of a batch (ghost batch norm). */
  private cleanGroups(): { rows: number[]; batch: number } {
    const cfg = this.model.config;
    const rows = new Rng(hashSeed(cfg.seed, 0xb17a)).shuffle(this.trainItems(this.epochNow).map((t) => t.row));
    return { rows, batch: Math.max(2, Math.floor(cfg.batch / cfg.workers)) };
  }

  /** The run's result fields: the policy's last-epoch k histogram and mean k, adaptive's k = 2 reference; DP-SGD's epsilon. */
  result(globalStep: number): { policy: { kHistogram: Record<string, number>; meanK: number } | null; epsilon: number | null; accuracyReference: AccuracyReference | null } {
    const cfg = this.model.config;
    const h = this.s.lastHistogram;
    const total = h.reduce((a, b) => a + b, 0);
    const policy = cfg.defence.adaptive ? { kHistogram: Object.fromEntries(h.map((c, i) => [String(i + 2), c])), meanK: total ? h.reduce((s, c, i) => s + c * (i + 2), 0) / total : 0 } : null;
    const dp = cfg.defence.dp;
    return { policy, epsilon: dp ? dpEpsilon({ q: dp.samplingRate, sigma: dp.noiseMultiplier, steps: globalStep, delta: dp.delta }) : null, accuracyReference: this.reference };
  }

  /** Mean FR confidence over the training images seen (the policy's state for unseen faces). */
  meanConfidence(): number {
    const v = Object.values(this.s.confidence);
    return v.length ? v.reduce((a, b) => a + b, 0) / v.length : 1;
  }

  /** The checkpoint part: this state as JSON, the policy and its Adam slots as live tensors. */
  part(): Promise<PartState> {
    return defencePart(this.s, this.policy, this.optimizer);
  }

  /** Restores what `part` saved (state, policy, its Adam slots and bias-correction powers). */
  async restore(part: LoadedPart): Promise<void> {
    this.s = await restoreDefencePart(part, this.policy, this.optimizer);
  }

  /** The JSON state (tests compare a resumed run's with an uninterrupted one's). */
  state(): DefenceSnapshot {
    return structuredClone(this.s);
  }

  dispose(): void {
    this.policy?.dispose();
    this.optimizer?.dispose();
  }
}
