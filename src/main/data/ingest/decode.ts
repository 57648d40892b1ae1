/**
 * Decodes one face image to the dataset's format: `[size, size, channels]` uint8, cover-cropped
 * and resized with sharp (PGM/PPM through the Netpbm reader). Failures throw `DecodeError` with a
 * plain reason that the import report shows next to the file.
 */
import sharp, { type Sharp } from 'sharp';
import { isNetpbm, readNetpbm } from './netpbm.ts';

/** Images smaller than this on either side are refused (too little face to learn from). */
export const MIN_SIDE = 16;
/** Refuse decompression bombs: sharp stops at this many input pixels. */
export const MAX_INPUT_PIXELS = 40_000_000;

export class DecodeError extends Error {}

export interface DecodedFace {
  pixels: Uint8Array;
  /** original width and height in pixels */
  width: number;
  height: number;
}

export async function decodeFace(bytes: Uint8Array, size: number, channels: 1 | 3): Promise<DecodedFace> {
  if (bytes.length === 0) throw new DecodeError('empty file (0 bytes)');
  let image: Sharp;
  let width: number;
  let height: number;
  if (isNetpbm(bytes)) {
    let raw;
    try {
      raw = readNetpbm(bytes);
    } catch (err) {
      throw new DecodeError(`corrupt PGM/PPM file: ${(err as Error).message}`);
    }
    ({ width, height } = raw);
    if (width * height > MAX_INPUT_PIXELS) throw new DecodeError(`too large (${width}x${height}; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels)`);
    image = sharp(raw.data, { raw: { width, height, channels: raw.channels } });
  } else {
    image = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' });
    try {
      // The header alone (no pixels decoded), read without the limit so a bomb gets a size message.
      const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
      width = meta.autoOrient?.width ?? meta.width ?? 0;
      height = meta.autoOrient?.height ?? meta.height ?? 0;
    } catch (err) {
      throw new DecodeError(`not a readable image (${(err as Error).message.split('\n')[0]})`);
    }
    if (width * height > MAX_INPUT_PIXELS) throw new DecodeError(`too large (${width}x${height}; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels)`);
    image = image.autoOrient();
  }
  if (width < MIN_SIDE || height < MIN_SIDE) throw new DecodeError(`too small (${width}x${height}; at least ${MIN_SIDE}x${MIN_SIDE} needed)`);
  let pipeline = image.resize(size, size, { fit: 'cover', position: 'centre' }).flatten({ background: '#808080' });
  pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== size || info.height !== size) {
      throw new DecodeError(`unexpected decoded layout ${info.width}x${info.height}x${info.channels}`);
    }
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height };
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    const msg = (err as Error).message.split('\n')[0];
    throw new DecodeError(/pixel limit/i.test(msg) ? `too large (the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels)` : `corrupt or truncated image (${msg})`);
  }
}
