import { describe, expect, it } from 'vitest';
import { allPairs, verification } from '../../../../src/main/engine/eval/verification.ts';
import { Rng } from '../../../../src/main/data/synth/random.ts';

/** Embeddings: `ids` identities of `per` points around random unit centres, with `noise`. */
function clusters(ids: number, per: number, dim: number, noise: number, seed: number): { emb: Float32Array; labels: number[] } {
  const rng = new Rng(seed);
  const centres = Array.from({ length: ids }, () => Array.from({ length: dim }, () => rng.normal()));
  const emb = new Float32Array(ids * per * dim);
  const labels: number[] = [];
  for (let i = 0; i < ids; i++)
    for (let j = 0; j < per; j++) {
      const v = centres[i].map((c) => c + noise * rng.normal());
      const n = Math.hypot(...v);
      emb.set(v.map((x) => x / n), (i * per + j) * dim);
      labels.push(i);
    }
  return { emb, labels };
}

describe('verification metrics', () => {
  it('are perfect for well separated identities', () => {
    const { emb, labels } = clusters(20, 5, 16, 0.05, 1);
    const r = verification(allPairs(emb, 16, labels));
    expect(r.accuracy).toBe(1);
    expect(r.tarAtFar1e2).toBe(1);
    expect(r.genuinePairs).toBe(20 * 10);
    expect(r.impostorPairs).toBe((100 * 99) / 2 - 200);
  });

  it('are at chance for random embeddings (balanced pairs, not inflated by impostors)', () => {
    const rng = new Rng(3);
    const labels = Array.from({ length: 120 }, (_, i) => i % 30);
    const emb = Float32Array.from({ length: 120 * 8 }, () => rng.normal());
    const r = verification(allPairs(emb, 8, labels));
    expect(r.accuracy).toBeGreaterThan(0.4);
    expect(r.accuracy).toBeLessThan(0.62);
    expect(r.tarAtFar1e2!).toBeLessThan(0.1);
  });

  it('reports TAR at a FAR it cannot resolve as null', () => {
    const { emb, labels } = clusters(3, 3, 4, 0.1, 2);
    expect(verification(allPairs(emb, 4, labels)).tarAtFar1e3).toBeNull();
  });

  it('has a monotone ROC from (0, 0) to (1, 1)', () => {
    const { emb, labels } = clusters(10, 4, 8, 0.8, 4);
    const roc = verification(allPairs(emb, 8, labels)).roc;
    expect(roc[0]).toEqual({ far: 0, tar: 0 });
    expect(roc[100].tar).toBe(1);
    for (let i = 1; i < roc.length; i++) expect(roc[i].tar).toBeGreaterThanOrEqual(roc[i - 1].tar);
  });
});
