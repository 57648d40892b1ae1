/**
 * Paths of the real datasets in `../shared/datasets` (beside the checkout; never needed by the
 * product). CI always has them, and there a missing folder fails the tests. On a machine without
 * them (a newcomer's clone), the real-data tests are skipped with this reason printed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type SharedDatasetName = 'orl_faces' | 'lfw_deepfunneled_158x10';

export function sharedDatasetPath(name: SharedDatasetName): string {
  return fileURLToPath(new URL(`../../../shared/datasets/${name}`, import.meta.url));
}

/** True when the real-data tests should run: the data is there, or this is CI (where it must be). */
export function realDataAvailable(names: SharedDatasetName[]): boolean {
  const missing = names.filter((n) => !existsSync(sharedDatasetPath(n)));
  if (missing.length && !process.env.CI) {
    console.warn(`Skipping real-data tests: ${missing.map(sharedDatasetPath).join(', ')} not found (CI always has them).`);
    return false;
  }
  return true;
}

export function sharedDataset(name: SharedDatasetName): string {
  const dir = sharedDatasetPath(name);
  if (!existsSync(dir)) throw new Error(`${dir} is missing: the real-data tests read ../shared/datasets beside the checkout.`);
  return dir;
}
