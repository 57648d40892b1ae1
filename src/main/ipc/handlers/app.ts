/**
 * Handlers for `app.*` and `jobs.*`.
 */
import { versions } from '../../platform/versions.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

export function appHandlers(b: Backend): Pick<Handlers, 'app.info' | 'jobs.list' | 'jobs.cancel'> {
  return {
    'app.info': () => ({ versions: versions(), dataDir: b.dataDir, preferredBackend: null }),
    'jobs.list': () => ({ jobs: b.jobs.list() }),
    'jobs.cancel': (req) => ({ cancelled: b.jobs.cancel(req.jobId) }),
  };
}
