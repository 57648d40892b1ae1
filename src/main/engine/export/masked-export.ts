/**
 * Writes a run's masked training samples into a folder (DESIGN.md section 8): `imagefolder`
 * (a PNG visualisation of each masked sample, one folder per identity) or `tensor` (float32
 * shards `[n, S/8, S/8, kept]` of the masked, permuted frequency channels, before the network's
 * standardisation, with int32 label shards, as .npy). MixUp defences export freshly drawn mixed
 * samples (engine/defence/apply.ts, the code the attacks use), each with its recipe; pixel-domain
 * mixes are `[n, S, S, C]` scaled to about [-1, 1]. Returns each sample's file and every file's
 * sha256; the caller writes the manifest and renames the folder into place.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeNpy } from '../../data/export/npy.ts';
import { hashSeed } from '../../data/synth/random.ts';
import { applyDefence, type DefenceModel, type SampleRecipe } from '../defence/apply.ts';
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
  /** how the sample was made; `sources` index the export's items */
  recipe: SampleRecipe;
}

export interface ExportOutput {
  samples: ExportedSample[];
  files: { path: string; sha256: string; bytes: number }[];
  /** per-sample shape of the tensor data `[S/8, S/8, kept]` (or `[S, S, C]` for pixel mixes) */
  sampleShape: number[];
  /** 'frequency' (masked coefficients) or 'pixels' (pixel-domain MixUp) */
  form: 'frequency' | 'pixels';
}

/**
 * Samples per tensor shard, and per engine batch; the chunk must stay a multiple of every
 * training group size (tests pass small ones to cross both boundaries).
 */
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
  defence: DefenceModel,
  onProgress: (done: number, total: number) => void,
  { shardSize: SHARD_SIZE, chunk: CHUNK }: ExportLayout = DEFAULT_LAYOUT,
): Promise<ExportOutput> {
  const samples: ExportedSample[] = [];
  const files: ExportOutput['files'] = [];
  let sampleShape: number[] = [];
  let form: ExportOutput['form'] = 'frequency';
  if (format === 'imagefolder') {
    for (const id of new Set(items.map((i) => i.identity))) await mkdir(join(dir, id), { recursive: true });
  }
  for (let shard = 0; shard * SHARD_SIZE < items.length; shard++) {
    const shardItems = items.slice(shard * SHARD_SIZE, (shard + 1) * SHARD_SIZE);
    const parts: Float32Array[] = [];
    for (let c = 0; c < shardItems.length; c += CHUNK) {
      const chunk = shardItems.slice(c, c + CHUNK);
      const first = shard * SHARD_SIZE + c;
      const pixelBatch = batchTensor(data, chunk.map((i) => i.row));
      // CHUNK is a multiple of every training group size, so export groups match training's.
      const applied = applyDefence(defence, pixelBatch, chunk.map((i) => i.label), { seed: hashSeed(defence.config.seed, first, 0xe4) });
      pixelBatch.dispose();
      const masked = applied.samples;
      form = applied.form;
      const recipes = applied.recipes.map((r) => ({ ...r, sources: r.sources.map((s) => s + first) }));
      sampleShape = masked.shape.slice(1);
      if (format === 'tensor') {
        parts.push((await masked.data()) as Float32Array);
        chunk.forEach((item, k) => samples.push({ index: first + k, label: item.label, file: '', offset: null, recipe: recipes[k] }));
        applied.images.dispose();
      } else {
        const pictures = tf.tidy(() => applied.images.round().toInt());
        applied.images.dispose();
        const pixels = (await pictures.data()) as Int32Array;
        pictures.dispose();
        const { size, channels } = data;
        const stride = size * size * channels;
        for (const [k, item] of chunk.entries()) {
          const index = shard * SHARD_SIZE + c + k;
          const raw = Uint8Array.from(pixels.subarray(k * stride, (k + 1) * stride));
          const png = await sharp(raw, { raw: { width: size, height: size, channels } }).png().toBuffer();
          const file = `${item.identity}/${String(index).padStart(6, '0')}.png`;
          await put(dir, file, new Uint8Array(png), files);
          samples.push({ index, label: item.label, file, offset: null, recipe: recipes[k] });
        }
      }
      masked.dispose();
      onProgress(Math.min(items.length, shard * SHARD_SIZE + c + chunk.length), items.length);
    }
    if (format === 'tensor') {
      const name = `shard-${String(shard).padStart(5, '0')}`;
      const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0);
      await put(dir, `${name}.x.npy`, encodeNpy({ dtype: 'float32', data: all, shape: [shardItems.length, ...sampleShape] }), files);
      await put(dir, `${name}.y.npy`, encodeNpy({ dtype: 'int32', data: Int32Array.from(shardItems.map((i) => i.label)), shape: [shardItems.length] }), files);
      for (const s of samples) if (s.index >= shard * SHARD_SIZE && !s.file) Object.assign(s, { file: `${name}.x.npy`, offset: s.index - shard * SHARD_SIZE });
    }
  }
  return { samples, files, sampleShape, form };
}
