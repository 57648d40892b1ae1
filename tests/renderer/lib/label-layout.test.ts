import { describe, expect, it } from 'vitest';
import { placeLabels, type LabelArea } from '../../../src/renderer/src/lib/label-layout.ts';

const area: LabelArea = { left: 52, right: 544, top: 12, bottom: 300, charWidth: 6, lineHeight: 12 };
const box = (s: { x: number; y: number; anchor: string }, text: string) => {
  const w = text.length * area.charWidth;
  const x0 = s.anchor === 'start' ? s.x : s.x - w;
  return { x0, x1: x0 + w, y0: s.y - area.lineHeight + 2, y1: s.y + 2 };
};

describe('scatter label layout', () => {
  it('keeps the labels of points close together from overlapping (the demo runs of one dataset)', () => {
    const pts = [
      { x: 424, y: 64, text: 'demo-adaptive-20261130T134823' },
      { x: 445, y: 64, text: 'demo-freq-mixup-20261130T134823' },
      { x: 463, y: 60, text: 'demo-ppfr-fd-20261130T134823' },
    ];
    const boxes = placeLabels(pts, area).map((s, i) => box(s, pts[i].text));
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${pts[i].text} over ${pts[j].text}`).toBe(false);
      }
  });

  it('writes a label left of its point where it would run past the plot’s right edge', () => {
    const [s] = placeLabels([{ x: 470, y: 150, text: 'demo-ppfr-fd-20261130T134823' }], area);
    expect(s.anchor).toBe('end');
    expect(box(s, 'demo-ppfr-fd-20261130T134823').x1).toBeLessThanOrEqual(area.right);
  });

  it('keeps a label near the top of the plot inside it', () => {
    const [s] = placeLabels([{ x: 100, y: 14, text: 'none' }], area);
    expect(s.y - area.lineHeight).toBeGreaterThanOrEqual(area.top);
    expect(s.anchor).toBe('start');
  });
});
