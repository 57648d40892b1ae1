import { describe, expect, it } from 'vitest';
import { batchesPerEpoch, epochBatches } from '../../../../src/main/engine/train/data.ts';

describe('epoch batches', () => {
  it('cover every item once per epoch, never leave a batch of one, and are counted without shuffling', () => {
    for (let count = 1; count <= 70; count++) {
      for (const batch of [1, 2, 3, 8, 32]) {
        const items = Array.from({ length: count }, (_, row) => ({ row, label: row % 5 }));
        const batches = epochBatches(items, batch, 7, 1);
        expect(batches.flat().map((i) => i.row).sort((a, b) => a - b)).toEqual(items.map((i) => i.row));
        if (batches.length > 1) expect(batches[batches.length - 1].length).toBeGreaterThan(1);
        if (batches.length > 1 && batch > 1) expect(Math.min(...batches.map((b) => b.length))).toBeGreaterThan(1);
        expect(batchesPerEpoch(count, batch)).toBe(batches.length);
      }
    }
  });

  it('shuffle differently per epoch and identically for the same seed', () => {
    const items = Array.from({ length: 40 }, (_, row) => ({ row, label: 0 }));
    const rows = (seed: number, epoch: number) => epochBatches(items, 8, seed, epoch).flat().map((i) => i.row);
    expect(rows(1, 0)).toEqual(rows(1, 0));
    expect(rows(1, 0)).not.toEqual(rows(1, 1));
    expect(rows(1, 0)).not.toEqual(rows(2, 0));
  });
});
