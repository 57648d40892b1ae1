/**
 * Handlers for `exports.*`: the masked training-set export, as a job with progress events.
 */
import { exportMaskedSet } from '../../jobs/export-job.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function exportHandlers(b: Backend): Pick<Handlers, 'exports.create'> {
  return {
    'exports.create': (req, ctx) => b.jobs.run('export', `Exporting ${req.run}`, (job) => exportMaskedSet({ store: b.store, dataDir: b.dataDir }, req, job), ctx.signal),
  };
}
