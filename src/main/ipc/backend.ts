/**
 * The composition root of the headless backend: data directory, store, event bus, jobs and the
 * router over all handlers. The CLI, `veil serve` and the Electron shell each open one.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../jobs/event-bus.ts';
import { JobRunner } from '../jobs/job-runner.ts';
import { LabEngine } from '../jobs/lab-engine.ts';
import { openStore, type Store } from '../store/store.ts';
import { appHandlers } from './handlers/app.ts';
import { datasetHandlers } from './handlers/datasets.ts';
import { exportHandlers } from './handlers/exports.ts';
import { labHandlers } from './handlers/lab.ts';
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
  close(): void;
}

export function openBackend({ dataDir }: { dataDir: string }): Backend {
  mkdirSync(dataDir, { recursive: true });
  const store = openStore(join(dataDir, 'veil.sqlite'));
  store.runs.markInterrupted();
  const bus = new EventBus();
  const lab = new LabEngine();
  const backend: Backend = {
    dataDir,
    store,
    bus,
    jobs: new JobRunner(bus),
    lab,
    router: null as unknown as Router,
    close: () => {
      lab.close();
      store.close();
    },
  };
  backend.router = new Router({ ...appHandlers(backend), ...datasetHandlers(backend), ...runHandlers(backend), ...exportHandlers(backend), ...labHandlers(backend) });
  return backend;
}
