// Seed groups: runs whose frozen configs differ only in the seed share a key; anything else splits them.
import { describe, expect, it } from 'vitest';
import { seedGroupKey } from '../../../src/shared/domain/seed-group.ts';

const config = (seed: number, extra: Record<string, unknown> = {}) => ({
  defense: 'ppfr-fd', profile: 'quick', seed, backend: 'wasm', epochs: 8, lr: 0.002, workers: 2,
  net: { inputChannels: 36, stem: 'frequency', widths: [32, 64] }, frontEnd: { keepPerPlane: 36, keySeed: seed }, ...extra,
});

describe('seed groups', () => {
  it('puts runs that differ only in the seed (and the key seed derived from it) in one group', () => {
    expect(seedGroupKey('ds', config(1), 1)).toBe(seedGroupKey('ds', config(7), 7));
  });

  it('ignores where a run ran (backend, workers), key order, and null against absent fields', () => {
    const a = { ...config(1), backbone: null };
    const b = { ...config(2), backend: 'tensorflow', workers: 1 };
    expect(seedGroupKey('ds', a, 1)).toBe(seedGroupKey('ds', Object.fromEntries(Object.entries(b).reverse()), 2));
  });

  it('splits runs that differ in anything else: a setting, a nested setting, an explicit key seed, the dataset', () => {
    const base = seedGroupKey('ds', config(1), 1);
    expect(seedGroupKey('ds', config(2, { epochs: 9 }), 2)).not.toBe(base);
    expect(seedGroupKey('ds', config(2, { net: { inputChannels: 36, stem: 'frequency', widths: [32, 128] } }), 2)).not.toBe(base);
    expect(seedGroupKey('ds', config(2, { frontEnd: { keepPerPlane: 36, keySeed: 5 } }), 2)).not.toBe(base);
    expect(seedGroupKey('other', config(1), 1)).not.toBe(base);
  });
});
