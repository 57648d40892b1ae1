/**
 * Builds ImageFolder fixtures at test time from the synthetic face generator: real JPEG/PNG/PGM
 * files, plus the bad inputs import must survive (corrupt, truncated, empty, huge, tiny...).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { renderFace } from '../../src/main/data/synth/face-generator.ts';

export async function faceFile(identity: number, image: number, format: 'jpeg' | 'png' | 'webp' | 'tiff' | 'gif', size = 80): Promise<Buffer> {
  const pixels = renderFace(7, identity, image, { size, channels: 3 });
  return sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).toFormat(format).toBuffer();
}

/** A binary PGM (P5), as in ORL. */
export function pgmFile(identity: number, image: number, size = 64): Buffer {
  const pixels = renderFace(7, identity, image, { size, channels: 1 });
  return Buffer.concat([Buffer.from(`P5\n# veil test\n${size} ${size}\n255\n`), Buffer.from(pixels)]);
}

/** A valid 1x1 PNG whose header claims `width` x `height` (a decompression bomb's shape). */
export async function hugePngHeader(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer();
  const out = Buffer.from(png);
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29);
  return out;
}

export function write(root: string, rel: string, data: Buffer | string): string {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** `identities` folders of `perIdentity` good JPEGs each. */
export async function goodFolder(root: string, identities: number, perIdentity: number): Promise<void> {
  for (let i = 0; i < identities; i++) {
    for (let j = 0; j < perIdentity; j++) write(root, `id-${i}/img-${j}.jpg`, await faceFile(i, j, 'jpeg'));
  }
}

/**
 * The failed-import case of issue 9: only `alice` has two usable images; `bob` has one good and one
 * corrupt file, `carol` an empty file and a copy of alice's first image. Import must fail and name
 * the three unused files, the two identities left out, and the duplicate.
 */
export async function oneUsableIdentityFolder(root: string): Promise<void> {
  const alice0 = await faceFile(0, 0, 'jpeg');
  write(root, 'alice/1.jpg', alice0);
  write(root, 'alice/2.jpg', await faceFile(0, 1, 'jpeg'));
  write(root, 'bob/1.jpg', await faceFile(1, 0, 'jpeg'));
  write(root, 'bob/2.jpg', Buffer.from('not a jpeg at all'));
  write(root, 'carol/1.png', Buffer.alloc(0));
  write(root, 'carol/2.jpg', alice0);
}
