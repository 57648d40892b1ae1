/**
 * Atomic file and folder writes: data goes to a temporary sibling, is flushed, then renamed over
 * the target, so readers see the old content or the new, never half of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempSibling(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

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

/** A temporary folder next to `target`; `commit()` renames it into place, `discard()` removes it. */
export async function stageDirectory(target: string): Promise<{ path: string; commit(): Promise<void>; discard(): Promise<void> }> {
  await mkdir(dirname(target), { recursive: true });
  const path = tempSibling(target);
  await mkdir(path);
  return {
    path,
    commit: async () => {
      await rm(target, { recursive: true, force: true });
      await rename(path, target);
    },
    discard: () => rm(path, { recursive: true, force: true }),
  };
}
