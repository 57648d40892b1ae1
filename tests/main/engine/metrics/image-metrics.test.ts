import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { psnr, ssim, type ImageArray } from '../../../../src/main/engine/metrics/image-metrics.ts';

interface Case { size: number; channels: number; seedA: number; seedB: number; noise: number; ssim: number; psnr: number }
const reference = JSON.parse(readFileSync(new URL('../../../fixtures/metrics/skimage-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** The same formula as tests/fixtures/metrics/make_reference.py. */
function image(size: number, channels: number, seed: number, noise = 0): ImageArray {
  const data = new Float64Array(size * size * channels);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < channels; c++) {
        let v = 128 + 90 * Math.sin((x * (seed + 1) + y * (c + 2)) / 7) * Math.cos((y * (seed + 3) - x * c) / 11);
        v += ((x * 31 + y * 17 + seed * 13 + c * 7) % 23) - 11;
        const i = (y * size + x) * channels + c;
        let p = Math.min(255, Math.max(0, Math.floor(v)));
        if (noise) p = Math.min(255, Math.max(0, p + ((i * 7) % noise) - Math.floor(noise / 2)));
        data[i] = p;
      }
  return { data, size, channels };
}

describe('image metrics', () => {
  it.each(reference.cases)('match scikit-image on a $size px, $channels-channel pair (seeds $seedA/$seedB)', (c) => {
    const a = image(c.size, c.channels, c.seedA);
    const b = image(c.size, c.channels, c.seedB, c.noise);
    expect(ssim(a, b)).toBeCloseTo(c.ssim, 6);
    expect(psnr(a, b)).toBeCloseTo(c.psnr, 6);
  });

  it('give SSIM 1 and infinite PSNR for identical images', () => {
    const a = image(16, 1, 3);
    expect(ssim(a, a)).toBeCloseTo(1, 12);
    expect(psnr(a, a)).toBe(Infinity);
  });

  it('refuse images of different shapes', () => {
    expect(() => ssim(image(16, 1, 1), image(16, 3, 1))).toThrow(RangeError);
  });
});
