/**
 * RDP accountant for the sampled Gaussian mechanism (Mironov, Talwar & Zhang 2019, "Renyi
 * Differential Privacy of the Sampled Gaussian Mechanism", section 3.3: integer orders by the
 * binomial expansion, fractional orders by the two-sided series with erfc terms), the RDP ->
 * (epsilon, delta) conversion of Balle et al. 2020 (Theorem 21, as TF Privacy and Opacus use it),
 * and the noise multiplier solved for a target epsilon. Written by hand: no maintained JS library
 * does this; tested against the values published in Google's dp_accounting tests.
 */

/** Orders as Opacus and TF Privacy default to. */
export const DEFAULT_ORDERS: readonly number[] = [...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10), ...Array.from({ length: 53 }, (_, i) => 11 + i), 128, 256, 512];
export const DEFAULT_DELTA = 1e-5;

function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = Math.max(a, b);
  return m + Math.log1p(Math.exp(Math.min(a, b) - m));
}

/**
 * log(erfc(x)) to double precision (the order-1.5 RDP of a small q is a difference of terms near 1,
 * so a 1e-7 erfc fit is not enough): for |x| < 2.5 the positive series
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum 2^n x^{2n+1} / (2n+1)!!, beyond it the continued fraction
 * erfc(x) = e^{-x^2} / sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), kept in log form.
 */
export function logErfc(x: number): number {
  const z = Math.abs(x);
  let logPos: number;
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
      term *= (2 * z * z) / (2 * n + 1);
      sum += term;
    }
    const erf = (2 / Math.sqrt(Math.PI)) * Math.exp(-z * z) * sum;
    logPos = Math.log1p(-erf);
  } else {
    let k = z;
    for (let n = 80; n >= 1; n--) k = z + n / 2 / k;
    logPos = -z * z - 0.5 * Math.log(Math.PI) - Math.log(k);
  }
  return x >= 0 ? logPos : Math.log(2 - Math.exp(logPos));
}

function logBinomInt(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/** log A_alpha for integer alpha (Mironov et al. 2019, section 3.3, eq. for integer orders). */
function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  for (let i = 0; i <= alpha; i++) {
    const coef = logBinomInt(alpha, i) + i * Math.log(q) + (alpha - i) * Math.log1p(-q);
    logA = logAdd(logA, coef + (i * i - i) / (2 * sigma * sigma));
  }
  return logA;
}

/**
 * log A_alpha for fractional alpha: the two series split at z0 (Mironov et al. 2019, section 3.3).
 * Every term is added by its magnitude, as the current dp_accounting does: an upper bound on A_alpha
 * (the signed sum is the exact value; the bound errs on the side of a larger epsilon).
 */
function logAFrac(q: number, sigma: number, alpha: number): number {
  let a0 = -Infinity;
  let a1 = -Infinity;
  let last0 = -Infinity;
  let last1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let logCoef = 0; // log |binom(alpha, i)|, built up term by term
  for (let i = 0; i < 1000; i++) {
    if (i > 0) logCoef += Math.log(Math.abs(alpha - i + 1)) - Math.log(i);
    const j = alpha - i;
    const t0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const t1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const s0 = t0 + (i * i - i) / (2 * sigma * sigma) + Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const s1 = t1 + (j * j - j) / (2 * sigma * sigma) + Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    a0 = logAdd(a0, s0);
    a1 = logAdd(a1, s1);
    if (s0 < last0 && s1 < last1 && Math.max(s0, s1) < logAdd(a0, a1) - 30) break;
    last0 = s0;
    last1 = s1;
  }
  return logAdd(a0, a1);
}

/** RDP at order `alpha` of one step of the Poisson-sampled Gaussian mechanism (rate q, noise sigma). */
export function rdpSampledGaussian(q: number, sigma: number, alpha: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  if (!Number.isFinite(alpha)) return Infinity;
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

/** RDP of `steps` compositions at each order. */
export function computeRdp(q: number, sigma: number, steps: number, orders: readonly number[] = DEFAULT_ORDERS): number[] {
  return orders.map((a) => steps * rdpSampledGaussian(q, sigma, a));
}

/** The smallest epsilon over orders for `delta` (Balle et al. 2020, Theorem 21), and its order. */
export function epsilonFromRdp(orders: readonly number[], rdp: readonly number[], delta: number): { epsilon: number; order: number } {
  let best = { epsilon: Infinity, order: NaN };
  orders.forEach((a, i) => {
    const r = rdp[i];
    let eps: number;
    if (delta * delta + Math.expm1(-r) > 0) eps = 0;
    else if (a > 1.01) eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    else eps = Infinity;
    if (eps < best.epsilon) best = { epsilon: eps, order: a };
  });
  return { epsilon: Math.max(0, best.epsilon), order: best.order };
}

/** Epsilon at `delta` after `steps` steps at sampling rate q and noise multiplier sigma. */
export function dpEpsilon(o: { q: number; sigma: number; steps: number; delta?: number; orders?: readonly number[] }): number {
  const orders = o.orders ?? DEFAULT_ORDERS;
  return epsilonFromRdp(orders, computeRdp(o.q, o.sigma, o.steps, orders), o.delta ?? DEFAULT_DELTA).epsilon;
}

/**
 * The smallest noise multiplier reaching `targetEpsilon` (bisection in log sigma; epsilon falls as
 * sigma grows), as Opacus' `get_noise_multiplier` does; within 1% of the exact root.
 */
export function noiseForEpsilon(o: { targetEpsilon: number; q: number; steps: number; delta?: number }): number {
  if (!(o.targetEpsilon > 0)) throw new RangeError('the target epsilon must be positive');
  let lo = 0.1;
  let hi = 1;
  while (dpEpsilon({ ...o, sigma: hi }) > o.targetEpsilon) {
    lo = hi;
    hi *= 2;
    if (hi > 1e4) throw new RangeError(`epsilon ${o.targetEpsilon} is out of reach at this sampling rate and step count`);
  }
  while (hi / lo > 1.001) {
    const mid = Math.sqrt(lo * hi);
    if (dpEpsilon({ ...o, sigma: mid }) > o.targetEpsilon) lo = mid;
    else hi = mid;
  }
  return hi;
}
