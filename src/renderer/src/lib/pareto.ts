/**
 * The privacy-vs-accuracy Pareto front (both axes: higher is better) and seed grouping for the
 * Compare scatter. Pure functions over plain points.
 */
export interface ScatterPoint {
  id: string;
  /** Score_cls (accuracy kept, relative to the undefended run) */
  x: number;
  /** Score_pp (privacy) */
  y: number;
  /** runs differing only by seed share a group (CompareRow.seedGroup) */
  group: string;
  /** the defence: the colour */
  defense: string;
  label: string;
  /** Score_pp is partial (not every S1-S4 is known yet) */
  partial: boolean;
}

/** Points no other point beats on both axes (ties kept), sorted by x ascending. */
export function paretoFront<T extends { x: number; y: number }>(points: readonly T[]): T[] {
  const front = points.filter((p) => !points.some((q) => q !== p && q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)));
  return [...front].sort((a, b) => a.x - b.x || b.y - a.y);
}

export interface SeedGroup {
  group: string;
  /** the first run's label, or `defence · n seeds` for a group of several */
  label: string;
  defense: string;
  /** mean over the group's seeds */
  x: number;
  y: number;
  /** min-max over the seeds (the whiskers) */
  xRange: [number, number];
  yRange: [number, number];
  n: number;
  /** true when any member's Score_pp is partial */
  partial: boolean;
  members: ScatterPoint[];
}

/** Mean and min-max range of each group of seeds, in first-seen order (groups of one are returned too). */
export function groupSeeds(points: readonly ScatterPoint[]): SeedGroup[] {
  const groups = new Map<string, ScatterPoint[]>();
  for (const p of points) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  return [...groups.entries()].map(([group, ps]) => {
    const xs = ps.map((p) => p.x);
    const ys = ps.map((p) => p.y);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    const label = ps.length > 1 ? `${ps[0].defense} · ${ps.length} seeds` : ps[0].label;
    return { group, label, defense: ps[0].defense, x: mean(xs), y: mean(ys), xRange: [Math.min(...xs), Math.max(...xs)], yRange: [Math.min(...ys), Math.max(...ys)], n: ps.length, partial: ps.some((p) => p.partial), members: ps };
  });
}

/** Axis ticks every `step` from `lo` to `hi` (both multiples of step), rounded against float drift. */
export function ticks(lo: number, hi: number, step = 0.25): number[] {
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}
