import { describe, expect, it } from 'vitest';
import { diffConfigs, flatten } from '../../../src/renderer/src/lib/config-diff.ts';
import { groupSeeds, paretoFront, type ScatterPoint } from '../../../src/renderer/src/lib/pareto.ts';

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

  it('groups runs that differ only by seed into their mean and range', () => {
    const p = (id: string, x: number, y: number, group: string): ScatterPoint => ({ id, x, y, group, label: group, partial: false });
    const groups = groupSeeds([p('a', 0.8, 0.4, 'g'), p('b', 0.9, 0.6, 'g'), p('c', 1, 0.1, 'h')]);
    expect(groups[0]).toMatchObject({ group: 'g', n: 2, xRange: [0.8, 0.9], yRange: [0.4, 0.6] });
    expect(groups[0].x).toBeCloseTo(0.85);
    expect(groups[1]).toMatchObject({ group: 'h', n: 1 });
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
