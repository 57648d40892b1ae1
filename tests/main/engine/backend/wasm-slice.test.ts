import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/main/data/synth/random.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { copySlice } from '../../../../src/main/engine/backend/wasm-slice.ts';

/** Random shapes of rank 1-5 with random begins and sizes (some axes whole, some -1, some empty). */
function cases(count: number, rng: Rng): { shape: number[]; begin: number[]; size: number[] }[] {
  return Array.from({ length: count }, () => {
    const rank = 1 + rng.int(5);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(6));
    const begin = shape.map((n) => (rng.next() < 0.4 ? 0 : rng.int(n)));
    const size = shape.map((n, d) => {
      const r = rng.next();
      if (r < 0.3 && begin[d] === 0) return n;
      if (r < 0.45) return -1;
      return rng.int(n - begin[d] + 1);
    });
    return { shape, begin, size };
  });
}

describe('the wasm Slice kernel', () => {
  afterAll(() => selectBackend('wasm'));

  it('copies exactly what the cpu backend slices, for every dtype, without leaking tensors', async () => {
    const rng = new Rng(5);
    for (const c of cases(150, rng)) {
      const values = Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const data = dtype === 'bool' ? values.map((v) => v % 3 === 0) : values;
        await selectBackend('cpu');
        const want = tf.tidy(() => tf.slice(tf.tensor(data, c.shape, dtype), c.begin, c.size).arraySync());
        await selectBackend('wasm');
        const before = tf.memory().numTensors;
        const got = tf.tidy(() => tf.slice(tf.tensor(data, c.shape, dtype), c.begin, c.size).arraySync());
        expect(tf.memory().numTensors).toBe(before);
        expect(got, `${dtype} ${JSON.stringify(c)}`).toEqual(want);
      }
    }
  });

  it('still slices string tensors (through the stock kernel)', async () => {
    await selectBackend('wasm');
    expect(tf.tidy(() => tf.slice(tf.tensor(['a', 'b', 'c', 'd'], [2, 2]), [1, 0], [1, 2]).arraySync())).toEqual([['c', 'd']]);
  });

  it('copies one contiguous run per leading index', () => {
    const src = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    const runs: number[][] = [];
    copySlice(src, { set: (v, at) => runs.push([at, ...Array.from(v)]) }, [2, 3, 4], [0, 1, 0], [2, 2, 4]);
    expect(runs).toEqual([
      [0, 4, 5, 6, 7, 8, 9, 10, 11],
      [8, 16, 17, 18, 19, 20, 21, 22, 23],
    ]);
  });
});
