/**
 * Opens the studio's SQLite database: WAL, foreign keys, busy timeout, and migrations applied in
 * one transaction. Refuses a database written by a newer studio. Owns no queries (see repos/).
 */
import Database from 'better-sqlite3';
import { AppError } from '../../shared/contract/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** file path, or ':memory:' for tests */
  file: string;
  /** migrations to apply (tests inject their own lists) */
  migrations?: readonly Migration[];
}

export function openDatabase({ file, migrations = MIGRATIONS }: OpenDatabaseOptions): Db {
  let db: Db;
  try {
    db = new Database(file);
  } catch (err) {
    throw new AppError('IO', `Cannot open the studio database at ${file}: ${(err as Error).message}. Check that the data directory is writable, or pass --data-dir.`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Applies every migration newer than `user_version`, all in one transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new AppError(
      'CONFLICT',
      `This database has schema version ${current}, newer than this studio understands (${latest}). Update Veil Studio, or point --data-dir at another folder.`,
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}

export { LATEST_SCHEMA_VERSION };
