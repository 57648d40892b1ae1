/**
 * Handlers for `reports.*`: write an audit report (a job with progress events) and list those written.
 */
import { createReport, readReport } from '../../report/create.ts';
import { nameOf } from './job-label.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function reportHandlers(b: Backend): Pick<Handlers, 'reports.create' | 'reports.list' | 'reports.read'> {
  return {
    'reports.create': (req, ctx) =>
      b.jobs.run('report', `Writing the report${req.dataset ? ` on ${nameOf(b, 'dataset', req.dataset)}` : ''}`, (job) => createReport({ store: b.store, dataDir: b.dataDir, printPdf: b.printPdf }, req, job), ctx.signal),
    'reports.list': () => ({ reports: b.store.reports.list() }),
    'reports.read': (req) => readReport(b.store, req.reportId),
  };
}
