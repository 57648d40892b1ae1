import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/main/store/database.ts';
import { MIGRATIONS } from '../../../src/main/store/migrations/index.ts';
import { AttacksRepo } from '../../../src/main/store/repos/attacks-repo.ts';
import { tempDir } from '../../helpers/temp.ts';

const seedRun = (db: Database.Database): void => {
  db.prepare("INSERT INTO datasets (id, name, kind, size, channels, seed, split_config, created_at) VALUES ('d', 'd', 'synthetic', 32, 1, 1, '{}', 'now')").run();
  db.prepare("INSERT INTO runs (id, name, dataset_id, defense, status, config, seed, created_at) VALUES ('r', 'r', 'd', 'none', 'done', '{}', 1, 'now')").run();
};

describe('migration 30 (attacks)', () => {
  it('upgrades a version-20 database with its attacks intact, judge defaulting to pretrained', () => {
    const file = join(tempDir(), 'v20.sqlite');
    openDatabase({ file, migrations: MIGRATIONS.filter((m) => m.version <= 20) }).close();
    const v20 = new Database(file);
    seedRun(v20);
    v20.prepare("INSERT INTO attacks (id, run_id, kind, status, config, created_at) VALUES ('a', 'r', 'reconstruction', 'done', '{}', 'now')").run();
    v20.close();
    const db = openDatabase({ file });
    expect(db.prepare('SELECT id, judge, seed, owner_pid FROM attacks').all()).toEqual([{ id: 'a', judge: 'pretrained', seed: 1, owner_pid: null }]);
    db.close();
  });
});

describe('attacks repository', () => {
  it('marks attacks of dead processes interrupted, leaves live ones, and finds the newest finished one', () => {
    const db = openDatabase({ file: ':memory:' });
    seedRun(db);
    const repo = new AttacksRepo(db);
    repo.create({ id: 'live', runId: 'r', kind: 'reconstruction', judge: 'pretrained', seed: 1, config: {} });
    repo.create({ id: 'done', runId: 'r', kind: 'reconstruction', judge: 'pretrained', seed: 1, config: {} });
    repo.finish('done', { status: 'done', seconds: 2 });
    db.prepare("UPDATE attacks SET owner_pid = 999999 WHERE id = 'live'").run();
    expect(repo.markInterrupted((pid) => pid !== 999999)).toBe(1);
    expect(repo.detail('live').status).toBe('interrupted');
    expect(repo.doneWithConfig('r', 'reconstruction').map((d) => d.summary.id)).toEqual(['done']);
    expect(repo.doneWithConfig('r', 'whitebox')).toEqual([]);
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM attacks WHERE run_id = 'r' AND kind = 'reconstruction'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/INDEX attacks_by_run/);
    db.close();
  });
});
