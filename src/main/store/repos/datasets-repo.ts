/**
 * Dataset queries: insert a whole dataset (row, identities, images) in one transaction, list,
 * resolve by id or name, page through images. Pixels live in the cache file, not here.
 */
import type {
  DatasetDetail,
  DatasetKind,
  DatasetSummary,
  IdentityInfo,
  IdentitySplit,
  ImageSplit,
  SkippedFile,
  SplitConfig,
} from '../../../shared/domain/dataset.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import type { Db } from '../database.ts';

/** What the import report keeps besides the images themselves. */
export interface ImportReport {
  skipped: SkippedFile[];
  ignored: SkippedFile[];
  duplicates: string[][];
  droppedIdentities: string[];
}

/** What describes a dataset, whether freshly decoded or as stored. */
export interface DatasetBasics {
  name: string;
  kind: DatasetKind;
  /** source folder of an import; null for synthetic datasets */
  source: string | null;
  size: number;
  channels: 1 | 3;
  seed: number;
  /** generator parameters for synthetic datasets (JSON-serialisable); null for imports */
  generator: unknown;
  report: ImportReport;
}

export interface NewDataset extends DatasetBasics {
  id: string;
  splitConfig: SplitConfig;
  /** path of the pixel cache, relative to the data directory */
  cacheFile: string;
  cacheHash: string;
  identities: { label: number; name: string; split: IdentitySplit }[];
  images: NewImage[];
}

export interface NewImage {
  label: number;
  split: ImageSplit;
  /** row in the pixel cache */
  cacheIndex: number;
  sourcePath: string | null;
  hash: string;
  width: number;
  height: number;
  /** PNG thumbnail bytes */
  thumb: Uint8Array;
}

/** An image row as the engine and export read it. */
export interface ImageRow {
  id: number;
  label: number;
  split: ImageSplit;
  cacheIndex: number;
  hash: string;
}

/** Internal dataset row with the cache location. */
export interface DatasetRecord extends DatasetSummary {
  splitConfig: SplitConfig;
  cacheFile: string;
  cacheHash: string;
  generator: unknown;
}

interface DatasetRow {
  id: string;
  name: string;
  kind: DatasetKind;
  source: string | null;
  size: number;
  channels: 1 | 3;
  seed: number;
  split_config: string;
  generator: string | null;
  cache_file: string;
  cache_hash: string;
  report: string;
  created_at: string;
  identities: number;
  images: number;
  private_ids: number;
  public_ids: number;
  eval_ids: number;
}

const SELECT_DATASET = `
SELECT d.*,
  (SELECT COUNT(*) FROM identities i WHERE i.dataset_id = d.id) AS identities,
  (SELECT COUNT(*) FROM images m WHERE m.dataset_id = d.id) AS images,
  (SELECT COUNT(*) FROM identities i WHERE i.dataset_id = d.id AND i.split = 'private') AS private_ids,
  (SELECT COUNT(*) FROM identities i WHERE i.dataset_id = d.id AND i.split = 'public') AS public_ids,
  (SELECT COUNT(*) FROM identities i WHERE i.dataset_id = d.id AND i.split = 'eval') AS eval_ids
FROM datasets d`;

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    identities: row.identities,
    images: row.images,
    size: row.size,
    channels: row.channels,
    splits: { private: row.private_ids, public: row.public_ids, eval: row.eval_ids },
    seed: row.seed,
    source: row.source,
    createdAt: row.created_at,
    splitConfig: JSON.parse(row.split_config) as SplitConfig,
    cacheFile: row.cache_file,
    cacheHash: row.cache_hash,
    generator: row.generator ? JSON.parse(row.generator) : null,
  };
}

function toSummary(rec: DatasetRecord): DatasetSummary {
  const { splitConfig: _s, cacheFile: _c, cacheHash: _h, generator: _g, ...summary } = rec;
  return summary;
}

