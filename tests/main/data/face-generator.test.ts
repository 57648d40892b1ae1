import { describe, expect, it } from 'vitest';
import { identityParams, renderFace } from '../../../src/main/data/synth/face-generator.ts';

const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('the synthetic face generator', () => {
  it('is deterministic: the same seed, identity and photo give the same bytes', () => {
    expect(renderFace(3, 4, 5, { size: 32, channels: 3 })).toEqual(renderFace(3, 4, 5, { size: 32, channels: 3 }));
  });

  it('gives different identities for different seeds', () => {
    expect(identityParams(1, 0)).not.toEqual(identityParams(2, 0));
    const diff = meanAbsDiff(renderFace(1, 0, 0, { size: 32, channels: 1 }), renderFace(2, 0, 0, { size: 32, channels: 1 }));
    expect(diff).toBeGreaterThan(5);
  });

  it('varies photos of one person (pose, light, expression, noise)', () => {
    expect(meanAbsDiff(renderFace(1, 0, 0, { size: 32, channels: 1 }), renderFace(1, 0, 1, { size: 32, channels: 1 }))).toBeGreaterThan(2);
  });

  it('renders the requested shape in grey and colour', () => {
    expect(renderFace(1, 0, 0, { size: 64, channels: 1 })).toHaveLength(64 * 64);
    expect(renderFace(1, 0, 0, { size: 32, channels: 3 })).toHaveLength(32 * 32 * 3);
  });
});
