/**
 * Sample images of an attack as PNG grids (rows of equally sized faces with 2-pixel gaps), written
 * atomically under the attack's folder with their sha256: per identity, and one overview.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../../data/fs/atomic.ts';
import type { AttackSampleFile } from './types.ts';

const GAP = 2;

/** Lays out `rows` of images (each `[size, size, channels]` 0..255) on a mid-grey canvas. */
export function gridPixels(rows: readonly (readonly ArrayLike<number>[])[], size: number, channels: number): { data: Uint8Array; width: number; height: number } {
  const cols = Math.max(...rows.map((r) => r.length));
  const width = cols * size + (cols - 1) * GAP;
  const height = rows.length * size + (rows.length - 1) * GAP;
  const data = new Uint8Array(width * height * channels).fill(128);
  rows.forEach((row, r) =>
    row.forEach((img, c) => {
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          for (let ch = 0; ch < channels; ch++) {
            const v = img[(y * size + x) * channels + ch];
            data[((r * (size + GAP) + y) * width + c * (size + GAP) + x) * channels + ch] = Math.max(0, Math.min(255, Math.round(v)));
          }
    }),
  );
  return { data, width, height };
}

export async function writeGrid(dir: string, file: string, rows: readonly (readonly ArrayLike<number>[])[], size: number, channels: 1 | 3, meta: { label: number; kind: string }): Promise<AttackSampleFile> {
  const g = gridPixels(rows, size, channels);
  const png = await sharp(g.data, { raw: { width: g.width, height: g.height, channels } }).png().toBuffer();
  const path = join(dir, file);
  await writeFileAtomic(path, new Uint8Array(png));
  return { ...meta, path, sha256: createHash('sha256').update(png).digest('hex') };
}
