import { describe, expect, it } from 'vitest';
import { computeRdp, dpEpsilon, epsilonFromRdp, noiseForEpsilon, rdpSampledGaussian } from '../../../../src/main/engine/defence/dp/accountant.ts';

// Published values: google/differential-privacy, python/dp_accounting/dp_accounting/rdp/
// rdp_privacy_accountant_test.py (the accountant TF Privacy uses).
describe('RDP accountant', () => {
  it('matches dp_accounting: Poisson-sampled Gaussian, sigma 2.5, q 0.01, 50 steps', () => {
    const orders = [1.5, 2.5, 5, 50, 100, Infinity];
    const expected = [6.70579741e-4, 1.0854871e-3, 2.18075656e-3, 2.38460375e-2, 1.67416308e2, Infinity];
    const rdp = computeRdp(0.01, 2.5, 50, orders);
    rdp.forEach((r, i) => (Number.isFinite(expected[i]) ? expect(Math.abs(r - expected[i]) / expected[i]).toBeLessThan(1e-4) : expect(r).toBe(Infinity)));
  });

  it('matches dp_accounting: pure-DP conversion (rdp 1.1 at orders 2..32, delta 1e-5)', () => {
    const orders = Array.from({ length: 31 }, (_, i) => i + 2);
    const { epsilon, order } = epsilonFromRdp(orders, orders.map(() => 1.1), 1e-5);
    expect(epsilon).toBeCloseTo(1.32783806176, 8);
    expect(order).toBe(32);
  });

  it('matches dp_accounting: the Gaussian with sigma 4.530877117 is (1, 1e-6)-DP', () => {
    const orders = Array.from({ length: 9900 }, (_, i) => 1 + (i * 99) / 9900);
    expect(epsilonFromRdp(orders, computeRdp(1, 4.530877117, 1, orders), 1e-6).epsilon).toBeCloseTo(1, 2);
  });

  it('gives the Gaussian alpha / (2 sigma^2) without sampling, and 0 without steps', () => {
    expect(rdpSampledGaussian(1, 2.71828, 3.14159)).toBeCloseTo(3.14159 / (2 * 2.71828 ** 2), 12);
    expect(dpEpsilon({ q: 0.1, sigma: 1, steps: 0 })).toBe(0);
  });

  it('solves the noise for a target epsilon', () => {
    const o = { q: 32 / 280, steps: 600 };
    const sigma = noiseForEpsilon({ ...o, targetEpsilon: 8 });
    expect(dpEpsilon({ ...o, sigma })).toBeLessThanOrEqual(8);
    expect(dpEpsilon({ ...o, sigma: sigma * 0.99 })).toBeGreaterThan(8);
  });
});
