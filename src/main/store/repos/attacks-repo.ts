/**
 * Attack queries: create an attack (running, owned by this process), record its start, samples and
 * outcome, list and show attacks, find the finished attacks of a kind on a run, and mark
 * attacks whose worker died as `interrupted` at start-up (as runs are).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import type { AttackDetail, AttackKind, AttackMetrics, AttackSample, AttackStatus, AttackSummary, JudgeInfo, JudgeKind } from '../../../shared/domain/attack.ts';
import type { Db } from '../database.ts';
import { processAlive } from '../../platform/process.ts';

interface AttackRow {
  id: string;
  run_id: string;
  kind: AttackKind;
  status: AttackStatus;
  config: string;
  metrics: string | null;
  created_at: string;
  finished_at: string | null;
  judge: JudgeKind;
  judge_info: string | null;
  seed: number;
  backend: string | null;
  versions: string;
  error: string | null;
  seconds: number | null;
  owner_pid: number | null;
}

export interface NewAttack {
  id: string;
  runId: string;
  kind: AttackKind;
  judge: JudgeKind;
  seed: number;
  /** the validated request (what `attacks.resume` restarts from) */
  config: unknown;
}

function toSummary(r: AttackRow): AttackSummary {
  return {
    id: r.id,
    runId: r.run_id,
    kind: r.kind,
    status: r.status,
    judge: r.judge,
    seed: r.seed,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    seconds: r.seconds,
    metrics: r.metrics ? (JSON.parse(r.metrics) as AttackMetrics) : null,
  };
}

export class AttacksRepo {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  create(a: NewAttack, now = new Date().toISOString()): void {
    this.db
      .prepare(`INSERT INTO attacks (id, run_id, kind, status, config, judge, seed, created_at, started_at, owner_pid) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)`)
      .run(a.id, a.runId, a.kind, JSON.stringify(a.config), a.judge, a.seed, now, now, process.pid);
  }

  /** (Re)starting: running, owned by this process, previous outcome and samples cleared. */
  restart(id: string, now = new Date().toISOString()): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE attacks SET status = 'running', error = NULL, metrics = NULL, finished_at = NULL, seconds = NULL, started_at = ?, owner_pid = ? WHERE id = ?").run(now, process.pid, id);
      this.db.prepare('DELETE FROM attack_samples WHERE attack_id = ?').run(id);
    })();
  }

  started(id: string, backend: string, versions: unknown): void {
    this.db.prepare('UPDATE attacks SET backend = ?, versions = ? WHERE id = ?').run(backend, JSON.stringify(versions), id);
  }

  finish(id: string, o: { status: AttackStatus; metrics?: AttackMetrics | null; judgeInfo?: JudgeInfo | null; seconds?: number | null; error?: string | null }, now = new Date().toISOString()): void {
    this.db
      .prepare('UPDATE attacks SET status = ?, metrics = ?, judge_info = COALESCE(?, judge_info), seconds = ?, error = ?, finished_at = ?, owner_pid = NULL WHERE id = ?')
      .run(o.status, o.metrics ? JSON.stringify(o.metrics) : null, o.judgeInfo ? JSON.stringify(o.judgeInfo) : null, o.seconds ?? null, o.error ?? null, now, id);
  }

  addSamples(id: string, samples: readonly AttackSample[]): void {
    const insert = this.db.prepare('INSERT INTO attack_samples (attack_id, label, path, hash, kind) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => samples.forEach((s) => insert.run(id, s.label, s.path, s.hash, s.kind)))();
  }

  list(runId?: string): AttackSummary[] {
    const rows = runId
      ? (this.db.prepare('SELECT * FROM attacks WHERE run_id = ? ORDER BY created_at DESC').all(runId) as AttackRow[])
      : (this.db.prepare('SELECT * FROM attacks ORDER BY created_at DESC').all() as AttackRow[]);
    return rows.map(toSummary);
  }

  /** Every finished attack of `kind` on the run, newest first, each with its recorded request. */
  doneWithConfig(runId: string, kind: AttackKind): { summary: AttackSummary; config: unknown }[] {
    const rows = this.db.prepare("SELECT * FROM attacks WHERE run_id = ? AND kind = ? AND status = 'done' ORDER BY finished_at DESC, created_at DESC").all(runId, kind) as AttackRow[];
    return rows.map((r) => ({ summary: toSummary(r), config: JSON.parse(r.config) }));
  }

  private row(id: string): AttackRow {
    const row = this.db.prepare('SELECT * FROM attacks WHERE id = ?').get(id) as AttackRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No attack "${id}". List attacks with \`veil attack list\`.`);
    return row;
  }

  config(id: string): unknown {
    return JSON.parse(this.row(id).config);
  }

  detail(id: string): AttackDetail {
    const row = this.row(id);
    const samples = this.db.prepare('SELECT label, path, hash, kind FROM attack_samples WHERE attack_id = ? ORDER BY label, id').all(id) as AttackSample[];
    return {
      ...toSummary(row),
      config: JSON.parse(row.config),
      judgeInfo: row.judge_info ? (JSON.parse(row.judge_info) as JudgeInfo) : null,
      backend: row.backend,
      versions: JSON.parse(row.versions),
      error: row.error,
      samples,
    };
  }

  /** Attacks left `running` by a process that is gone: interrupted (resumable). */
  markInterrupted(isAlive: (pid: number) => boolean = processAlive): number {
    const rows = this.db.prepare("SELECT id, owner_pid FROM attacks WHERE status IN ('running', 'queued')").all() as { id: string; owner_pid: number | null }[];
    const dead = rows.filter((r) => r.owner_pid === null || !isAlive(r.owner_pid));
    const mark = this.db.prepare("UPDATE attacks SET status = 'interrupted', owner_pid = NULL WHERE id = ?");
    this.db.transaction(() => dead.forEach((r) => mark.run(r.id)))();
    return dead.length;
  }
}
