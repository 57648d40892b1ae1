/**
 * The embedded synthetic face generator [ours] (DESIGN.md section 4): identity parameters (face
 * shape, eyes, brows, nose, mouth, skin tone, hair line) and per-image nuisance (pose shift and
 * rotation, scale, lighting gradient, expression, noise), rasterised in plain JS with soft edges.
 * Identities also carry fine detail, as real faces do (moles, hair-strand texture), so that
 * high-frequency DCT channels hold identity information and not only noise.
 * Deterministic from (seed, identity, image); licence-free; owns no I/O.
 */
import { hashSeed, Rng } from './random.ts';

type Rgb = [number, number, number];

/** What makes an identity recognisable. Coordinates are in face units ([-1, 1], y down). */
export interface IdentityParams {
  faceRx: number;
  faceRy: number;
  jaw: number;
  skin: Rgb;
  hair: Rgb;
  hairline: number;
  hairVolume: number;
  eyeSpacing: number;
  eyeY: number;
  eyeRx: number;
  eyeRy: number;
  iris: Rgb;
  browGap: number;
  browTilt: number;
  browThickness: number;
  noseLength: number;
  noseWidth: number;
  mouthY: number;
  mouthWidth: number;
  lipThickness: number;
  lip: Rgb;
  earSize: number;
  /** small dark spots on the skin: position (face units), radius, darkness */
  moles: { x: number; y: number; r: number; dark: number }[];
  /** hair-strand texture: spatial frequency (cycles per face unit), angle, contrast */
  strands: { freq: number; angle: number; contrast: number };
}

/** What changes from one photo of a person to the next. */
export interface Nuisance {
  dx: number;
  dy: number;
  rotation: number;
  scale: number;
  lightAngle: number;
  lightStrength: number;
  smile: number;
  eyeOpen: number;
  noise: number;
  /** background colour: per photo, so that no identity can be told apart by its backdrop */
  background: Rgb;
}

function pickSkin(r: Rng): Rgb {
  const tone = r.range(0.3, 0.92);
  return [Math.min(1, tone + 0.12), tone * 0.86 + 0.04, tone * 0.72 + 0.02];
}

export function identityParams(seed: number, identity: number): IdentityParams {
  const r = new Rng(hashSeed(seed, identity, 0x1d));
  const skin = pickSkin(r);
  const hairTone = r.range(0.04, 0.75);
  return {
    faceRx: r.range(0.5, 0.7),
    faceRy: r.range(0.68, 0.88),
    jaw: r.range(-0.25, 0.3),
    skin,
    hair: [hairTone * r.range(0.8, 1.3), hairTone * r.range(0.6, 1), hairTone * r.range(0.4, 0.8)],
    hairline: r.range(-0.62, -0.3),
    hairVolume: r.range(0.02, 0.22),
    eyeSpacing: r.range(0.2, 0.36),
    eyeY: r.range(-0.16, 0.04),
    eyeRx: r.range(0.07, 0.13),
    eyeRy: r.range(0.035, 0.07),
    iris: [r.range(0.05, 0.45), r.range(0.05, 0.4), r.range(0.05, 0.5)],
    browGap: r.range(0.08, 0.18),
    browTilt: r.range(-0.35, 0.35),
    browThickness: r.range(0.018, 0.05),
    noseLength: r.range(0.14, 0.32),
    noseWidth: r.range(0.05, 0.13),
    mouthY: r.range(0.34, 0.52),
    mouthWidth: r.range(0.14, 0.32),
    lipThickness: r.range(0.022, 0.06),
    lip: [skin[0] * r.range(0.55, 0.85), skin[1] * r.range(0.35, 0.6), skin[2] * r.range(0.35, 0.6)],
    earSize: r.range(0.08, 0.16),
    moles: Array.from({ length: 3 + r.int(8) }, () => ({ x: r.range(-0.45, 0.45), y: r.range(-0.25, 0.6), r: r.range(0.012, 0.03), dark: r.range(0.25, 0.6) })),
    strands: { freq: r.range(9, 22), angle: r.range(-0.6, 0.6), contrast: r.range(0.15, 0.4) },
  };
}

export function nuisance(seed: number, identity: number, image: number): Nuisance {
  const r = new Rng(hashSeed(seed, identity, image, 0x2e));
  return {
    dx: r.range(-0.07, 0.07),
    dy: r.range(-0.07, 0.07),
    rotation: r.range(-0.14, 0.14),
    scale: r.range(0.92, 1.08),
    lightAngle: r.range(0, 2 * Math.PI),
    lightStrength: r.range(0, 0.3),
    smile: r.range(-0.6, 1),
    eyeOpen: r.range(0.55, 1),
    noise: r.range(0.004, 0.015),
    background: [r.range(0.15, 0.85), r.range(0.15, 0.85), r.range(0.15, 0.85)],
  };
}

/** Soft coverage of a signed distance (negative inside) with an edge `aa` wide. */
function cover(d: number, aa: number): number {
  const t = 0.5 - d / aa;
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/** Approximate signed distance to an axis-aligned ellipse, in face units. */
function ellipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): number {
  const nx = (x - cx) / rx;
  const ny = (y - cy) / ry;
  return (Math.sqrt(nx * nx + ny * ny) - 1) * Math.min(rx, ry);
}

function blend(px: Rgb, c: Rgb, a: number): void {
  if (a <= 0) return;
  px[0] += (c[0] - px[0]) * a;
  px[1] += (c[1] - px[1]) * a;
  px[2] += (c[2] - px[2]) * a;
}

