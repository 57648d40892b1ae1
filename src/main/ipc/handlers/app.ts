/**
 * Handlers for `app.*`, `jobs.*` and `runs.*` (run listing; training joins with the engine).
 */
import { versions } from '../../platform/versions.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function appHandlers(b: Backend): Pick<Handlers, 'app.info' | 'jobs.list' | 'jobs.cancel' | 'runs.list'> {
  return {
    'app.info': () => ({ versions: versions(), dataDir: b.dataDir, preferredBackend: null }),
    'jobs.list': () => ({ jobs: b.jobs.list() }),
    'jobs.cancel': (req) => ({ cancelled: b.jobs.cancel(req.jobId) }),
    'runs.list': () => ({ runs: b.store.runs.list() }),
  };
}
