/**
 * Migration 10: the first schema (DESIGN.md section 7): datasets with identities and images,
 * runs with metrics and checkpoints, attacks with samples, exports and reports.
 */
import type { Migration } from './migration.ts';

export const migration0010: Migration = {
  version: 10,
  name: 'initial',
  sql: `
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('synthetic', 'imported')),
  source TEXT,
  size INTEGER NOT NULL,
  channels INTEGER NOT NULL CHECK (channels IN (1, 3)),
  seed INTEGER NOT NULL,
  split_config TEXT NOT NULL,
  generator TEXT,
  cache_file TEXT,
  cache_hash TEXT,
  report TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE identities (
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  label INTEGER NOT NULL,
  name TEXT NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('private', 'public', 'eval')),
  PRIMARY KEY (dataset_id, label)
) STRICT;

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  label INTEGER NOT NULL,
  split TEXT NOT NULL CHECK (split IN ('train', 'heldout', 'public', 'eval')),
  cache_index INTEGER NOT NULL,
  source_path TEXT,
  hash TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  thumb BLOB,
  FOREIGN KEY (dataset_id, label) REFERENCES identities(dataset_id, label) ON DELETE CASCADE
) STRICT;
CREATE INDEX images_by_dataset ON images(dataset_id, cache_index);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE RESTRICT,
  defense TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
  config TEXT NOT NULL,
  seed INTEGER NOT NULL,
  backend TEXT,
  versions TEXT NOT NULL DEFAULT '{}',
  result TEXT,
  error TEXT,
  tags TEXT NOT NULL DEFAULT '[]',
  notes TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
) STRICT;
CREATE INDEX runs_by_dataset ON runs(dataset_id, created_at);

CREATE TABLE run_metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL
) STRICT;
CREATE INDEX run_metrics_by_run ON run_metrics(run_id, name, step);

CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  step INTEGER NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE attacks (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  metrics TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE TABLE attack_samples (
  id INTEGER PRIMARY KEY,
  attack_id TEXT NOT NULL REFERENCES attacks(id) ON DELETE CASCADE,
  label INTEGER NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;

CREATE TABLE exports (
  id TEXT PRIMARY KEY,
  run_id TEXT REFERENCES runs(id) ON DELETE SET NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('imagefolder', 'tensor')),
  samples INTEGER NOT NULL,
  manifest_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  runs TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`,
};
