/**
 * Run queries: create and update runs, record per-epoch metrics, the latest checkpoint and masked
 * exports, list and show runs, and mark runs whose worker died as `interrupted` at start-up.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import type { BackendName, Defense, MetricSeries, RunAccuracy, RunDetail, RunStatus, RunSummary } from '../../../shared/domain/run.ts';
import { processAlive } from '../../platform/process.ts';
import type { Db } from '../database.ts';

interface RunRow {
  id: string;
  name: string;
  dataset_id: string;
  defense: Defense;
  status: RunStatus;
  seed: number;
  backend: BackendName | null;
  config: string;
  versions: string;
  result: string | null;
  error: string | null;
  notes: string;
  created_at: string;
  finished_at: string | null;
  tags: string;
}

/** A run as the jobs use it: its summary and its config (the request, then the frozen config). */
export interface RunRecord extends RunSummary {
  config: unknown;
}

export interface NewRun {
  id: string;
  name: string;
  datasetId: string;
  defense: Defense;
  seed: number;
  /** the request the run was started from, until the worker reports the frozen config */
  config: unknown;
}

/** A masked training-set export written from a run (DESIGN.md section 8). */
export interface NewExport {
  id: string;
  runId: string;
  datasetId: string;
  path: string;
  format: string;
  samples: number;
  manifestHash: string;
  createdAt: string;
}

function toSummary(r: RunRow): RunSummary {
  const result = r.result ? (JSON.parse(r.result) as { accuracy?: RunAccuracy }) : null;
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    defense: r.defense,
    status: r.status,
    seed: r.seed,
    backend: r.backend,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    tags: JSON.parse(r.tags) as string[],
    accuracy: result?.accuracy ?? null,
  };
}

export class RunsRepo {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  create(run: NewRun, now = new Date().toISOString()): void {
    this.db
      .prepare(
        `INSERT INTO runs (id, name, dataset_id, defense, status, config, seed, created_at, started_at, owner_pid)
         VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
      )
      .run(run.id, run.name, run.datasetId, run.defense, JSON.stringify(run.config), run.seed, now, now, process.pid);
  }

  nameExists(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM runs WHERE name = ?').get(name) !== undefined;
  }

  started(id: string, config: unknown, backend: BackendName, versions: unknown): void {
    this.db
      .prepare("UPDATE runs SET config = ?, backend = ?, versions = ?, status = 'running', error = NULL, finished_at = NULL, owner_pid = ? WHERE id = ?")
      .run(JSON.stringify(config), backend, JSON.stringify(versions), process.pid, id);
  }

  finish(id: string, status: RunStatus, result: unknown, error: string | null = null, now = new Date().toISOString()): void {
    this.db
      .prepare('UPDATE runs SET status = ?, result = COALESCE(?, result), error = ?, finished_at = ?, owner_pid = NULL WHERE id = ?')
      .run(status, result === null ? null : JSON.stringify(result), error, now, id);
  }

  addMetrics(id: string, epoch: number, step: number, values: Record<string, number>): void {
    const insert = this.db.prepare('INSERT INTO run_metrics (run_id, step, epoch, name, value) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const [name, value] of Object.entries(values)) if (Number.isFinite(value)) insert.run(id, step, epoch, name, value);
    })();
  }

  /** Records the run's latest checkpoint (one folder, replaced atomically on every save). */
  setCheckpoint(id: string, epoch: number, step: number, path: string, hash: string, now = new Date().toISOString()): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM checkpoints WHERE run_id = ?').run(id);
      this.db.prepare('INSERT INTO checkpoints (run_id, epoch, step, path, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(id, epoch, step, path, hash, now);
    })();
  }

  addExport(e: NewExport): void {
    this.db
      .prepare('INSERT INTO exports (id, run_id, dataset_id, path, format, samples, manifest_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.id, e.runId, e.datasetId, e.path, e.format, e.samples, e.manifestHash, e.createdAt);
  }

  /** Every export, newest first, with its run's name (null once the run is deleted). */
  exports(): { id: string; runId: string | null; runName: string | null; path: string; format: 'imagefolder' | 'tensor'; samples: number; createdAt: string }[] {
    return this.db
      .prepare(
        `SELECT e.id, e.run_id AS runId, r.name AS runName, e.path, e.format, e.samples, e.created_at AS createdAt
         FROM exports e LEFT JOIN runs r ON r.id = e.run_id ORDER BY e.created_at DESC`,
      )
      .all() as ReturnType<RunsRepo['exports']>;
  }

  checkpoint(id: string): { epoch: number; step: number; path: string } | null {
    return (this.db.prepare('SELECT epoch, step, path FROM checkpoints WHERE run_id = ? ORDER BY id DESC LIMIT 1').get(id) as { epoch: number; step: number; path: string } | undefined) ?? null;
  }

  list(): RunSummary[] {
    return (this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC').all() as RunRow[]).map(toSummary);
  }

  /** The run with this id or name (the newest of that name). */
  resolve(ref: string): RunRecord {
    const row = this.row(ref);
    return { ...toSummary(row), config: JSON.parse(row.config) };
  }

  /** The finished run's stored result (the train response: accuracy, epochs, policy, epsilon), or null. */
  result(ref: string): unknown {
    const raw = this.row(ref).result;
    return raw ? JSON.parse(raw) : null;
  }

  private row(ref: string): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ? OR name = ? ORDER BY created_at DESC LIMIT 1').get(ref, ref) as RunRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No run "${ref}". List runs with \`veil runs list\`.`);
    return row;
  }

