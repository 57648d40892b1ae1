import { describe, expect, it } from 'vitest';
import { DEFAULT_SPLIT } from '../../../src/shared/domain/dataset.ts';
import { assignSplits } from '../../../src/main/data/splits.ts';

const labels = (ids: number, per: number): number[] => Array.from({ length: ids * per }, (_, i) => Math.floor(i / per));

describe('identity splits', () => {
  const config = { ...DEFAULT_SPLIT, seed: 5 };

  it('puts 75% of identities in private and the rest in public, disjoint', () => {
    const s = assignSplits(labels(40, 10), 40, config);
    expect(s.identities.filter((x) => x === 'private')).toHaveLength(30);
    expect(s.identities.filter((x) => x === 'public')).toHaveLength(10);
    s.images.forEach((split, i) => {
      const idSplit = s.identities[Math.floor(i / 10)];
      expect(idSplit === 'private' ? ['train', 'heldout'] : ['public']).toContain(split);
    });
  });

  it('splits each private identity 70/30 into train and held-out', () => {
    const s = assignSplits(labels(8, 10), 8, config);
    for (let id = 0; id < 8; id++) {
      if (s.identities[id] !== 'private') continue;
      const mine = s.images.slice(id * 10, id * 10 + 10);
      expect(mine.filter((x) => x === 'train')).toHaveLength(7);
      expect(mine.filter((x) => x === 'heldout')).toHaveLength(3);
    }
  });

  it('keeps at least one train and one held-out image for a private identity with 2 images', () => {
    const s = assignSplits(labels(4, 2), 4, config);
    for (let id = 0; id < 4; id++) {
      if (s.identities[id] === 'private') expect(s.images.slice(id * 2, id * 2 + 2).sort()).toEqual(['heldout', 'train']);
    }
  });

  it('is reproducible from its seed and changes with it', () => {
    expect(assignSplits(labels(20, 5), 20, config)).toEqual(assignSplits(labels(20, 5), 20, config));
    expect(assignSplits(labels(20, 5), 20, config).identities).not.toEqual(assignSplits(labels(20, 5), 20, { ...config, seed: 6 }).identities);
  });

  it('reserves eval identities when asked', () => {
    const s = assignSplits(labels(20, 5), 20, { ...config, evalFraction: 0.2 });
    expect(s.identities.filter((x) => x === 'eval')).toHaveLength(4);
    expect(s.identities.filter((x) => x === 'private')).toHaveLength(12); // 75% of the other 16
  });
});
