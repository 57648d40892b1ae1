/**
 * Migration 20: runs record the process that owns them while running, so a second studio process
 * (a CLI beside `veil serve`) does not mark a live run interrupted.
 */
import type { Migration } from './migration.ts';

export const migration0020: Migration = {
  version: 20,
  name: 'run-owner',
  sql: `ALTER TABLE runs ADD COLUMN owner_pid INTEGER;`,
};
