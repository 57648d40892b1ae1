import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../src/main/engine/backend/select-backend.ts';
import { convertImages, publicFaces } from '../../../../src/main/engine/attacks/public-data.ts';

describe("the attacker's public faces", () => {
  it('convert colour images to the target grey size (BT.601 luma, bilinear resize)', async () => {
    await selectBackend('wasm');
    const rgb = new Uint8Array(16 * 16 * 3);
    for (let i = 0; i < 256; i++) rgb.set([200, 100, 50], i * 3);
    const grey = convertImages(rgb, 1, 16, 3, 8, 1);
    expect(grey.length).toBe(64);
    expect(new Set(grey)).toEqual(new Set([Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50)]));
  });

  it('render as many new synthetic faces as asked, with identity labels', () => {
    const f = publicFaces({ kind: 'synthetic', seed: 3, identities: 3, perIdentity: 2 }, 32, 1);
    expect(f.count).toBe(6);
    expect(f.labels).toEqual([0, 0, 1, 1, 2, 2]);
    expect(f.pixels.length).toBe(6 * 32 * 32);
  });

  it('take the chosen rows of another dataset', async () => {
    await selectBackend('wasm');
    const pixels = Uint8Array.from({ length: 3 * 16 }, (_, i) => Math.floor(i / 16) * 10);
    const f = publicFaces({ kind: 'rows', pixels, size: 4, channels: 1, rows: [2, 0], labels: [7, 5] }, 4, 1);
    expect(Array.from(f.pixels.subarray(0, 1))).toEqual([20]);
    expect(Array.from(f.pixels.subarray(16, 17))).toEqual([0]);
  });
});
