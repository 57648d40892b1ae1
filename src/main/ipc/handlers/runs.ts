/**
 * Handlers for `runs.*`: list, show, train (a job with progress events), resume, tags and notes,
 * delete.
 */
import { deleteRun } from '../../jobs/delete-run.ts';
import { resumeTraining, startTraining } from '../../jobs/train-job.ts';
import { nameOf } from './job-label.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

type RunHandlers = Pick<Handlers, 'runs.list' | 'runs.show' | 'runs.train' | 'runs.resume' | 'runs.update' | 'runs.delete'>;

export function runHandlers(b: Backend): RunHandlers {
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };
  return {
    'runs.list': () => ({ runs: b.store.runs.list() }),
    'runs.show': (req) => b.store.runs.detail(req.run),
    'runs.train': (req, ctx) => b.jobs.run('train', `Training ${req.defense} on ${nameOf(b, 'dataset', req.dataset)}`, (job) => startTraining(deps, req, job), ctx.signal),
    'runs.resume': (req, ctx) => b.jobs.run('train', `Resuming ${nameOf(b, 'run', req.run)}`, (job) => resumeTraining(deps, req.run, job), ctx.signal),
    'runs.update': (req) => {
      const run = b.store.runs.resolve(req.run);
      b.store.runs.update(run.id, { tags: req.tags, notes: req.notes });
      b.bus.emit('runs.changed', { runId: run.id });
      return b.store.runs.detail(run.id);
    },
    'runs.delete': async (req) => {
      const id = await deleteRun(b.store, b.dataDir, req.run, b.jobs);
      b.bus.emit('runs.changed', { runId: id });
      return { deleted: id };
    },
  };
}
