/**
 * The engine worker's `attack` request: selects the backend, dispatches to the attack of the
 * requested kind (registry.ts) and reports `attack-started`, `attack-progress` and one
 * `attack-done` (done or cancelled) through the worker protocol.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { versions } from '../../platform/versions.ts';
import { selectBackend } from '../backend/select-backend.ts';
import type { FromWorker } from '../protocol.ts';
import { ENGINE_ATTACKS } from './registry.ts';
import type { AttackRequest } from './types.ts';

export async function runAttack(req: AttackRequest, post: (msg: FromWorker) => void, cancelled: () => boolean): Promise<void> {
  const started = performance.now();
  const attack = ENGINE_ATTACKS[req.kind];
  if (!attack) throw new AppError('UNSUPPORTED', `The engine has no ${req.kind} attack in this version.`);
  const backend = await selectBackend(req.backend ?? undefined);
  post({ type: 'attack-started', backend, versions: versions() });
  const output = await attack(req, { progress: (phase, done, total) => post({ type: 'attack-progress', phase, done, total }), shouldStop: cancelled });
  post({ type: 'attack-done', output, seconds: (performance.now() - started) / 1000 });
}
