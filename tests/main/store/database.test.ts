import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/shared/contract/errors.ts';
import { LATEST_SCHEMA_VERSION, migrate, openDatabase } from '../../../src/main/store/database.ts';
import { MIGRATIONS } from '../../../src/main/store/migrations/index.ts';
import { RunsRepo } from '../../../src/main/store/repos/runs-repo.ts';
import { tempDir } from '../../helpers/temp.ts';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const TABLES = ['datasets', 'identities', 'images', 'runs', 'run_metrics', 'checkpoints', 'attacks', 'attack_samples', 'exports', 'reports'];

describe('the studio database', () => {
  it('migrates an empty database to the latest schema with every table', () => {
    const db = openDatabase({ file: ':memory:' });
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(TABLES));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('turns on WAL and foreign keys for a file database', () => {
    const db = openDatabase({ file: join(tempDir(), 'veil.sqlite') });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a database written by a newer studio and leaves it untouched', () => {
    const file = join(tempDir(), 'future.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
    raw.close();
    expect(() => openDatabase({ file })).toThrowError(AppError);
    expect(() => openDatabase({ file })).toThrowError(/newer than this studio/);
    const again = new Database(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 10);
    expect(again.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    again.close();
  });

  for (const mode of ['delete', 'wal'] as const) {
    it(`refuses a newer database (journal mode ${mode}) with its bytes unchanged and no -wal or -shm created`, () => {
      const file = join(tempDir(), `future-${mode}.sqlite`);
      const raw = new Database(file);
      raw.pragma(`journal_mode = ${mode}`);
      raw.exec("CREATE TABLE future_things (x TEXT); INSERT INTO future_things VALUES ('kept')");
      raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
      raw.close();
      const before = sha256(readFileSync(file));
      const entries = readdirSync(dirname(file)).sort();
      expect(() => openDatabase({ file })).toThrowError(/schema version \d+, newer than this studio/);
      expect(sha256(readFileSync(file))).toBe(before);
      expect(readdirSync(dirname(file)).sort()).toEqual(entries);
      expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);
    });
  }

  it('applies migrations in one transaction: a failing migration leaves no table behind', () => {
    const db = new Database(':memory:');
    const broken = [...MIGRATIONS, { version: LATEST_SCHEMA_VERSION + 10, name: 'broken', sql: 'CREATE TABLE ok_table (x INTEGER); SELECT * FROM no_such_table;' }];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('is idempotent when reopened', () => {
    const file = join(tempDir(), 'twice.sqlite');
    openDatabase({ file }).close();
    const db = openDatabase({ file });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('pages images through the dataset index, not a table scan', () => {
    const db = openDatabase({ file: ':memory:' });
    const plan = db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM images WHERE dataset_id = ? ORDER BY cache_index LIMIT 10 OFFSET 0')
      .all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX images_by_dataset/);
    db.close();
  });
});

describe('migration 20 (run owner)', () => {
  it('upgrades a version-10 database with its runs intact', () => {
    const file = join(tempDir(), 'v10.sqlite');
    openDatabase({ file, migrations: MIGRATIONS.filter((m) => m.version <= 10) }).close();
    const v10 = new Database(file);
    v10.prepare("INSERT INTO datasets (id, name, kind, size, channels, seed, split_config, created_at) VALUES ('d', 'd', 'synthetic', 32, 1, 1, '{}', 'now')").run();
    v10.prepare("INSERT INTO runs (id, name, dataset_id, defense, status, config, seed, created_at) VALUES ('r', 'r', 'd', 'none', 'done', '{}', 1, 'now')").run();
    v10.close();
    const db = openDatabase({ file });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare('SELECT id, status, owner_pid FROM runs').all()).toEqual([{ id: 'r', status: 'done', owner_pid: null }]);
    db.close();
  });
});

describe('interrupted runs at start-up', () => {
  it('marks runs of dead processes interrupted and leaves live ones running', () => {
    const db = openDatabase({ file: ':memory:' });
    const runs = new RunsRepo(db);
    db.prepare("INSERT INTO datasets (id, name, kind, size, channels, seed, split_config, created_at) VALUES ('d', 'd', 'synthetic', 32, 1, 1, '{}', 'now')").run();
    for (const [id, pid] of [['live', 111], ['dead', 222], ['orphan', null]] as const) {
      db.prepare("INSERT INTO runs (id, name, dataset_id, defense, status, config, seed, created_at, owner_pid) VALUES (?, ?, 'd', 'none', 'running', '{}', 1, 'now', ?)").run(id, id, pid);
    }
    expect(runs.markInterrupted((pid) => pid === 111)).toBe(2);
    const status = Object.fromEntries((db.prepare('SELECT id, status FROM runs').all() as { id: string; status: string }[]).map((r) => [r.id, r.status]));
    expect(status).toEqual({ live: 'running', dead: 'interrupted', orphan: 'interrupted' });
    db.close();
  });
});
