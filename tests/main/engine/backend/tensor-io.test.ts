import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { copyInto } from '../../../../src/main/engine/backend/tensor-io.ts';

describe('copyInto', () => {
  beforeAll(() => selectBackend('wasm'));

  it('copies a wasm tensor into a shared array at an offset, leaving the rest untouched', () => {
    const target = new Float32Array(new SharedArrayBuffer(4 * 10)).fill(-1);
    const t = tf.tidy(() => tf.range(0, 6).toFloat().mul(1.5).reshape([2, 3]));
    copyInto(t, target, 3);
    expect(Array.from(target)).toEqual([-1, -1, -1, 0, 1.5, 3, 4.5, 6, 7.5, -1]);
    t.dispose();
  });

  it('refuses values that do not fit, and non-float tensors', () => {
    const t = tf.ones([4]);
    expect(() => copyInto(t, new Float32Array(5), 2)).toThrow(RangeError);
    t.dispose();
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => copyInto(i, new Float32Array(5), 0)).toThrow(TypeError);
    i.dispose();
  });
});
