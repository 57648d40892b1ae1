import { describe, expect, it } from 'vitest';
import { renderFace } from '../../../../src/main/data/synth/face-generator.ts';
import { selectBackend, tf } from '../../../../src/main/engine/backend/select-backend.ts';
import { trainJudge } from '../../../../src/main/engine/judge/trained-judge.ts';

describe('the trained judge (--judge trained)', () => {
  const ids = 4;
  const per = 6;
  const pixels = new Uint8Array(ids * per * 32 * 32);
  for (let i = 0; i < ids * per; i++) pixels.set(renderFace(4, Math.floor(i / per), i % per, { size: 32, channels: 1 }), i * 1024);
  const rows = Array.from({ length: ids * per }, (_, row) => ({ row, label: Math.floor(row / per) }));
  const data = { pixels, size: 32, channels: 1 as const, train: rows.filter((r) => r.row % per < 4), heldout: rows.filter((r) => r.row % per >= 4), classes: ids };

  it('trains on the raw private images with its own seed and gives unit-length descriptors, leaking nothing', async () => {
    const backend = await selectBackend('wasm');
    const before = tf.memory().numTensors;
    let steps = 0;
    const judge = await trainJudge(data, { profile: 'quick', seed: 1, backend, epochs: 1, onStep: () => steps++, shouldStop: () => false });
    expect(judge!.version).toMatch(/seed 7920/);
    const x = tf.tensor4d(Float32Array.from(pixels.subarray(0, 2 * 1024)), [2, 32, 32, 1]);
    const d = await judge!.embed(x);
    x.dispose();
    expect(Math.hypot(...d.subarray(0, judge!.dim))).toBeCloseTo(1, 4);
    expect(steps).toBeGreaterThan(0);
    judge!.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returns null when stopped', async () => {
    const backend = await selectBackend('wasm');
    expect(await trainJudge(data, { profile: 'quick', seed: 1, backend, epochs: 1, onStep: () => {}, shouldStop: () => true })).toBeNull();
  });
});
