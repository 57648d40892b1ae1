/**
 * The privacy-vs-accuracy scatter with its Pareto front, as inline SVG written here: the report
 * must open offline as one file, and the chart library the studio ships (uPlot) draws on a live
 * canvas, not into a static file. Pure: points in, SVG string out.
 */
import { esc } from './format.ts';

export interface ScatterPoint {
  label: string;
  /** identification accuracy, 0..1 */
  accuracy: number;
  /** privacy score (Score_pp), 0..1 */
  privacy: number;
  /** Score_pp computed over fewer than the four S scores */
  partial: boolean;
}

/** Points no other point beats on both axes (ties kept), sorted by accuracy. */
export function paretoFront(points: readonly ScatterPoint[]): ScatterPoint[] {
  const dominated = (p: ScatterPoint): boolean =>
    points.some((q) => q !== p && q.accuracy >= p.accuracy && q.privacy >= p.privacy && (q.accuracy > p.accuracy || q.privacy > p.privacy));
  return points.filter((p) => !dominated(p)).sort((a, b) => a.accuracy - b.accuracy);
}

const W = 640;
const H = 400;
const M = { left: 64, right: 24, top: 20, bottom: 52 };

function axisRange(values: number[]): [number, number] {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(0.02, (hi - lo) * 0.15);
  return [Math.max(0, lo - pad), Math.min(1, hi + pad)];
}

function ticks([lo, hi]: [number, number]): number[] {
  const step = hi - lo > 0.5 ? 0.1 : hi - lo > 0.2 ? 0.05 : 0.02;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9; t += step) out.push(Math.round(t * 1000) / 1000);
  return out;
}

/** The chart; an empty string for no points (the caller says why there is no chart). */
export function scatterSvg(points: readonly ScatterPoint[]): string {
  if (points.length === 0) return '';
  const xr = axisRange(points.map((p) => p.accuracy));
  const yr = axisRange(points.map((p) => p.privacy));
  const x = (v: number): number => M.left + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Privacy against accuracy, one point per trained model">`];
  for (const t of ticks(xr)) parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${M.top}" y2="${H - M.bottom}" class="grid"/><text x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${(t * 100).toFixed(0)}%</text>`);
  for (const t of ticks(yr)) parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" class="grid"/><text x="${M.left - 8}" y="${y(t) + 4}" text-anchor="end">${t.toFixed(2)}</text>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle" class="axis">identification accuracy (higher is better) &#8594;</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="axis">privacy, Score_pp (higher is better) &#8594;</text>`);
  const front = paretoFront(points);
  if (front.length > 1) parts.push(`<polyline class="front" points="${front.map((p) => `${x(p.accuracy).toFixed(1)},${y(p.privacy).toFixed(1)}`).join(' ')}"/>`);
  // points are numbered inside their circle (the legend under the chart names them): labels beside close points would be ambiguous
  for (const [i, p] of points.entries()) {
    const onFront = front.includes(p);
    const cx = x(p.accuracy).toFixed(1);
    const cy = y(p.privacy).toFixed(1);
    parts.push(
      `<g class="pt${onFront ? ' on-front' : ''}${p.partial ? ' partial' : ''}"><title>${esc(p.label)}</title><circle cx="${cx}" cy="${cy}" r="9"/>` +
        `<text x="${cx}" y="${cy}" dy="4" text-anchor="middle" class="num">${i + 1}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
