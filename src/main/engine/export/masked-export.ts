/**
 * Writes a run's masked training samples into a folder (DESIGN.md section 8): `imagefolder`
 * (a PNG visualisation of each masked sample, one folder per identity) or `tensor` (float32
 * shards `[n, S/8, S/8, kept]` of the masked, permuted frequency channels, before the network's
 * standardisation, with int32 label shards, as .npy). Returns each sample's file and every
 * file's sha256; the caller writes the manifest and renames the folder into place.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeNpy } from '../../data/export/npy.ts';
import { maskedCoefficients, visualiseMasked, type FrontEndState } from '../masking/front-end.ts';
import { batchTensor, type TrainData } from '../train/data.ts';

export type ExportFormat = 'imagefolder' | 'tensor';

export interface ExportItem {
  row: number;
  label: number;
  /** identity folder name (sanitised by the caller) */
  identity: string;
}

export interface ExportedSample {
  index: number;
  label: number;
  /** file relative to the export folder; for tensors the shard, with `offset` inside it */
  file: string;
  offset: number | null;
}

export interface ExportOutput {
  samples: ExportedSample[];
  files: { path: string; sha256: string; bytes: number }[];
  /** per-sample shape of the tensor data `[S/8, S/8, kept]` */
  sampleShape: number[];
}

/** Samples per tensor shard, and per engine batch (tests pass small ones to cross both boundaries). */
export interface ExportLayout {
  shardSize: number;
  chunk: number;
}

export const DEFAULT_LAYOUT: ExportLayout = { shardSize: 1024, chunk: 64 };

async function put(dir: string, rel: string, bytes: Uint8Array, files: ExportOutput['files']): Promise<void> {
  await writeFile(join(dir, rel), bytes);
  files.push({ path: rel, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
}

export async function writeMaskedSet(
  dir: string,
  format: ExportFormat,
  data: TrainData,
  items: readonly ExportItem[],
  frontEnd: FrontEndState,
  onProgress: (done: number, total: number) => void,
  { shardSize: SHARD, chunk: CHUNK }: ExportLayout = DEFAULT_LAYOUT,
): Promise<ExportOutput> {
  const samples: ExportedSample[] = [];
  const files: ExportOutput['files'] = [];
  let sampleShape: number[] = [];
  if (format === 'imagefolder') {
    for (const id of new Set(items.map((i) => i.identity))) await mkdir(join(dir, id), { recursive: true });
  }
  for (let shard = 0; shard * SHARD < items.length; shard++) {
    const shardItems = items.slice(shard * SHARD, (shard + 1) * SHARD);
    const parts: Float32Array[] = [];
    for (let c = 0; c < shardItems.length; c += CHUNK) {
      const chunk = shardItems.slice(c, c + CHUNK);
      const masked = tf.tidy(() => maskedCoefficients(batchTensor(data, chunk.map((i) => i.row)), frontEnd));
      sampleShape = masked.shape.slice(1);
      if (format === 'tensor') parts.push((await masked.data()) as Float32Array);
      else {
        const pictures = tf.tidy(() => visualiseMasked(masked, frontEnd).round().toInt());
        const pixels = (await pictures.data()) as Int32Array;
        pictures.dispose();
        const { size, channels } = data;
        const stride = size * size * channels;
        for (const [k, item] of chunk.entries()) {
          const index = shard * SHARD + c + k;
          const raw = Uint8Array.from(pixels.subarray(k * stride, (k + 1) * stride));
          const png = await sharp(raw, { raw: { width: size, height: size, channels } }).png().toBuffer();
          const file = `${item.identity}/${String(index).padStart(6, '0')}.png`;
          await put(dir, file, new Uint8Array(png), files);
          samples.push({ index, label: item.label, file, offset: null });
        }
      }
      masked.dispose();
      onProgress(Math.min(items.length, shard * SHARD + c + chunk.length), items.length);
    }
    if (format === 'tensor') {
      const name = `shard-${String(shard).padStart(5, '0')}`;
      const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
      await put(dir, `${name}.x.npy`, encodeNpy({ dtype: 'float32', data: all, shape: [shardItems.length, ...sampleShape] }), files);
      await put(dir, `${name}.y.npy`, encodeNpy({ dtype: 'int32', data: Int32Array.from(shardItems.map((i) => i.label)), shape: [shardItems.length] }), files);
      shardItems.forEach((item, k) => samples.push({ index: shard * SHARD + k, label: item.label, file: `${name}.x.npy`, offset: k }));
    }
  }
  return { samples, files, sampleShape };
}