export class DatasetsRepo {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  /** Inserts the dataset, its identities and images atomically: all or nothing. */
  insert(ds: NewDataset, createdAt = new Date().toISOString()): void {
    const insertDataset = this.db.prepare(
      `INSERT INTO datasets (id, name, kind, source, size, channels, seed, split_config, generator, cache_file, cache_hash, report, created_at)
       VALUES (@id, @name, @kind, @source, @size, @channels, @seed, @splitConfig, @generator, @cacheFile, @cacheHash, @report, @createdAt)`,
    );
    const insertIdentity = this.db.prepare('INSERT INTO identities (dataset_id, label, name, split) VALUES (?, ?, ?, ?)');
    const insertImage = this.db.prepare(
      `INSERT INTO images (dataset_id, label, split, cache_index, source_path, hash, width, height, thumb)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      // every column named: a field added to NewDataset (or an extra one at run time) never slips into the insert unseen
      insertDataset.run({
        id: ds.id,
        name: ds.name,
        kind: ds.kind,
        source: ds.source,
        size: ds.size,
        channels: ds.channels,
        seed: ds.seed,
        splitConfig: JSON.stringify(ds.splitConfig),
        generator: ds.generator === null ? null : JSON.stringify(ds.generator),
        cacheFile: ds.cacheFile,
        cacheHash: ds.cacheHash,
        report: JSON.stringify(ds.report),
        createdAt,
      });
      for (const id of ds.identities) insertIdentity.run(ds.id, id.label, id.name, id.split);
      for (const im of ds.images) {
        insertImage.run(ds.id, im.label, im.split, im.cacheIndex, im.sourcePath, im.hash, im.width, im.height, Buffer.from(im.thumb));
      }
    })();
  }

  /** One dataset as listed, by id or name. */
  summary(ref: string): DatasetSummary {
    return toSummary(this.resolve(ref));
  }

  list(): DatasetSummary[] {
    const rows = this.db.prepare(`${SELECT_DATASET} ORDER BY d.created_at DESC, d.name`).all() as DatasetRow[];
    return rows.map((r) => toSummary(toRecord(r)));
  }

  nameExists(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
  }

  /** Resolves an id or a name; throws NOT_FOUND with the known names. */
  resolve(ref: string): DatasetRecord {
    const row = this.db.prepare(`${SELECT_DATASET} WHERE d.id = ? OR d.name = ? LIMIT 1`).get(ref, ref) as DatasetRow | undefined;
    if (!row) {
      const known = this.list().map((d) => d.name);
      const hint = known.length ? `Known datasets: ${known.slice(0, 10).join(', ')}.` : 'There are no datasets yet: create one with `veil datasets synth` or `veil datasets import`.';
      throw new AppError('NOT_FOUND', `No dataset "${ref}". ${hint}`);
    }
    return toRecord(row);
  }

  detail(ref: string): DatasetDetail {
    const rec = this.resolve(ref);
    const identityRows = this.db
      .prepare(
        `SELECT i.label, i.name, i.split, COUNT(m.id) AS images FROM identities i
         LEFT JOIN images m ON m.dataset_id = i.dataset_id AND m.label = i.label
         WHERE i.dataset_id = ? GROUP BY i.label ORDER BY i.label`,
      )
      .all(rec.id) as IdentityInfo[];
    const splitRows = this.db.prepare('SELECT split, COUNT(*) AS n FROM images WHERE dataset_id = ? GROUP BY split').all(rec.id) as {
      split: ImageSplit;
      n: number;
    }[];
    const imageSplits: Record<ImageSplit, number> = { train: 0, heldout: 0, public: 0, eval: 0 };
    for (const r of splitRows) imageSplits[r.split] = r.n;
    const reportRow = this.db.prepare('SELECT report FROM datasets WHERE id = ?').get(rec.id) as { report: string };
    const report = JSON.parse(reportRow.report) as ImportReport;
    return { ...toSummary(rec), splitConfig: rec.splitConfig, identityList: identityRows, imageSplits, ...report };
  }

  /** Image rows in cache order (what the engine and exports iterate). */
  images(datasetId: string): ImageRow[] {
    return this.db
      .prepare('SELECT id, label, split, cache_index AS cacheIndex, hash FROM images WHERE dataset_id = ? ORDER BY cache_index')
      .all(datasetId) as ImageRow[];
  }

  /** One page of images with their thumbnails, in cache order. */
  page(datasetId: string, offset: number, limit: number, label?: number): { id: number; label: number; identity: string; split: ImageSplit; thumb: Buffer }[] {
    const byLabel = label === undefined ? '' : 'AND m.label = @label';
    return this.db
      .prepare(
        `SELECT m.id, m.label, i.name AS identity, m.split, m.thumb FROM images m
         JOIN identities i ON i.dataset_id = m.dataset_id AND i.label = m.label
         WHERE m.dataset_id = @datasetId ${byLabel} ORDER BY m.cache_index LIMIT @limit OFFSET @offset`,
      )
      .all({ datasetId, limit, offset, ...(label === undefined ? {} : { label }) }) as { id: number; label: number; identity: string; split: ImageSplit; thumb: Buffer }[];
  }

  /** Number of images of one identity. */
  countLabel(datasetId: string, label: number): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM images WHERE dataset_id = ? AND label = ?').get(datasetId, label) as { n: number }).n;
  }

  delete(datasetId: string): void {
    const inUse = this.db.prepare('SELECT COUNT(*) AS n FROM runs WHERE dataset_id = ?').get(datasetId) as { n: number };
    if (inUse.n > 0) {
      throw new AppError('CONFLICT', `This dataset has ${inUse.n} training run(s). Delete its runs first, or keep the dataset.`);
    }
    // an attack's `--public D` names D by id or name; its pixel cache must outlive the attack
    const attack = this.db
      .prepare(
        `SELECT a.id, a.status FROM attacks a JOIN datasets d ON d.id = ?
         WHERE a.status IN ('running', 'queued') AND json_extract(a.config, '$.public') IN (d.id, d.name) LIMIT 1`,
      )
      .get(datasetId) as { id: string; status: string } | undefined;
    if (attack) {
      throw new AppError('CONFLICT', `Attack ${attack.id} is ${attack.status} and uses this dataset as its public faces. Wait for it to finish or cancel it (Cancel in the job bar, or stop its veil attack), then delete the dataset.`);
    }
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
  }
}
