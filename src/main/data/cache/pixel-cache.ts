/**
 * The per-dataset pixel cache: every image decoded and resized once, stored as one uint8 file
 * `[count, size, size, channels]` (row-major, interleaved channels). The index (which row is which
 * image) lives in SQLite; training reads rows from here and never decodes images in its loop.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic.ts';

export interface CacheShape {
  count: number;
  size: number;
  channels: 1 | 3;
}

export function imageBytes({ size, channels }: Omit<CacheShape, 'count'>): number {
  return size * size * channels;
}

/** Concatenates rows and writes them atomically; returns the file's sha256. */
export async function writePixelCache(file: string, rows: readonly Uint8Array[], shape: Omit<CacheShape, 'count'>): Promise<string> {
  const stride = imageBytes(shape);
  const all = new Uint8Array(rows.length * stride);
  rows.forEach((row, i) => {
    if (row.length !== stride) throw new RangeError(`cache row ${i} has ${row.length} bytes, expected ${stride}`);
    all.set(row, i * stride);
  });
  await writeFileAtomic(file, all);
  return createHash('sha256').update(all).digest('hex');
}

/** Reads the whole cache; checks its length against the expected shape. */
export async function readPixelCache(file: string, shape: CacheShape): Promise<Uint8Array> {
  const buf = await readFile(file);
  const expected = shape.count * imageBytes(shape);
  if (buf.length !== expected) {
    throw new Error(`The pixel cache ${file} has ${buf.length} bytes, expected ${expected}. Re-import the dataset to rebuild it.`);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}
