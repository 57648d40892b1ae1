/**
 * The engine worker's side of the Defence Lab: reads the dataset's pixel cache (kept while the
 * worker lives), computes and caches the channel energies of the requested training rows, reads a
 * run's frozen front end (its checkpoint's manifest only), and returns `labPictures` for one image.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPixelCache } from '../../data/cache/pixel-cache.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { previousSibling } from '../../data/fs/atomic.ts';
import type { FrontEndState } from '../masking/front-end.ts';
import { CHECKPOINT_FORMAT, type CheckpointManifest } from '../train/checkpoint.ts';
import { channelEnergy, labPictures, type LabOutput } from './preview.ts';

export interface LabRequest {
  cacheFile: string;
  count: number;
  size: number;
  channels: 1 | 3;
  /** cache rows: the anchor first, then its candidate partners */
  rows: number[];
  /** cache rows the energy selection is measured on (training images) */
  energyRows: number[];
  /** a run's checkpoint folder: use its frozen front end instead of the energy selection */
  checkpointDir: string | null;
  keep: number;
  seed: number;
}

let ready: Promise<unknown> | null = null;
let pixels: { file: string; data: Uint8Array } | null = null;
const energies = new Map<string, number[]>();

async function cachePixels(req: LabRequest): Promise<Uint8Array> {
  if (pixels?.file !== req.cacheFile) {
    pixels = { file: req.cacheFile, data: await readPixelCache(req.cacheFile, req) };
    energies.clear();
  }
  return pixels.data;
}

/**
 * A run's frozen front end from its checkpoint's manifest alone: the weights (megabytes, hashed on
 * load) are not read. `frontEnd` is the same in checkpoint formats 1 and 2. Read-only: the run may
 * be training and committing its next checkpoint, so during a commit (the folder renamed aside, the
 * new one not yet in) the previous version is read where it is, never moved back.
 */
async function frozenFrontEnd(dir: string): Promise<FrontEndState | null> {
  const text = await readFile(join(dir, 'checkpoint.json'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return readFile(join(previousSibling(dir), 'checkpoint.json'), 'utf8');
    throw err;
  });
  const manifest = JSON.parse(text) as Pick<CheckpointManifest, 'format' | 'frontEnd'>;
  if (manifest.format !== CHECKPOINT_FORMAT && manifest.format !== 1) throw new Error(`checkpoint format ${manifest.format} is not supported (expected ${CHECKPOINT_FORMAT})`);
  return manifest.frontEnd;
}

export async function labPreview(req: LabRequest): Promise<LabOutput> {
  ready ??= selectBackend();
  await ready;
  const all = await cachePixels(req);
  const stride = req.size * req.size * req.channels;
  const row = (r: number): Uint8Array => all.subarray(r * stride, (r + 1) * stride);
  const frozen = req.checkpointDir ? await frozenFrontEnd(req.checkpointDir) : null;
  const key = req.energyRows.join(',');
  let energy = frozen?.energy ?? energies.get(key);
  if (!energy) {
    energy = channelEnergy(req.energyRows.map(row), req.size, req.channels);
    energies.set(key, energy);
  }
  const gates = frozen?.gates ?? null;
  return labPictures({
    images: req.rows.map(row),
    size: req.size,
    channels: req.channels,
    energy,
    frozen: frozen ? { kept: frozen.kept, gates } : null,
    keep: req.keep,
    seed: req.seed,
  });
}