  detail(ref: string): RunDetail {
    const row = this.row(ref);
    const points = this.db.prepare('SELECT name, epoch, step, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(row.id) as {
      name: string;
      epoch: number;
      step: number;
      value: number;
    }[];
    const series = new Map<string, MetricSeries>();
    for (const p of points) {
      const s = series.get(p.name) ?? { name: p.name, points: [] };
      s.points.push({ epoch: p.epoch, step: p.step, value: p.value });
      series.set(p.name, s);
    }
    return {
      ...toSummary(row),
      config: JSON.parse(row.config),
      versions: JSON.parse(row.versions),
      error: row.error,
      notes: row.notes,
      metrics: [...series.values()],
      checkpointEpoch: this.checkpoint(row.id)?.epoch ?? null,
    };
  }

  /** Saves a run's tags and/or notes (an omitted field stays as it is). */
  update(id: string, change: { tags?: string[]; notes?: string }): void {
    if (change.tags) this.db.prepare('UPDATE runs SET tags = ? WHERE id = ?').run(JSON.stringify([...new Set(change.tags)]), id);
    if (change.notes !== undefined) this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(change.notes, id);
  }

  /** Deletes a run with its metrics, checkpoints and attacks (its exports stay, without the link). */
  delete(id: string): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  }

  /** Folders the studio commits atomically and no live run is writing: checkpoints of idle runs, exports. */
  committedFolders(): string[] {
    const rows = this.db
      .prepare("SELECT c.path FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE r.status NOT IN ('running', 'queued') UNION SELECT path FROM exports")
      .all() as { path: string }[];
    return rows.map((r) => r.path);
  }

  /**
   * A run still `running` or `queued` whose owning process is gone had its worker die: mark it
   * interrupted (resumable). Runs owned by a live process (another CLI, `veil serve`) are left alone.
   */
  markInterrupted(isAlive: (pid: number) => boolean = processAlive): number {
    const rows = this.db.prepare("SELECT id, owner_pid FROM runs WHERE status IN ('running', 'queued')").all() as { id: string; owner_pid: number | null }[];
    const dead = rows.filter((r) => r.owner_pid === null || !isAlive(r.owner_pid));
    const mark = this.db.prepare("UPDATE runs SET status = 'interrupted', owner_pid = NULL WHERE id = ?");
    this.db.transaction(() => dead.forEach((r) => mark.run(r.id)))();
    return dead.length;
  }
}
