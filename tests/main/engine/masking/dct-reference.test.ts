/**
 * The block DCT against values computed independently by SciPy (scipy.fft with norm='ortho'; the
 * script and its output are in tests/fixtures/dct): the 8x8 matrix, the 64 basis blocks in
 * channel order u*8+v (u vertical), and the coefficients of an asymmetric test image.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { blockDct, dctMatrix, inverseBlockDct, kroneckerBasis } from '../../../../src/main/engine/masking/dct.ts';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/dct/dct-fixture.json', import.meta.url), 'utf8')) as {
  matrix: number[][];
  basis: number[][];
  image: number[][];
  coeffs: number[][][];
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('the block DCT against SciPy', () => {
  beforeAll(() => selectBackend('wasm'));

  it('has SciPy\'s orthonormal DCT-II matrix, row = frequency', () => {
    expect(maxDiff(dctMatrix(), fixture.matrix.flat())).toBeLessThan(1e-6);
  });

  it('has SciPy\'s 64 basis blocks in channel order u*8+v', () => {
    const k = kroneckerBasis();
    fixture.basis.forEach((block, ch) => expect(maxDiff(k.subarray(ch * 64, (ch + 1) * 64), block), `channel ${ch}`).toBeLessThan(1e-6));
  });

  it('gives SciPy\'s coefficients for every block of an asymmetric image, and inverts them', () => {
    const image = tf.tensor4d(fixture.image.flat(), [1, 16, 16, 1]);
    const coeffs = blockDct(image);
    const got = coeffs.dataSync();
    for (let by = 0; by < 2; by++)
      for (let bx = 0; bx < 2; bx++) {
        const offset = (by * 2 + bx) * 64;
        expect(maxDiff(got.subarray(offset, offset + 64), fixture.coeffs[by][bx]), `block ${by},${bx}`).toBeLessThan(2e-3);
      }
    const back = inverseBlockDct(coeffs);
    expect(maxDiff(back.dataSync(), fixture.image.flat())).toBeLessThan(2e-3);
    tf.dispose([image, coeffs, back]);
  });
});
