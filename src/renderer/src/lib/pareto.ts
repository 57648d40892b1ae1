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
  /** runs differing only by seed share a group */
  group: string;
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
  label: string;
  x: number;
  y: number;
  xRange: [number, number];
  yRange: [number, number];
  n: number;
}

/** Mean and range of each group of seeds (groups of one are returned too). */
export function groupSeeds(points: readonly ScatterPoint[]): SeedGroup[] {
  const groups = new Map<string, ScatterPoint[]>();
  for (const p of points) groups.set(p.group, [...(groups.get(p.group) ?? []), p]);
  return [...groups.entries()].map(([group, ps]) => {
    const xs = ps.map((p) => p.x);
    const ys = ps.map((p) => p.y);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    return { group, label: ps[0].label, x: mean(xs), y: mean(ys), xRange: [Math.min(...xs), Math.max(...xs)], yRange: [Math.min(...ys), Math.max(...ys)], n: ps.length };
  });
}
