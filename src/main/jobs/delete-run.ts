/**
 * Deleting a run with everything it produced: its rows (metrics, checkpoints and attacks go by
 * cascade) and its folders, the run's checkpoints and each attack's reconstructed faces. All or
 * nothing across a crash: the folders move into one trash folder, then the rows go, then the trash;
 * at start-up a dead process's trash is moved back when its run still exists, else removed.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors.ts';
import { processAlive } from '../platform/process.ts';
import type { Store } from '../store/store.ts';
import type { JobRunner } from './job-runner.ts';

const TRASH = '.trash';

/** Where each folder of the run lives, and where it waits in the trash (`.trash/<run>-<pid>/...`). */
function moves(dataDir: string, trash: string, runId: string, attackIds: readonly string[]): { from: string; to: string }[] {
  return [{ from: join(dataDir, 'runs', runId), to: join(trash, 'run') }, ...attackIds.map((a) => ({ from: join(dataDir, 'attacks', a), to: join(trash, 'attacks', a) }))];
}

/** The key an export job holds on its run (`JobContext.hold`): the run is not deleted under it. */
export const runHold = (runId: string): string => `run:${runId}`;

/** Deletes a finished (or failed, cancelled, interrupted) run, its attacks and all their files; refuses while a job of `jobs` (an export) holds the run. */
export async function deleteRun(store: Store, dataDir: string, ref: string, jobs?: Pick<JobRunner, 'holder'>): Promise<string> {
  const run = store.runs.resolve(ref);
  if (run.status === 'running' || run.status === 'queued') throw new AppError('CONFLICT', `Run "${run.name}" is still ${run.status}. Cancel it first, then delete it.`);
  const attacks = store.attacks.list(run.id);
  const busy = attacks.find((a) => a.status === 'running' || a.status === 'queued');
  if (busy) throw new AppError('CONFLICT', `Attack ${busy.id} on run "${run.name}" is still ${busy.status}. Cancel the attack first (Cancel in the job bar, or stop its veil attack), then delete the run.`);
  const holder = jobs?.holder(runHold(run.id));
  if (holder) throw new AppError('CONFLICT', `A job still uses run "${run.name}" (${holder.label}). Wait for it to finish or cancel it (Cancel in the job bar), then delete the run.`);
  const trash = join(dataDir, TRASH, `${run.id}-${process.pid}`);
  mkdirSync(join(trash, 'attacks'), { recursive: true });
  const moved: { from: string; to: string }[] = [];
  try {
    for (const m of moves(dataDir, trash, run.id, attacks.map((a) => a.id))) {
      if (!existsSync(m.from)) continue;
      renameSync(m.from, m.to);
      moved.push(m);
    }
    store.runs.delete(run.id);
  } catch (err) {
    // a folder that cannot move (in use, no permission) or a busy database: what moved goes back, the run stays whole
    for (const m of moved.reverse()) renameSync(m.to, m.from);
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new AppError('IO', `Cannot delete run "${run.name}" (${code}: ${(err as Error).message}). Nothing was deleted; close what uses its files and try again.`);
  }
  await rm(trash, { recursive: true, force: true });
  return run.id;
}

/** Finishes or undoes the deletions a crash interrupted (start-up, before anything reads the folders). */
export function recoverDeletedRuns(store: Store, dataDir: string, alive: (pid: number) => boolean = processAlive): void {
  const root = join(dataDir, TRASH);
  if (!existsSync(root)) return;
  const runs = new Set(store.runs.list().map((r) => r.id));
  for (const name of readdirSync(root)) {
    const cut = name.lastIndexOf('-');
    const runId = name.slice(0, cut);
    if (alive(Number(name.slice(cut + 1)))) continue;
    const trash = join(root, name);
    if (runs.has(runId)) {
      const attackIds = existsSync(join(trash, 'attacks')) ? readdirSync(join(trash, 'attacks')) : [];
      for (const m of moves(dataDir, trash, runId, attackIds)) if (existsSync(m.to) && !existsSync(m.from)) renameSync(m.to, m.from);
    }
    rmSync(trash, { recursive: true, force: true });
  }
}
