/**
 * Judge descriptors of every image of a dataset, computed once and kept in one float32 file
 * under the data directory (`judge/<dataset>-<cache hash>-<judge version hash>.f32`, rows in
 * pixel-cache order), so scoring never re-embeds the private images. Written atomically.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../data/fs/atomic.ts';
import { JUDGE_DIM, type Judge } from './face-api-judge.ts';

/** The cache file of one dataset's pixel cache under one judge version. */
export function embeddingCacheFile(dataDir: string, datasetId: string, cacheHash: string, judgeVersion: string): string {
  const v = createHash('sha256').update(judgeVersion).digest('hex').slice(0, 12);
  return join(dataDir, 'judge', `${datasetId}-${cacheHash.slice(0, 12)}-${v}.f32`);
}

export interface PixelSource {
  pixels: Uint8Array;
  count: number;
  size: number;
  channels: 1 | 3;
}

const CHUNK = 64;

/** Embeds all `count` images of `src` (chunked, `onProgress` after each chunk). */
export async function embedAll(judge: Judge, src: PixelSource, onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const stride = src.size * src.size * src.channels;
  const out = new Float32Array(src.count * JUDGE_DIM);
  for (let i = 0; i < src.count; i += CHUNK) {
    const n = Math.min(CHUNK, src.count - i);
    const batch = tf.tensor4d(Float32Array.from(src.pixels.subarray(i * stride, (i + n) * stride)), [n, src.size, src.size, src.channels]);
    out.set(await judge.embed(batch), i * JUDGE_DIM);
    batch.dispose();
    onProgress?.(i + n, src.count);
  }
  return out;
}

/** The dataset's descriptors `[count, 128]`: read from the cache file, or computed and saved. */
export async function cachedEmbeddings(file: string, judge: Judge, src: PixelSource, onProgress?: (done: number, total: number) => void): Promise<{ embeddings: Float32Array; cached: boolean }> {
  try {
    const buf = await readFile(file);
    if (buf.length === src.count * JUDGE_DIM * 4) {
      return { embeddings: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)), cached: true };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const embeddings = await embedAll(judge, src, onProgress);
  await writeFileAtomic(file, new Uint8Array(embeddings.buffer));
  return { embeddings, cached: false };
}
