/**
 * Handlers for `runs.*`: list, show, train (a job with progress events), resume.
 */
import { resumeTraining, startTraining } from '../../jobs/train-job.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function runHandlers(b: Backend): Pick<Handlers, 'runs.list' | 'runs.show' | 'runs.train' | 'runs.resume'> {
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };
  return {
    'runs.list': () => ({ runs: b.store.runs.list() }),
    'runs.show': (req) => b.store.runs.detail(req.run),
    'runs.train': (req, ctx) => b.jobs.run('train', `Training ${req.defense} on ${req.dataset}`, (job) => startTraining(deps, req, job), ctx.signal),
    'runs.resume': (req, ctx) => b.jobs.run('train', `Resuming ${req.run}`, (job) => resumeTraining(deps, req.run, job), ctx.signal),
  };
}
