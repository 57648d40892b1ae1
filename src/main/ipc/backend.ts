/**
 * The composition root of the headless backend: data directory, store, event bus, jobs and the
 * router over all handlers. The CLI, `veil serve` and the Electron shell each open one.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../shared/contract/errors.ts';
import { EventBus } from '../jobs/event-bus.ts';
import { recoverCommittedFolders } from '../jobs/recover-folders.ts';
import { recoverDeletedRuns } from '../jobs/delete-run.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { LabEngine } from '../jobs/lab-engine.ts';
import { processAlive } from '../platform/process.ts';
import { chromiumPrinter, type PdfPrinter } from '../report/pdf.ts';
import { openStore, type Store } from '../store/store.ts';
import { appHandlers } from './handlers/app.ts';
import { attackHandlers } from './handlers/attacks.ts';
import { attackSampleHandlers } from './handlers/attack-samples.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { exportHandlers } from './handlers/exports.ts';
import { fileHandlers, type Opener } from './handlers/files.ts';
import { labHandlers } from './handlers/lab.ts';
import { reportHandlers } from './handlers/reports.ts';
import { runHandlers } from './handlers/runs.ts';
import { Router } from './router.ts';

export interface Backend {
  dataDir: string;
  store: Store;
  bus: EventBus;
  jobs: JobRunner;
  /** the Defence Lab's long-lived engine worker (started on first use) */
  lab: LabEngine;
  router: Router;
  /** prints a report page to PDF (headless Chromium by default; the Electron shell may pass printToPDF) */
  printPdf: PdfPrinter;
  /** shows a checked report or export folder (`files.open`): set by the Electron shell or `veil serve`; null: the path is shown */
  opener: Opener | null;
  close(): void;
}

/** The data folder's store; a folder or database the studio cannot open is an IO error that says what to do (not an unexpected one). */
function openDataDir(dataDir: string): Store {
  try {
    mkdirSync(dataDir, { recursive: true });
    return openStore(join(dataDir, 'veil.sqlite'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!code || err instanceof AppError) throw err;
    throw new AppError('IO', `Cannot open the data folder ${dataDir} (${code}: ${(err as Error).message}). Point --data-dir (or VEIL_HOME) at a folder you can write to.`);
  }
}

/** The data folders this process has opened (see `ownerAlive`). */
const openedHere = new Set<string>();

/**
 * Whether the process that marked a run, an attack, a deletion or a staging folder as its own still runs. At a
 * folder's first opening nothing in it can be this process's yet, so our own pid there is a dead
 * process's that had the same pid (pids are reused: every start of a container is pid 1 again);
 * counted alive, its runs would stay 'running' for ever (no resume, no delete).
 */
function ownerAlive(dataDir: string): (pid: number) => boolean {
  const key = resolve(dataDir);
  const first = !openedHere.has(key);
  openedHere.add(key);
  return first ? (pid) => pid !== process.pid && processAlive(pid) : processAlive;
}

export function openBackend({ dataDir, printPdf, opener }: { dataDir: string; printPdf?: PdfPrinter; opener?: Opener }): Backend {
  const store = openDataDir(dataDir);
  const alive = ownerAlive(dataDir);
  store.runs.markInterrupted(alive);
  store.attacks.markInterrupted(alive);
  recoverCommittedFolders(store, alive);
  recoverDeletedRuns(store, dataDir, alive);
  const bus = new EventBus();
  const lab = new LabEngine();
  const backend: Backend = {
    dataDir,
    store,
    bus,
    jobs: new JobRunner(bus),
    lab,
    router: null as unknown as Router,
    printPdf: printPdf ?? chromiumPrinter(),
    opener: opener ?? null,
    close: () => {
      lab.close();
      store.close();
    },
  };
  backend.router = new Router({
    ...appHandlers(backend),
    ...datasetHandlers(backend),
    ...runHandlers(backend),
    ...exportHandlers(backend),
    ...attackHandlers(backend),
    ...reportHandlers(backend),
    ...labHandlers(backend),
    ...attackSampleHandlers(backend),
    ...fileHandlers(backend),
  });
  return backend;
}
