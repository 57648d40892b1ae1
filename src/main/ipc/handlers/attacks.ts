/**
 * Handlers for `attacks.*` (start and resume are jobs with progress events) and `compare.*`.
 */
import { attackResult, checkKey, checkKind, resumeAttack, startAttack } from '../../jobs/attack-job.ts';
import { compareDataset, compareRuns } from '../../jobs/compare.ts';
import { nameOf } from './job-label.ts';
import type { Handlers } from '../router.ts';
import type { Backend } from '../backend.ts';

type AttackMethods = 'attacks.start' | 'attacks.resume' | 'attacks.list' | 'attacks.show' | 'compare.runs' | 'compare.dataset';

export function attackHandlers(b: Backend): Pick<Handlers, AttackMethods> {
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };
  return {
    'attacks.start': (req, ctx) => (checkKind(req.kind), checkKey(req), b.jobs.run('attack', `Attack (${req.kind}) on ${nameOf(b, 'run', req.run)}`, (job) => startAttack(deps, req, job), ctx.signal)),
    'attacks.resume': (req, ctx) => b.jobs.run('attack', `Resuming attack ${req.attack}`, (job) => resumeAttack(deps, req.attack, job), ctx.signal),
    'attacks.list': (req) => ({ attacks: b.store.attacks.list(req.run ? b.store.runs.resolve(req.run).id : undefined) }),
    'attacks.show': (req) => {
      const a = b.store.attacks.detail(req.attack);
      return { ...a, referenceAttackId: a.status === 'done' && a.metrics ? (attackResult(b.store, a.id).reference?.attackId ?? null) : null };
    },
    'compare.runs': (req) => compareRuns(b.store, req.runs),
    'compare.dataset': (req) => compareDataset(b.store, req.dataset),
  };
}
