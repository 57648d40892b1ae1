/**
 * Where the Compare scatter writes each point's label [ours]: beside its point, inside the plot,
 * never over a label already placed. SVG cannot measure text before it is drawn, so widths are
 * estimated from the character count (the scatter's labels are short run names in one font size).
 */
export interface LabelSpot {
  x: number;
  y: number;
  anchor: 'start' | 'end';
}

export interface LabelArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** estimated width of one character, in the same units as the area */
  charWidth: number;
  lineHeight: number;
}

interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

const GAP = 10;
/** tries: the line above the point, then one, two, three lines further down or up */
const SHIFTS = [0, 1, -1, 2, -2, 3, -3];

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Labels go right of their point, or left where they would run past the right edge; a label that would overlap one placed before it moves a line down or up. */
export function placeLabels(points: readonly { x: number; y: number; text: string }[], area: LabelArea): LabelSpot[] {
  const placed: Box[] = [];
  const order = points.map((_, i) => i).sort((a, b) => points[a].y - points[b].y || points[a].x - points[b].x);
  const spots: LabelSpot[] = new Array(points.length);
  for (const i of order) {
    const p = points[i];
    const width = p.text.length * area.charWidth;
    const anchor = p.x + GAP + width <= area.right || p.x - GAP - width < area.left ? 'start' : 'end';
    const x0 = anchor === 'start' ? p.x + GAP : p.x - GAP - width;
    const boxAt = (y: number): Box => ({ x0, x1: x0 + width, y0: y - area.lineHeight + 2, y1: y + 2 });
    const inside = (y: number): boolean => y - area.lineHeight >= area.top && y <= area.bottom;
    const ys = SHIFTS.map((s) => p.y - GAP + s * area.lineHeight).filter(inside);
    const y = ys.find((c) => !placed.some((b) => overlaps(b, boxAt(c)))) ?? ys[0] ?? p.y - GAP;
    placed.push(boxAt(y));
    spots[i] = { x: anchor === 'start' ? p.x + GAP : p.x - GAP, y, anchor };
  }
  return spots;
}
