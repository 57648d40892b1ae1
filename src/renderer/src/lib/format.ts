/**
 * Small display formatters.
 */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return '';
  return seconds < 60 ? `${seconds}s left` : `${Math.floor(seconds / 60)}m ${seconds % 60}s left`;
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

/**
 * A chart axis tick: small values (a learning rate of 3e-4) keep their significant digits instead
 * of rounding to "0" (uPlot's default keeps three decimals); others lose floating-point noise.
 */
export function axisTick(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) < 0.01) return value.toExponential(1).replace('.0e', 'e');
  return String(Number(value.toPrecision(4)));
}
