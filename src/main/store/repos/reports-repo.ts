/**
 * Report records: which file was written from which runs, and when (the `reports` table of the
 * first migration). The files themselves live where the user asked for them.
 */
import type { Db } from '../database.ts';

export interface ReportRecord {
  id: string;
  /** absolute path of the written file (HTML or PDF) */
  path: string;
  /** run ids the report covers */
  runs: string[];
  createdAt: string;
}

export class ReportsRepo {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  insert(r: ReportRecord): void {
    this.db.prepare('INSERT INTO reports (id, path, runs, created_at) VALUES (?, ?, ?, ?)').run(r.id, r.path, JSON.stringify(r.runs), r.createdAt);
  }

  get(id: string): ReportRecord | null {
    return this.list().find((r) => r.id === id) ?? null;
  }

  list(): ReportRecord[] {
    const rows = this.db.prepare('SELECT id, path, runs, created_at FROM reports ORDER BY created_at DESC').all() as { id: string; path: string; runs: string; created_at: string }[];
    return rows.map((r) => ({ id: r.id, path: r.path, runs: JSON.parse(r.runs) as string[], createdAt: r.created_at }));
  }
}
