/**
 * The defence's checkpoint part: the runtime's JSON state (mu, baseline, pending transitions, the
 * k = 2 reference, ...) and the policy network with its Adam slots and bias-correction powers, saved
 * and restored exactly so a resumed run continues where it stopped. What the state means is runtime.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { Params } from '../models/params.ts';
import type { LoadedPart, PartState } from '../train/checkpoint.ts';
import type { AccuracyReference } from './dual.ts';

/** Everything that changes during training, as JSON (the policy's tensors travel separately). */
export interface DefenceSnapshot {
  mu: number;
  baseline: number | null;
  /** acc_ref: the best (smoothed) validation accuracy so far */
  bestVal: number;
  /** the validation accuracy's moving average (absent in checkpoints before it existed) */
  valSmoothed?: number | null;
  policyUpdates: number;
  /** FR confidence exp(-loss) per cache row, from the last time it was seen */
  confidence: Record<number, number>;
  /** transitions waiting for the next policy update */
  pending: { states: number[]; actions: number[]; ks: number[]; losses: number[]; steps: number };
  /** this epoch's accumulators */
  epoch: { kCounts: number[]; rewardSum: number; rewardCount: number; entropySum: number; entropyCount: number };
  /** the last finished epoch's k histogram */
  lastHistogram: number[];
  /** acc_ref 'k2-reference': the reference's curve once trained (absent before, and under other rules) */
  reference?: AccuracyReference | null;
}

/** The checkpoint part's name and JSON value. */
export const DEFENCE_PART = 'defence';

export interface DefencePartValues {
  state: DefenceSnapshot;
  /** the policy's Adam: step count and its running beta^t (restored as saved, see checkpoint.ts) */
  optimizer: { iterations: number; accBeta1: number; accBeta2: number } | null;
}

type AdamPowers = { accBeta1: tf.Variable; accBeta2: tf.Variable };

/** The part: `state` as JSON, the policy and its Adam slots as live tensors (none without a policy). */
export async function defencePart(state: DefenceSnapshot, policy: Params | null, optimizer: tf.Optimizer | null): Promise<PartState> {
  const values: DefencePartValues = { state: structuredClone(state), optimizer: null };
  const tensors: Record<string, tf.Tensor> = {};
  if (!policy) return { tensors, values };
  for (const [name, v] of policy.vars) tensors[`policy/${name}`] = v;
  let iterations = 0;
  for (const w of await optimizer!.getWeights()) {
    if (w.name === 'iter') {
      iterations = (await w.tensor.data())[0];
      w.tensor.dispose();
    } else tensors[`policy-opt/${policy.local(w.name)}`] = w.tensor;
  }
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamPowers;
  values.optimizer = { iterations, accBeta1: (await accBeta1.data())[0], accBeta2: (await accBeta2.data())[0] };
  return { tensors, values };
}

/** Puts what `defencePart` saved back into the policy and its optimizer; returns the JSON state. */
export async function restoreDefencePart(part: LoadedPart, policy: Params | null, optimizer: tf.Optimizer | null): Promise<DefenceSnapshot> {
  const values = part.values as DefencePartValues;
  const state = structuredClone(values.state);
  if (!policy || !values.optimizer) return state;
  for (const [name, v] of policy.vars) {
    const t = part.tensors.get(`policy/${name}`);
    if (!t) throw new Error(`checkpoint has no policy parameter ${name}`);
    tf.tidy(() => v.assign(tf.tensor(t.values, t.shape)));
  }
  // tfjs reads the iteration count from the first weight, then first and second moments in order.
  const weights = [{ name: 'iter', tensor: tf.scalar(values.optimizer.iterations) }];
  for (const [name, t] of part.tensors) if (name.startsWith('policy-opt/')) weights.push({ name: policy.prefix + name.slice('policy-opt/'.length), tensor: tf.tensor(t.values, t.shape) });
  await optimizer!.setWeights(weights);
  tf.dispose(weights.map((w) => w.tensor));
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamPowers;
  const o = values.optimizer;
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(o.accBeta1));
    accBeta2.assign(tf.scalar(o.accBeta2));
  });
  return state;
}
