/**
 * Image grids for GAN samples and attack candidates: a batch of images tiled row by row into one
 * uint8 picture (with a 2-pixel gap) and encoded as PNG. Pure pixels in, bytes out.
 */
import sharp from 'sharp';

export interface Grid {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Tiles `n` images `[n, size, size, channels]` (0..255 floats) into `cols` columns. */
export function tileImages(images: Float32Array | Uint8Array, n: number, size: number, channels: 1 | 3, cols: number): Grid {
  const gap = 2;
  const rows = Math.max(1, Math.ceil(n / cols));
  const width = cols * size + (cols - 1) * gap;
  const height = rows * size + (rows - 1) * gap;
  const pixels = new Uint8Array(width * height * channels).fill(255);
  for (let k = 0; k < n; k++) {
    const top = Math.floor(k / cols) * (size + gap);
    const left = (k % cols) * (size + gap);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size * channels; x++) {
        const v = images[(k * size + y) * size * channels + x];
        pixels[((top + y) * width + left) * channels + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
  }
  return { pixels, width, height, channels };
}

export async function gridPng(grid: Grid): Promise<Uint8Array> {
  return sharp(grid.pixels, { raw: { width: grid.width, height: grid.height, channels: grid.channels } }).png().toBuffer();
}
