/**
 * Paths of the real datasets in `../shared/datasets` (beside the checkout; never needed by the
 * product). A missing folder fails the test with what to do, rather than skipping it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function sharedDataset(name: 'orl_faces' | 'lfw_deepfunneled_158x10'): string {
  const dir = fileURLToPath(new URL(`../../../shared/datasets/${name}`, import.meta.url));
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the real-data tests read ../shared/datasets beside the checkout.`);
  return dir;
}
