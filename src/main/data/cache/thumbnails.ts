/**
 * Small PNG thumbnails for the UI, made from cached pixels with sharp.
 */
import sharp from 'sharp';

export const THUMB_SIZE = 48;

export async function thumbnail(pixels: Uint8Array, size: number, channels: 1 | 3): Promise<Uint8Array> {
  const png = await sharp(pixels, { raw: { width: size, height: size, channels } })
    .resize(THUMB_SIZE, THUMB_SIZE, { kernel: 'lanczos3' })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return new Uint8Array(png);
}

export function thumbDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
