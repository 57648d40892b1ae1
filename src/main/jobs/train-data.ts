/**
 * Assembles the engine's TrainData for a dataset: reads the pixel cache once and maps private
 * identities' images to dense class labels (train and held-out rows). Public identities never
 * reach the target model.
 */
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors.ts';
import { readPixelCache } from '../data/cache/pixel-cache.ts';
import type { TrainData } from '../engine/train/data.ts';
import type { DatasetRecord } from '../store/repos/datasets-repo.ts';
import type { Store } from '../store/store.ts';

export async function loadTrainData(store: Store, dataDir: string, dataset: DatasetRecord): Promise<TrainData> {
  const rows = store.datasets.images(dataset.id);
  const privateLabels = [...new Set(rows.filter((r) => r.split === 'train' || r.split === 'heldout').map((r) => r.label))].sort((a, b) => a - b);
  const classOf = new Map(privateLabels.map((label, i) => [label, i]));
  const train = rows.filter((r) => r.split === 'train').map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  const heldout = rows.filter((r) => r.split === 'heldout').map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  if (privateLabels.length < 2 || train.length < 2) {
    throw new AppError('VALIDATION', `Dataset "${dataset.name}" has too few private training images to train on. Use a dataset with more identities.`);
  }
  const pixels = await readPixelCache(join(dataDir, dataset.cacheFile), { count: rows.length, size: dataset.size, channels: dataset.channels });
  return { pixels, size: dataset.size, channels: dataset.channels, train, heldout, classes: privateLabels.length };
}
