/**
 * Atomic file and folder writes. Files: a temporary sibling, flushed, renamed over the target.
 * Folders: staged beside the target, flushed, then committed in three steps (target renamed aside
 * to `.<name>.previous`, the stage renamed in, the previous version deleted), so a crash at any
 * point leaves one complete version; `recoverDirectory` puts back whichever complete version exists.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../../platform/process.ts';

function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Where a folder commit keeps the previous version until the new one is in place. */
export function previousSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.previous`);
}

/** The steps of a folder commit, in order, for the fault hook. */
export type CommitStep = 'aside' | 'in' | 'delete';

/**
 * Test hook: called before each step of every folder commit; throwing from it stops the commit
 * there and leaves the disk as a crash at that point would (nothing is rolled back).
 */
export const commitFaults: { before: ((step: CommitStep, target: string) => void) | null } = { before: null };

/** Writes `data` to `target` atomically (temp file, fsync, rename). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, target);
}

/**
 * Recovers `target` after an interrupted folder commit: when only the previous version exists
 * (the crash came between "aside" and "in") it is renamed back; when both exist (between "in"
 * and "delete") the previous one is deleted. Staging folders of dead processes are removed;
 * `alive` says which pids still run (at a data folder's first opening the caller counts its own
 * pid dead: what it finds there was left by an earlier process with the same pid). Synchronous: it
 * runs at start-up, before anything reads the folder.
 */
export function recoverDirectory(target: string, alive: (pid: number) => boolean = processAlive): void {
  const previous = previousSibling(target);
  if (existsSync(previous)) {
    if (existsSync(target)) rmSync(previous, { recursive: true, force: true });
    else renameSync(previous, target);
  }
  const prefix = `.${basename(target)}.tmp-`;
  const parent = dirname(target);
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!alive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Flushes every file under `dir` to disk (so a renamed-in folder never holds unwritten data). */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) {
      const handle = await open(path, 'r');
      await handle.sync().finally(() => handle.close());
    }
  }
}

/** Renames `stage` into place as `target`, keeping the previous version until the new one is in. */
async function commitDirectory(stage: string, target: string): Promise<void> {
  await syncTree(stage);
  recoverDirectory(target);
  const previous = previousSibling(target);
  const hadTarget = await stat(target).then(() => true, () => false);
  commitFaults.before?.('aside', target);
  if (hadTarget) await rename(target, previous);
  commitFaults.before?.('in', target);
  await rename(stage, target);
  commitFaults.before?.('delete', target);
  if (hadTarget) await rm(previous, { recursive: true, force: true });
}

/** A temporary folder next to `target`; `commit()` moves it into place, `discard()` removes it. */
export async function stageDirectory(target: string): Promise<{ path: string; commit(): Promise<void>; discard(): Promise<void> }> {
  await mkdir(dirname(target), { recursive: true });
  const path = tempSibling(target);
  await mkdir(path);
  return {
    path,
    commit: () => commitDirectory(path, target),
    discard: () => rm(path, { recursive: true, force: true }),
  };
}
