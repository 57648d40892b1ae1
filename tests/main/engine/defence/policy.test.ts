import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { adaptiveFor, rejoinEpoch, warmupEnd } from '../../../../src/main/engine/defence/config.ts';
import { dualEpoch, dualUpdate, smoothCurve, validationSlice } from '../../../../src/main/engine/defence/dual.ts';
import { policyParams, policyProbs, sampleActions } from '../../../../src/main/engine/defence/policy.ts';
import { advantages, reinforceStep } from '../../../../src/main/engine/defence/reinforce.ts';

describe('the strategy network and its updates', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('learns to prefer the action with the higher reward on a toy problem', () => {
    // Two kinds of state; action 3 (k = 5) pays on kind A, action 0 (k = 2) on kind B.
    const stateSize = 4;
    const params = policyParams({ stateSize, hidden: 16 }, 1);
    const optimizer = tf.train.adam(0.05);
    const rng = new Rng(5);
    let baseline: number | null = null;
    const before = tf.memory().numTensors;
    let afterFirst = 0;
    for (let it = 0; it < 60; it++) {
      const n = 32;
      const kinds = Array.from({ length: n }, (_, i) => i % 2);
      const states = new Float32Array(n * stateSize);
      kinds.forEach((kd, i) => states.set(kd ? [0, 1, 0.5, -0.5] : [1, 0, -0.5, 0.5], i * stateSize));
      const actions = sampleActions(policyProbs(params, states, stateSize), rng);
      const rewards = actions.map((a, i) => (a === (kinds[i] ? 0 : 3) ? 1 : 0) + 0.1 * rng.normal());
      baseline = reinforceStep(params, optimizer, { states, stateSize, actions, rewards }, baseline, { entropyBonus: 0.01, baselineMomentum: 0.9 }).baseline;
      if (it === 1) afterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(afterFirst).toBeGreaterThanOrEqual(before);
    const probs = policyProbs(params, new Float32Array([1, 0, -0.5, 0.5, 0, 1, 0.5, -0.5]), stateSize);
    expect(probs[0][3]).toBeGreaterThan(0.6);
    expect(probs[1][0]).toBeGreaterThan(0.6);
    params.dispose();
    optimizer.dispose();
  });

  it('centres advantages on the baseline and scales them by the spread', () => {
    expect(advantages([1, 3], 2)).toEqual([-1 / (1 + 1e-8), 1 / (1 + 1e-8)]);
    const a = advantages([1, 2, 3], null);
    expect(a.reduce((x, y) => x + y, 0)).toBeCloseTo(0, 12);
  });

  it('raises mu when validation accuracy falls below the budget and lowers it otherwise', () => {
    const base = { eta: 2, accRef: 0.9, budget: 0.03 };
    expect(dualUpdate({ ...base, mu: 0.5, accVal: 0.8 })).toBeGreaterThan(0.5);
    expect(dualUpdate({ ...base, mu: 0.5, accVal: 0.9 })).toBeLessThan(0.5);
    expect(dualUpdate({ ...base, mu: 0.01, accVal: 1 })).toBe(0);
  });

  it('smoothing keeps a one-image dip of a 30-image slice (0.033 > budget 0.03) from raising mu', () => {
    const o = { eta: 1, budget: 0.03, active: true };
    let raw = { mu: 0.2, smoothed: null as number | null, best: 0 };
    let smooth = { ...raw };
    for (const accVal of [0.9, 0.9, 0.9 - 1 / 30]) {
      raw = dualEpoch(raw, { ...o, accVal, smoothing: 0 });
      smooth = dualEpoch(smooth, { ...o, accVal, smoothing: 0.5 });
    }
    expect(raw.mu).toBeGreaterThan(0.2 - 2 * 0.03);
    expect(raw.mu - (0.2 - 2 * 0.03)).toBeCloseTo(1 / 30 - 0.03, 10);
    expect(smooth.mu).toBeCloseTo(0.2 - 2 * 0.03 - (0.03 - 1 / 60), 10);
    expect(smooth.best).toBeCloseTo(0.9, 10);
  });

  it('the dual epoch leaves mu alone in warm-up but still tracks acc_ref', () => {
    const st = dualEpoch({ mu: 0, smoothed: null, best: 0 }, { accVal: 0.4, smoothing: 0.5, eta: 1, budget: 0.03, active: false });
    expect(st).toEqual({ mu: 0, smoothed: 0.4, best: 0.4 });
  });

  it("acc_ref 'warmup' is the k = 2 warm-up's smoothed accuracy, then fixed: mu rises while validation accuracy is below it minus the budget and falls back once above", () => {
    const o = { smoothing: 0.5, eta: 1, budget: 0.03, reference: 'warmup' as const };
    let st = { mu: 0, smoothed: null as number | null, best: 0 };
    // warm-up: the reference follows the moving average, down as well as up
    for (const accVal of [0.8, 0.9, 0.86]) st = dualEpoch(st, { ...o, accVal, active: false });
    expect(st.best).toBeCloseTo(0.855, 12);
    expect(st.mu).toBe(0);
    // the policy mixes: accuracy 0.1 below the warm-up's, so mu climbs epoch after epoch
    const mus: number[] = [];
    for (const accVal of [0.75, 0.75, 0.75]) {
      st = dualEpoch(st, { ...o, accVal, active: true });
      mus.push(st.mu);
    }
    expect(mus[0]).toBeCloseTo(0.855 - 0.03 - 0.8025, 12);
    expect(mus[1]).toBeGreaterThan(mus[0]);
    expect(mus[2]).toBeGreaterThan(mus[1]);
    expect(st.best).toBeCloseTo(0.855, 12);
    // accuracy back above the warm-up's: mu falls to 0, and the reference does not rise with accuracy
    for (const accVal of [0.99, 0.99, 0.99, 0.99]) st = dualEpoch(st, { ...o, accVal, active: true });
    expect(st.mu).toBe(0);
    expect(st.best).toBeCloseTo(0.855, 12);
    // the best-so-far rule on the same history has moved its reference up to the climb
    let best = { mu: 0, smoothed: null as number | null, best: 0 };
    for (const accVal of [0.8, 0.9, 0.86, 0.75, 0.75, 0.75, 0.99, 0.99, 0.99, 0.99]) best = dualEpoch(best, { ...o, reference: 'best-smoothed-validation', accVal, active: true });
    expect(best.best).toBeGreaterThan(0.97);
  });

  it("acc_ref 'k2-reference' binds against the reference's accuracy at the same epoch: a run whose own accuracy rises, but less than the k = 2 reference's, still raises mu", () => {
    const o = { smoothing: 0.5, eta: 1, budget: 0.03, reference: 'k2-reference' as const };
    let st = { mu: 0, smoothed: null as number | null, best: 0 };
    for (const accVal of [0.6, 0.62]) st = dualEpoch(st, { ...o, accVal, active: false });
    expect(st).toEqual({ mu: 0, smoothed: 0.61, best: 0.61 });
    // the run climbs 0.61 -> 0.69 (the 'warmup' rule would keep mu at 0), the reference climbs faster
    const run = [0.66, 0.68, 0.7];
    const ref = smoothCurve(0.61, [0.72, 0.78, 0.8], 0.5);
    expect(ref).toEqual([0.665, 0.7225, 0.76125].map((v) => expect.closeTo(v, 12)));
    const mus: number[] = [];
    let warmup = { ...st };
    run.forEach((accVal, i) => {
      st = dualEpoch(st, { ...o, accVal, active: true, refAt: ref[i] });
      warmup = dualEpoch(warmup, { ...o, reference: 'warmup', accVal, active: true });
      mus.push(st.mu);
    });
    expect(st.best).toBe(ref[2]);
    expect(warmup.mu).toBe(0);
    // epoch by epoch: mu += (ref_e - 0.03 - run_e), run_e = 0.635, 0.6575, 0.67875
    expect(mus[0]).toBeCloseTo(0, 12);
    expect(mus[1]).toBeCloseTo(0.7225 - 0.03 - 0.6575, 12);
    expect(mus[2]).toBeCloseTo(mus[1] + 0.76125 - 0.03 - 0.67875, 12);
    // back within the budget of the reference: mu falls to 0
    for (let i = 0; i < 3; i++) st = dualEpoch(st, { ...o, accVal: 0.95, active: true, refAt: 0.8 });
    expect(st.mu).toBe(0);
  });

  it("acc_ref 'k2-reference' refuses an epoch the reference did not reach", () => {
    expect(() => dualEpoch({ mu: 0, smoothed: 0.5, best: 0.5 }, { accVal: 0.5, smoothing: 0.5, eta: 1, budget: 0.03, active: true, reference: 'k2-reference' })).toThrow(/reference/);
  });

  it('holds back a validation slice of the training images of each identity', () => {
    // six identities of 7 images and one of 2 (too few to spare one)
    const train = [...Array.from({ length: 42 }, (_, i) => ({ label: Math.floor(i / 7) })), { label: 6 }, { label: 6 }];
    const slice = validationSlice(train, 1 / 7);
    expect(slice.map((i) => train[i].label)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a seeded slice draws a different image of each identity, reproducibly; the positional one takes the same position everywhere', () => {
    const train = Array.from({ length: 70 }, (_, i) => ({ label: Math.floor(i / 7) }));
    const positional = validationSlice(train, 1 / 7);
    expect(positional.map((i) => i % 7)).toEqual(Array(10).fill(6));
    const seeded = validationSlice(train, 1 / 7, 5);
    expect(seeded).toEqual(validationSlice(train, 1 / 7, 5));
    expect(seeded.map((i) => train[i].label)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(seeded.map((i) => i % 7)).size).toBeGreaterThan(2);
    expect(validationSlice(train, 1 / 7, 6)).not.toEqual(seeded);
  });

  it('freezes the policy and lets the validation slice rejoin for the last quarter of the epochs, never before the policy acted', () => {
    const a = adaptiveFor('adaptive', 0.03)!;
    expect(rejoinEpoch(a, 60)).toBe(45);
    expect(rejoinEpoch(a, 8)).toBe(6);
    // a short fine-tuning run (pretrained backbone): warm-up 2, so the policy acts in epoch 2 at least
    expect(rejoinEpoch(a, 3)).toBe(3);
    // runs from before the rule: the slice never rejoins
    expect(rejoinEpoch({ ...a, rejoinFraction: undefined }, 60)).toBe(60);
    // the k = 2 warm-up: a third of the epochs, at least 2 (runs from before the fraction: 2)
    expect([warmupEnd(a, 19), warmupEnd(a, 60), warmupEnd(a, 3), warmupEnd({ ...a, warmupFraction: undefined }, 60)]).toEqual([6, 20, 2, 2]);
    expect(rejoinEpoch(a, 19)).toBe(15);
  });
});
