/**
 * The Lagrange multiplier mu of the adaptive defence (DESIGN.md 5.4): dual ascent once per epoch so
 * that validation accuracy stays within the user's budget,
 *   mu <- max(0, mu + eta * (acc_ref - delta - acc_val)),
 * with acc_val measured on a validation slice of the TRAINING images, never the held-out ones.
 */
import { hashSeed, Rng } from '../../data/synth/random.ts';
import type { AccuracyReference } from '../../../shared/domain/run.ts';
import type { AccRefRule, AdaptiveConfig } from './config.ts';

export type { AccuracyReference };

export function dualUpdate(o: { mu: number; eta: number; accRef: number; budget: number; accVal: number }): number {
  return Math.max(0, o.mu + o.eta * (o.accRef - o.budget - o.accVal));
}

export interface DualState {
  mu: number;
  /** moving average of the validation accuracy (null before the first epoch) */
  smoothed: number | null;
  /** acc_ref: the best moving average so far, the k = 2 warm-up's, or the k = 2 reference's at this epoch (see `dualEpoch`) */
  best: number;
}

/**
 * One epoch of the dual game [ours: the smoothing]: acc_val is the moving average
 * `a <- s a + (1 - s) acc` of the slice's accuracy, so one image of a 30-image slice (0.033, more
 * than a 0.03 budget) cannot move mu on its own; s = 0 is the unsmoothed rule. acc_ref (DESIGN 5.4):
 * 'k2-reference' = `refAt`, the k = 2 reference's moving average at this epoch (reference.ts;
 * in warm-up the run is that reference, so its own average); 'warmup' = the moving average at the
 * end of the k = 2 warm-up, then fixed; the older rules = its best value so far. mu moves only when
 * `active` (after warm-up).
 */
export function dualEpoch(st: DualState, o: { accVal: number; smoothing: number; eta: number; budget: number; active: boolean; reference?: AccRefRule; refAt?: number }): DualState {
  const smoothed = st.smoothed === null ? o.accVal : o.smoothing * st.smoothed + (1 - o.smoothing) * o.accVal;
  const best = accRefNow(st.best, smoothed, o);
  const mu = o.active ? dualUpdate({ mu: st.mu, eta: o.eta, accRef: best, budget: o.budget, accVal: smoothed }) : st.mu;
  return { mu, smoothed, best };
}

function accRefNow(best: number, smoothed: number, o: { active: boolean; reference?: AccRefRule; refAt?: number }): number {
  if (o.reference === 'k2-reference') {
    if (!o.active) return smoothed;
    if (o.refAt === undefined) throw new Error('the k = 2 reference has no accuracy for this epoch');
    return o.refAt;
  }
  if (o.reference === 'warmup') return o.active ? best : smoothed;
  return Math.max(best, smoothed);
}

/** The moving average `a <- s a + (1 - s) acc` continued over `values` from `start` (acc_val's and the reference's alike). */
export function smoothCurve(start: number | null, values: readonly number[], smoothing: number): number[] {
  let a = start;
  return values.map((v) => (a = a === null ? v : smoothing * a + (1 - smoothing) * v));
}

/**
 * The validation slice [ours]: every `1/fraction`-th training image of each identity that has at
 * least 3 (so each keeps 2 or more to train on). With a `seed`, each identity's images are first
 * put in a seeded order, so the slice is a random draw fixed for the run; without one (runs from
 * before the seeded slice), by position in the given order, which for an import sorted by file name
 * picks the same image number for most identities (ORL: its 9.pgm, one pose for everybody).
 * Returns the indices (into `train`) of the slice.
 */
export function validationSlice(train: readonly { label: number }[], fraction: number, seed?: number): number[] {
  const byLabel = new Map<number, number[]>();
  train.forEach((t, i) => byLabel.set(t.label, [...(byLabel.get(t.label) ?? []), i]));
  const out: number[] = [];
  const every = Math.max(2, Math.round(1 / fraction));
  for (const [label, all] of byLabel) {
    if (all.length < 3) continue;
    const idx = seed === undefined ? all : new Rng(hashSeed(seed, label, 0x511ce)).shuffle([...all]);
    for (let j = every - 1; j < idx.length; j += every) out.push(idx[j]);
  }
  return out.sort((a, b) => a - b);
}

/** The adaptive run's slice: seeded by the run's seed when its config says so (AdaptiveConfig.slice). */
export function adaptiveSlice(train: readonly { label: number }[], a: Pick<AdaptiveConfig, 'validationFraction' | 'slice'>, seed: number): number[] {
  return validationSlice(train, a.validationFraction, a.slice === 'seeded' ? seed : undefined);
}
