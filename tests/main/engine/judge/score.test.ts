import { describe, expect, it } from 'vitest';
import { centroidRank, scoreReconstructions, type Gallery } from '../../../../src/main/engine/judge/score.ts';

/** Two identities in a 2-d "judge space", four 16x16 grey images (constant 0, 50, 200, 250). */
function gallery(): Gallery {
  const pixels = new Uint8Array(4 * 256);
  [0, 50, 200, 250].forEach((v, i) => pixels.fill(v, i * 256, (i + 1) * 256));
  return { dim: 2, embeddings: Float32Array.from([0, 0, 0, 2, 10, 0, 10, 2]), labels: Int32Array.from([0, 0, 1, 1]), classes: 2, pixels, size: 16, channels: 1 };
}

describe('judge scoring', () => {
  it('ranks the nearest identity centroid first', () => {
    const cents = Float32Array.from([0, 1, 10, 1]);
    expect(centroidRank(Float32Array.from([1, 1]), cents, 0, 2)).toBe(0);
    expect(centroidRank(Float32Array.from([1, 1]), cents, 1, 2)).toBe(1);
  });

  it('scores Acc@1, KNN distance and PSNR/SSIM against the source image', () => {
    const g = gallery();
    const exact = new Uint8Array(256).fill(200);
    const s = scoreReconstructions(g, [
      { label: 1, embedding: Float32Array.from([9, 0]), pixels: exact, source: 2 },
      { label: 0, embedding: Float32Array.from([8, 1]), pixels: new Uint8Array(256).fill(10), source: 0 },
    ]);
    expect(s.acc1).toBe(0.5);
    expect(s.acc5).toBe(1);
    expect(s.knnDist).toBeCloseTo((1 + Math.hypot(8, 1)) / 2, 6);
    expect(s.perIdentity.map((p) => p.acc1)).toEqual([0, 1]);
    expect(s.perIdentity[1].psnr).toBeNull();
    expect(s.psnr).toBeCloseTo(10 * Math.log10(255 ** 2 / 100), 6);
  });

  it('falls back to the nearest private image of the identity when a candidate has no source', () => {
    const s = scoreReconstructions(gallery(), [{ label: 1, embedding: Float32Array.from([10, 1.9]), pixels: new Uint8Array(256).fill(250) }]);
    expect(s.psnr).toBeNull();
    expect(s.ssim).toBeCloseTo(1, 9);
  });
});
