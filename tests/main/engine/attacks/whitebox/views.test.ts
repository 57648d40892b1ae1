import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../../src/main/data/synth/random.ts';
import { applyView, randomView, selectionViews } from '../../../../../src/main/engine/attacks/whitebox/views.ts';
import { tf } from '../../../../../src/main/engine/backend/select-backend.ts';

describe('white-box views', () => {
  const x = tf.tensor4d(Array.from({ length: 2 * 8 * 8 }, (_, i) => i), [2, 8, 8, 1]);

  it('leaves the faces as they are at zoom 1, mirrors columns, and crops a zoomed face back to its size', async () => {
    expect(await applyView(x, { mirror: false, zoom: 1, dy: 0, dx: 0 }).array()).toEqual(await x.array());
    const m = (await applyView(x, { mirror: true, zoom: 1, dy: 0, dx: 0 }).array()) as number[][][][];
    expect(m[1][3].map((p) => p[0])).toEqual(Array.from({ length: 8 }, (_, j) => 64 + 3 * 8 + 7 - j));
    expect(applyView(x, { mirror: false, zoom: 1.25, dy: 2, dx: 1 }).shape).toEqual([2, 8, 8, 1]);
  });

  it('draws random views inside the zoomed face, and four selection views (plain and mirrored, two zooms)', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 50; i++) {
      const v = randomView(112, 0.15, rng);
      const slack = Math.round(112 * v.zoom) - 112;
      expect(v.zoom).toBeGreaterThanOrEqual(1);
      expect(v.zoom).toBeLessThanOrEqual(1.15);
      expect(Math.max(v.dy, v.dx)).toBeLessThanOrEqual(slack);
    }
    const views = selectionViews(112, 0.15);
    expect(views).toHaveLength(4);
    expect(views.filter((v) => v.mirror)).toHaveLength(2);
  });
});
