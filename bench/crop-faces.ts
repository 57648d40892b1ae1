/**
 * Public-face preparation for the attack benchmarks: `node bench/crop-faces.ts SRC OUT [--box
 * x,y,w,h] [--side 92]` copies a face folder (one folder per identity), cutting the same box from
 * every image, converting it to grey and resizing it to `side` px, so that a public set such as LFW
 * (250x250, the face in the middle third) is framed like ORL's faces (92x112 scans, the face filling
 * the frame, upscaled to 112 by the import) [ours: box and side chosen by eye on public faces only].
 * Then `veil datasets import OUT --name lfw-orlcrop --size 112 --gray`.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, parse, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const { values, positionals } = parseArgs({ options: { box: { type: 'string', default: '53,48,144,144' }, side: { type: 'string', default: '92' } }, allowPositionals: true });
if (positionals.length !== 2) throw new Error('usage: node bench/crop-faces.ts SRC OUT [--box x,y,w,h] [--side 92]');
const [src, out] = positionals.map((p) => resolve(p));
const [left, top, width, height] = values.box.split(',').map(Number);
const side = Number(values.side);
let written = 0;
const t0 = performance.now();
for (const who of readdirSync(src).sort()) {
  if (!statSync(join(src, who)).isDirectory()) continue;
  mkdirSync(join(out, who), { recursive: true });
  for (const file of readdirSync(join(src, who)).sort()) {
    if (!/\.(jpe?g|png|pgm)$/i.test(file)) continue;
    await sharp(join(src, who, file)).extract({ left, top, width, height }).grayscale().resize(side, side, { kernel: 'lanczos3' }).png().toFile(join(out, who, `${parse(file).name}.png`));
    written++;
  }
}
console.log(JSON.stringify({ src, out, box: { left, top, width, height }, side, images: written, seconds: +((performance.now() - t0) / 1000).toFixed(1) }));
