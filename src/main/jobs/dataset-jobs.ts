/**
 * Dataset jobs: create a synthetic dataset or import a folder, then persist it as one unit:
 * splits, pixel cache, thumbnails and store rows. A failed or cancelled job leaves nothing behind
 * (the cache folder is removed and the store insert is a single transaction at the very end).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors.ts';
import type { ParsedRequestOf } from '../../shared/contract/api.ts';
import { DEFAULT_SPLIT, type DatasetSummary, type SplitConfig } from '../../shared/domain/dataset.ts';
import { mapLimit } from '../data/concurrency.ts';
import { writePixelCache } from '../data/cache/pixel-cache.ts';
import { thumbnail } from '../data/cache/thumbnails.ts';
import { assignSplits } from '../data/splits.ts';
import { GENERATOR_VERSION, identityName, synthImages } from '../data/synth/synth-dataset.ts';
import type { DatasetBasics, NewImage } from '../store/repos/datasets-repo.ts';
import type { Store } from '../store/store.ts';
import type { JobContext } from './job-runner.ts';

export interface DatasetJobDeps {
  store: Store;
  /** absolute data directory; caches go under `datasets/<id>/` */
  dataDir: string;
}

/** A decoded dataset ready to persist; images carry dense labels 0..names.length-1. */
export interface DecodedDataset extends DatasetBasics {
  /** fraction of identities held apart for open-set verification */
  evalFraction: number;
  identityNames: string[];
  images: { label: number; pixels: Uint8Array; sourcePath: string | null; hash: string; width: number; height: number }[];
}

const THUMB_CONCURRENCY = 8;

export function newDatasetId(): string {
  return `ds_${randomBytes(5).toString('hex')}`;
}

export function assertNameFree(store: Store, name: string): void {
  if (store.datasets.nameExists(name)) {
    throw new AppError('CONFLICT', `A dataset named "${name}" already exists. Choose another name, or delete the old dataset first.`);
  }
}

/** Writes cache, thumbnails and rows; on any failure removes the cache folder and rethrows. */
export async function persistDataset(deps: DatasetJobDeps, ds: DecodedDataset, ctx: JobContext): Promise<DatasetSummary> {
  const id = newDatasetId();
  const dir = join(deps.dataDir, 'datasets', id);
  const splitConfig: SplitConfig = { ...DEFAULT_SPLIT, evalFraction: ds.evalFraction, seed: ds.seed };
  try {
    const splits = assignSplits(
      ds.images.map((im) => im.label),
      ds.identityNames.length,
      splitConfig,
    );
    const images: NewImage[] = await mapLimit(
      ds.images,
      THUMB_CONCURRENCY,
      async (im, i) => ({
        label: im.label,
        split: splits.images[i],
        cacheIndex: i,
        sourcePath: im.sourcePath,
        hash: im.hash,
        width: im.width,
        height: im.height,
        thumb: await thumbnail(im.pixels, ds.size, ds.channels),
      }),
      ctx.signal,
    );
    ctx.throwIfCancelled();
    const cacheFile = join('datasets', id, 'pixels.u8');
    const cacheHash = await writePixelCache(join(deps.dataDir, cacheFile), ds.images.map((im) => im.pixels), ds);
    ctx.throwIfCancelled();
    assertNameFree(deps.store, ds.name);
    const { evalFraction: _f, identityNames, images: _decoded, ...basics } = ds;
    deps.store.datasets.insert({
      ...basics,
      id,
      splitConfig,
      cacheFile,
      cacheHash,
      identities: identityNames.map((name, label) => ({ label, name, split: splits.identities[label] })),
      images,
    });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return deps.store.datasets.summary(id);
}

export async function synthDataset(deps: DatasetJobDeps, req: ParsedRequestOf<'datasets.synth'>, ctx: JobContext): Promise<DatasetSummary> {
  assertNameFree(deps.store, req.name);
  const channels = req.color ? 3 : 1;
  const total = req.identities * req.perIdentity;
  const images: DecodedDataset['images'] = [];
  for (const im of synthImages({ identities: req.identities, perIdentity: req.perIdentity, size: req.size, channels, seed: req.seed })) {
    ctx.throwIfCancelled();
    const hash = createHash('sha256').update(im.pixels).digest('hex');
    images.push({ label: im.label, pixels: im.pixels, sourcePath: null, hash, width: req.size, height: req.size });
    ctx.progress(images.length, total);
    // Yield to the event loop now and then so progress events and cancels get through.
    if (images.length % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  return persistDataset(
    deps,
    {
      name: req.name,
      kind: 'synthetic',
      source: null,
      size: req.size,
      channels,
      seed: req.seed,
      evalFraction: req.evalFraction,
      generator: { generator: 'veil-synthetic-faces', version: GENERATOR_VERSION, identities: req.identities, perIdentity: req.perIdentity },
      identityNames: Array.from({ length: req.identities }, (_, i) => identityName(i)),
      images,
      report: { skipped: [], ignored: [], duplicates: [], droppedIdentities: [] },
    },
    ctx,
  );
}
