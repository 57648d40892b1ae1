/**
 * Small pure helpers for the report's HTML: escaping, number formats that say "not measured"
 * instead of inventing a value, and mean/spread over seeds.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attributes. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export const MISSING = '<span class="na" title="not measured">n/a</span>';

/** A fraction as a percentage (`0.962` -> `96.2%`), or the not-measured marker. */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? MISSING : `${(v * 100).toFixed(1)}%`;
}

/** A plain number with `digits` decimals, or the not-measured marker. */
export function num(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? MISSING : v.toFixed(digits);
}

export interface Spread {
  mean: number;
  /** sample standard deviation (0 for a single value) */
  sd: number;
  n: number;
}

/** Mean and sample standard deviation over the measured values; null when none is measured. */
export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const xs = values.filter((v): v is number => typeof v === 'number');
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, n: xs.length };
}

/** `96.2% ± 0.8 (3 seeds)` for fractions. */
export function pctSpread(s: Spread | null): string {
  if (!s) return MISSING;
  return s.n > 1 ? `${(s.mean * 100).toFixed(1)}% ± ${(s.sd * 100).toFixed(1)} <small>(${s.n} seeds)</small>` : `${(s.mean * 100).toFixed(1)}%`;
}

/** Joins HTML fragments. */
export function html(parts: readonly string[]): string {
  return parts.join('\n');
}
