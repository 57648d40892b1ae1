/**
 * Migration 30: what attacks record besides migration 10's columns (DESIGN.md 6-7): the judge
 * and its version, seed, backend, versions, error, timings and the owning process (a dead owner
 * marks the attack interrupted); samples say what their image shows.
 */
import type { Migration } from './migration.ts';

export const migration0030: Migration = {
  version: 30,
  name: 'attacks',
  sql: `
ALTER TABLE attacks ADD COLUMN judge TEXT NOT NULL DEFAULT 'pretrained';
ALTER TABLE attacks ADD COLUMN judge_info TEXT;
ALTER TABLE attacks ADD COLUMN seed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE attacks ADD COLUMN backend TEXT;
ALTER TABLE attacks ADD COLUMN versions TEXT NOT NULL DEFAULT '{}';
ALTER TABLE attacks ADD COLUMN error TEXT;
ALTER TABLE attacks ADD COLUMN started_at TEXT;
ALTER TABLE attacks ADD COLUMN seconds REAL;
ALTER TABLE attacks ADD COLUMN owner_pid INTEGER;
ALTER TABLE attack_samples ADD COLUMN kind TEXT NOT NULL DEFAULT 'candidate';
CREATE INDEX attacks_by_run ON attacks(run_id, kind, created_at);
CREATE INDEX attack_samples_by_attack ON attack_samples(attack_id, label);
`,
};
