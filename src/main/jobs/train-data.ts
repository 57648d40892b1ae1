/**
 * Assembles the engine's TrainData for a dataset, less its pixels (the engine worker reads the
 * pixel cache itself): maps private identities' images to dense class labels (train and held-out
 * rows). Public identities never reach the target model.
 */
import { AppError } from '../../shared/contract/errors.ts';
import type { TrainData } from '../engine/train/data.ts';
import type { DatasetRecord, ImageRow } from '../store/repos/datasets-repo.ts';
import type { Store } from '../store/store.ts';

/** Dense classes 0..P-1 over the private identities (those with train or held-out images). */
export function privateClasses(rows: readonly ImageRow[]): { labels: number[]; classOf: Map<number, number> } {
  const labels = [...new Set(rows.filter((r) => r.split === 'train' || r.split === 'heldout').map((r) => r.label))].sort((a, b) => a - b);
  return { labels, classOf: new Map(labels.map((label, i) => [label, i])) };
}

export function trainSplit(store: Store, dataset: DatasetRecord): Omit<TrainData, 'pixels'> {
  const rows = store.datasets.images(dataset.id);
  const { labels: privateLabels, classOf } = privateClasses(rows);
  const train = rows.filter((r) => r.split === 'train').map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  const heldout = rows.filter((r) => r.split === 'heldout').map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)! }));
  if (privateLabels.length < 2 || train.length < 2) {
    throw new AppError('VALIDATION', `Dataset "${dataset.name}" has too few private training images to train on. Use a dataset with more identities.`);
  }
  return { size: dataset.size, channels: dataset.channels, train, heldout, classes: privateLabels.length };
}
