import { describe, expect, it } from 'vitest';
import { diffConfigs, flatten } from '../../../src/renderer/src/lib/config-diff.ts';
import { groupSeeds, paretoFront, ticks, type ScatterPoint } from '../../../src/renderer/src/lib/pareto.ts';

describe('Compare helpers', () => {
  it('keeps only the points no other point beats on both privacy and accuracy', () => {
    const pts = [
      { id: 'none', x: 1, y: 0.1 },
      { id: 'ppfr', x: 0.9, y: 0.5 },
      { id: 'worse', x: 0.8, y: 0.4 },
      { id: 'dp', x: 0.5, y: 0.9 },
    ];
    expect(paretoFront(pts).map((p) => p.id)).toEqual(['dp', 'ppfr', 'none']);
  });

  it('groups runs that differ only by seed into their mean and min-max range, not runs of one defence', () => {
    const p = (id: string, x: number, y: number, group: string, partial = false): ScatterPoint => ({ id, x, y, group, defense: 'ppfr-fd', label: id, partial });
    const groups = groupSeeds([p('a', 0.8, 0.4, 'g'), p('b', 0.9, 0.6, 'g', true), p('c', 0.7, 0.5, 'g'), p('d', 1, 0.1, 'h')]);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({ group: 'g', n: 3, xRange: [0.7, 0.9], yRange: [0.4, 0.6], label: 'ppfr-fd · 3 seeds', partial: true });
    expect(groups[0].x).toBeCloseTo(0.8);
    expect(groups[0].y).toBeCloseTo(0.5);
    expect(groups[1]).toMatchObject({ group: 'h', n: 1, label: 'd', partial: false, xRange: [1, 1] });
  });

  it('draws the Pareto front over configurations (seed-group means), not over single seeds', () => {
    const p = (id: string, x: number, y: number, group: string): ScatterPoint => ({ id, x, y, group, defense: group, label: id, partial: false });
    const groups = groupSeeds([p('a1', 0.5, 0.95, 'dp'), p('a2', 0.5, 0.05, 'dp'), p('b', 0.6, 0.6, 'fd')]);
    expect(paretoFront(groups).map((g) => g.group)).toEqual(['fd']);
  });

  it('puts axis ticks on quarters without float drift', () => {
    expect(ticks(0, 1.25)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(ticks(-0.25, 0.5)).toEqual([-0.25, 0, 0.25, 0.5]);
  });

  it('flattens configs to dotted paths and marks the paths whose values differ', () => {
    expect(flatten({ net: { widths: [32, 64], stem: 'f' }, lr: 0.002 })).toEqual({ 'net.widths': '[32,64]', 'net.stem': '"f"', lr: '0.002' });
    const rows = diffConfigs({ seed: 1, k: 2, lr: 1 }, { seed: 2, lr: 1 });
    expect(rows.filter((r) => r.differs).map((r) => [r.path, r.a, r.b])).toEqual([
      ['k', '2', '—'],
      ['seed', '1', '2'],
    ]);
  });
});
