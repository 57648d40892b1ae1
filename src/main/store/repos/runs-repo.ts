/**
 * Run queries: list runs, and mark runs whose worker died as `interrupted` at start-up.
 * Training-specific writes (metrics, checkpoints) join this repo with the engine issue.
 */
import type { BackendName, Defense, RunStatus, RunSummary } from '../../../shared/domain/run.ts';
import type { Db } from '../database.ts';

interface RunRow {
  id: string;
  name: string;
  dataset_id: string;
  defense: Defense;
  status: RunStatus;
  seed: number;
  backend: BackendName | null;
  created_at: string;
  finished_at: string | null;
  tags: string;
}

function toSummary(r: RunRow): RunSummary {
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
  };
}

export class RunsRepo {
  private readonly db: Db;
  constructor(db: Db) {
    this.db = db;
  }

  list(): RunSummary[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC').all() as RunRow[];
    return rows.map(toSummary);
  }

  /** A run still `running` or `queued` when the studio starts had its worker die: mark it resumable. */
  markInterrupted(): number {
    return this.db.prepare("UPDATE runs SET status = 'interrupted' WHERE status IN ('running', 'queued')").run().changes;
  }
}
