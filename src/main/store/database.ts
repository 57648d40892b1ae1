/**
 * Opens the studio's SQLite database: WAL, foreign keys, busy timeout, and migrations applied in
 * one transaction. Refuses a database written by a newer studio, leaving its file untouched.
 * Owns no queries (see repos/).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
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
  // Refuse a newer database before anything can write to it (setting WAL rewrites the header).
  if (file !== ':memory:') refuseNewer(storedVersion(file), latestVersion(migrations));
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

function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length ? migrations[migrations.length - 1].version : 0;
}

function refuseNewer(current: number | null, latest: number): void {
  if (current === null || current <= latest) return;
  throw new AppError(
    'CONFLICT',
    `This database has schema version ${current}, newer than this studio understands (${latest}). Update Veil Studio, or point --data-dir at another folder.`,
  );
}

/**
 * The schema version of a database file, read without letting SQLite write: from the file header
 * (`user_version`, 4 bytes big-endian at offset 60, sqlite.org/fileformat2.html section 1.3) when
 * no write-ahead log is pending, else through a read-only connection. Null for a new or empty file.
 */
function storedVersion(file: string): number | null {
  const header = Buffer.alloc(100);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  let length: number;
  try {
    length = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (length < 100 || header.subarray(0, 16).toString('latin1') !== 'SQLite format 3\0') return null;
  if (!existsSync(`${file}-wal`) || statSync(`${file}-wal`).size === 0) return header.readUInt32BE(60);
  const ro = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return ro.pragma('user_version', { simple: true }) as number;
  } finally {
    ro.close();
  }
}

/** Applies every migration newer than `user_version`, all in one transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = latestVersion(migrations);
  refuseNewer(current, latest);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) db.exec(m.sql);
    db.pragma(`user_version = ${latest}`);
  })();
  return latest;
}

export { LATEST_SCHEMA_VERSION };
