/**
 * The engine worker's side of the Defence Lab: reads the dataset's pixel cache (kept while the
 * worker lives), computes and caches the channel energies of the requested training rows, loads a
 * run's frozen front end, and returns `labPictures` for one image.
 */
import { readPixelCache } from '../../data/cache/pixel-cache.ts';
import { selectBackend } from '../backend/select-backend.ts';
import { loadCheckpoint } from '../train/checkpoint.ts';
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

export async function labPreview(req: LabRequest): Promise<LabOutput> {
  ready ??= selectBackend();
  await ready;
  const all = await cachePixels(req);
  const stride = req.size * req.size * req.channels;
  const row = (r: number): Uint8Array => all.subarray(r * stride, (r + 1) * stride);
  const frozen = req.checkpointDir ? (await loadCheckpoint(req.checkpointDir)).manifest.frontEnd : null;
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
