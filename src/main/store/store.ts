/**
 * The store facade: one connection and its repositories. Used by the backend off the UI path
 * (the Electron renderer never touches it; queries are short and indexed).
 */
import { openDatabase, type Db } from './database.ts';
import { AttacksRepo } from './repos/attacks-repo.ts';
import { DatasetsRepo } from './repos/datasets-repo.ts';
import { ReportsRepo } from './repos/reports-repo.ts';
import { RunsRepo } from './repos/runs-repo.ts';

export interface Store {
  db: Db;
  datasets: DatasetsRepo;
  runs: RunsRepo;
  reports: ReportsRepo;
  attacks: AttacksRepo;
  close(): void;
}

export function openStore(file: string): Store {
  const db = openDatabase({ file });
  return {
    db,
    datasets: new DatasetsRepo(db),
    runs: new RunsRepo(db),
    reports: new ReportsRepo(db),
    attacks: new AttacksRepo(db),
    close: () => db.close(),
  };
}
