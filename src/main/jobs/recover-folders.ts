/**
 * Start-up recovery of folder commits (checkpoints, exports) that a crash interrupted: each folder
 * the store knows gets back whichever complete version exists (see `recoverDirectory`).
 */
import { recoverDirectory } from '../data/fs/atomic.ts';
import type { Store } from '../store/store.ts';

/** `alive`: which pids still run (see `recoverDirectory`); their staging folders are kept. */
export function recoverCommittedFolders(store: Store, alive?: (pid: number) => boolean): number {
  const folders = store.runs.committedFolders();
  for (const folder of folders) recoverDirectory(folder, alive);
  return folders.length;
}
