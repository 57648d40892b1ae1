/**
 * The bench's imported ORL (`bench/defences.ts` imports it into its data folder): the private
 * identities' training and held-out cache rows with dense labels, as the train job assembles them.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { TrainData } from '../src/main/engine/train/data.ts';

export function orlSplit(home: string): { data: Omit<TrainData, 'pixels'>; cacheFile: string; count: number } {
  const db = new Database(join(home, 'veil.sqlite'), { readonly: true });
  const ds = db.prepare("SELECT id, cache_file AS cacheFile, size, channels FROM datasets WHERE name = 'orl'").get() as { id: string; cacheFile: string; size: number; channels: 1 | 3 };
  const rows = db.prepare('SELECT label, split, cache_index AS row FROM images WHERE dataset_id = ? ORDER BY id').all(ds.id) as { label: number; split: string; row: number }[];
  const count = (db.prepare('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ?').get(ds.id) as { n: number }).n;
  db.close();
  const labels = [...new Set(rows.filter((r) => r.split === 'train' || r.split === 'heldout').map((r) => r.label))].sort((a, b) => a - b);
  const classOf = new Map(labels.map((l, i) => [l, i]));
  const pick = (split: string) => rows.filter((r) => r.split === split).map((r) => ({ row: r.row, label: classOf.get(r.label)! }));
  return { data: { size: ds.size, channels: ds.channels, train: pick('train'), heldout: pick('heldout'), classes: labels.length }, cacheFile: join(home, ds.cacheFile), count };
}
