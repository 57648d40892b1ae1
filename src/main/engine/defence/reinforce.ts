/**
 * REINFORCE for the strategy network (Williams 1992), in the shape of tfjs-examples' cart-pole:
 * collect (state, action, reward), normalise, scale the log-probabilities, apply, dispose. With a
 * moving-average reward baseline and an entropy bonus (DESIGN.md 5.4: 0.01) against early collapse.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../models/params.ts';
import { K_CHOICES } from './mixing.ts';
import { policyLogits } from './policy.ts';

export interface ReinforceConfig {
  /** entropy bonus coefficient (DESIGN 5.4: 0.01) */
  entropyBonus: number;
  /** moving-average baseline momentum [ours: 0.9] */
  baselineMomentum: number;
}

/** What a policy update consumed: states `[n, stateSize]`, action indices, rewards. */
export interface Transitions {
  states: Float32Array;
  stateSize: number;
  actions: number[];
  rewards: number[];
}

export interface UpdateResult {
  /** the baseline after this update */
  baseline: number;
  meanReward: number;
  /** mean entropy of the policy on these states before the update (nats) */
  entropy: number;
}

/**
 * Advantages: rewards minus the moving-average baseline (the baseline as it stood before this
 * batch; the first batch starts it at its own mean), divided by the rewards' standard deviation
 * ("normalised returns" [ours: centred by the baseline, scaled by the batch spread]).
 */
export function advantages(rewards: readonly number[], baseline: number | null): number[] {
  const mean = rewards.reduce((a, b) => a + b, 0) / rewards.length;
  const std = Math.sqrt(rewards.reduce((s, r) => s + (r - mean) ** 2, 0) / rewards.length);
  const b = baseline ?? mean;
  return rewards.map((r) => (r - b) / (std + 1e-8));
}

/** One policy-gradient step: minimise -mean(A * log pi(a|s)) - c * mean(H(pi(.|s))). */
export function reinforceStep(params: Params, optimizer: tf.Optimizer, t: Transitions, baseline: number | null, cfg: ReinforceConfig): UpdateResult {
  const n = t.actions.length;
  const adv = advantages(t.rewards, baseline);
  const meanReward = t.rewards.reduce((a, b) => a + b, 0) / n;
  let entropy = 0;
  tf.tidy(() => {
    const states = tf.tensor2d(t.states, [n, t.stateSize]);
    const onehot = tf.oneHot(tf.tensor1d(t.actions, 'int32'), K_CHOICES.length);
    const a = tf.tensor1d(adv);
    const { value, grads } = tf.variableGrads(() => {
      const logp = tf.logSoftmax(policyLogits(params, states));
      const chosen = logp.mul(onehot).sum(1);
      const h = tf.neg(tf.exp(logp).mul(logp).sum(1)).mean();
      entropy = h.dataSync()[0];
      return tf.neg(chosen.mul(a).mean()).sub(h.mul(cfg.entropyBonus)) as tf.Scalar;
    }, params.trainable());
    optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
    tf.dispose([value, ...Object.values(grads)]);
  });
  const next = baseline === null ? meanReward : cfg.baselineMomentum * baseline + (1 - cfg.baselineMomentum) * meanReward;
  return { baseline: next, meanReward, entropy };
}