/** Colour of one point of the face, before lighting and noise. */
function shade(p: IdentityParams, n: Nuisance, x: number, y: number, aa: number): Rgb {
  const px: Rgb = [n.background[0], n.background[1], n.background[2]];
  const strand = 1 + p.strands.contrast * Math.sin(p.strands.freq * Math.PI * (x * Math.cos(p.strands.angle) + y * Math.sin(p.strands.angle)));
  const hair: Rgb = [p.hair[0] * strand, p.hair[1] * strand, p.hair[2] * strand];
  // Hair behind the head, then ears, then the face (jaw narrows or widens the lower half).
  blend(px, hair, cover(ellipse(x, y, 0, -0.08, p.faceRx + p.hairVolume, p.faceRy + p.hairVolume * 0.6), aa) * (y < 0.15 ? 1 : 0.0));
  for (const side of [-1, 1]) blend(px, p.skin, cover(ellipse(x, y, side * p.faceRx, 0, p.earSize * 0.7, p.earSize), aa));
  const jawRx = y > 0 ? p.faceRx * (1 - p.jaw * y) : p.faceRx;
  blend(px, p.skin, cover(ellipse(x, y, 0, 0, jawRx, p.faceRy), aa));
  // Hairline: hair covers the top of the face above a gently curved line.
  const line = p.hairline + 0.18 * x * x;
  if (ellipse(x, y, 0, 0, p.faceRx + p.hairVolume, p.faceRy + p.hairVolume) < 0) blend(px, hair, cover(y - line, aa));
  for (const m of p.moles) if (Math.abs(x - m.x) < 2 * m.r && Math.abs(y - m.y) < 2 * m.r) blend(px, [px[0] * (1 - m.dark), px[1] * (1 - m.dark), px[2] * (1 - m.dark)], cover(ellipse(x, y, m.x, m.y, m.r, m.r), aa));
  // Eyes: white, iris, then eyelid closing with expression; brows above.
  for (const side of [-1, 1]) {
    const ex = side * p.eyeSpacing;
    const ery = p.eyeRy * n.eyeOpen;
    blend(px, [0.95, 0.95, 0.93], cover(ellipse(x, y, ex, p.eyeY, p.eyeRx, ery), aa));
    blend(px, p.iris, cover(ellipse(x, y, ex, p.eyeY, p.eyeRy * 0.9, Math.min(ery, p.eyeRy * 0.9)), aa));
    const by = p.eyeY - p.browGap + side * p.browTilt * (x - ex) * 0.5;
    blend(px, p.hair, cover(ellipse(x, y, ex, by, p.eyeRx * 1.3, p.browThickness), aa) * 0.9);
  }
  // Nose: a shadow along its length and darker nostrils.
  const noseTop = p.eyeY + 0.05;
  const noseBottom = noseTop + p.noseLength;
  if (y > noseTop && y < noseBottom) blend(px, [px[0] * 0.75, px[1] * 0.72, px[2] * 0.7], cover(Math.abs(x - 0.02) - p.noseWidth * 0.25, aa) * 0.6);
  for (const side of [-1, 1]) blend(px, [0.15, 0.08, 0.06], cover(ellipse(x, y, side * p.noseWidth * 0.5, noseBottom, p.noseWidth * 0.22, 0.018), aa) * 0.8);
  // Mouth: a band bent by the smile.
  const my = p.mouthY + n.smile * 0.25 * (p.mouthWidth * p.mouthWidth - x * x) / p.mouthWidth;
  if (Math.abs(x) < p.mouthWidth) blend(px, p.lip, cover(Math.abs(y - my) - p.lipThickness, aa));
  return px;
}

export interface RenderOptions {
  /** side of the square image in pixels */
  size: number;
  /** 1 = grey (luminance), 3 = RGB */
  channels: 1 | 3;
}

/** Renders one face as interleaved uint8 pixels `[size, size, channels]`. */
export function renderFace(seed: number, identity: number, image: number, { size, channels }: RenderOptions): Uint8Array {
  const p = identityParams(seed, identity);
  const n = nuisance(seed, identity, image);
  const noise = new Rng(hashSeed(seed, identity, image, 0x3f));
  const out = new Uint8Array(size * size * channels);
  const cos = Math.cos(n.rotation);
  const sin = Math.sin(n.rotation);
  const aa = 2.4 / size / n.scale;
  const lx = Math.cos(n.lightAngle);
  const ly = Math.sin(n.lightAngle);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      // Pixel centre in image units [-1.15, 1.15], then undo the pose to reach face units.
      const u = ((col + 0.5) / size) * 2.3 - 1.15 - n.dx;
      const v = ((row + 0.5) / size) * 2.3 - 1.15 - n.dy;
      const x = (cos * u + sin * v) / n.scale;
      const y = (-sin * u + cos * v) / n.scale;
      const px = shade(p, n, x, y, aa);
      const light = 1 + n.lightStrength * (lx * u + ly * v) * 0.6;
      const o = (row * size + col) * channels;
      if (channels === 1) {
        const lum = (0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2]) * light + n.noise * noise.normal();
        out[o] = Math.max(0, Math.min(255, Math.round(lum * 255)));
      } else {
        for (let c = 0; c < 3; c++) out[o + c] = Math.max(0, Math.min(255, Math.round((px[c] * light + n.noise * noise.normal()) * 255)));
      }
    }
  }
  return out;
}
