import { describe, expect, it } from 'vitest';
import { leaveOneOutCentroid } from '../../../../src/main/engine/backbone/backbone-model.ts';

/** Unit vectors in 2-d at the given angles (degrees), flattened `[n, 2]`. */
const at = (...deg: number[]): Float32Array => Float32Array.from(deg.flatMap((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]));

describe('the crop choice’s leave-one-out nearest-centroid score', () => {
  it('counts an image right when its own class’s other images are closer than every other class', () => {
    // class 0 around 0 degrees, class 1 around 90: all six right.
    expect(leaveOneOutCentroid(at(-5, 0, 5, 85, 90, 95), 2, [0, 0, 0, 1, 1, 1])).toBe(1);
  });

  it('leaves the image itself out of its own class mean', () => {
    // The image at 80 degrees is labelled 0: with itself left out, class 0's mean is at 0 degrees,
    // class 1's (all three) near 90, so it is wrong; with itself included it would have pulled class 0 towards it.
    expect(leaveOneOutCentroid(at(-5, 5, 80, 88, 90, 92), 2, [0, 0, 0, 1, 1, 1])).toBeCloseTo(5 / 6, 6);
  });
});
