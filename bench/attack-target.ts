/**
 * What the attack benches (gan-attack.ts, whitebox-students.ts) open first: a trained run's model
 * from a data directory and the public faces an attacker would use (the run's own public identities,
 * or every image of `--public D`), read from the pixel cache at the target's geometry.
 */
import { join } from 'node:path';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { loadFaceModel } from '../src/main/engine/attacks/whitebox/target.ts';
import { openStore } from '../src/main/store/store.ts';

export async function openBenchTarget(dataDir: string, runRef: string, publicRef: string | undefined) {
  const store = openStore(join(dataDir, 'veil.sqlite'));
  try {
    const run = store.runs.resolve(runRef);
    const ck = store.runs.checkpoint(run.id)!;
    const model = await loadFaceModel(ck.path.startsWith('/') ? ck.path : join(dataDir, ck.path));
    const { size, channels, classes } = model.config.input;
    const pubDs = store.datasets.resolve(publicRef ?? run.datasetId);
    const rows = store.datasets.images(pubDs.id).filter((r) => publicRef || r.split === 'public');
    if (pubDs.size !== size || pubDs.channels !== channels) throw new Error(`public dataset ${pubDs.name} is ${pubDs.size}x${pubDs.channels}, the target ${size}x${channels}`);
    const cache = await readPixelCache(join(dataDir, pubDs.cacheFile), { count: pubDs.images, size, channels });
    return { run, model, size, channels, classes, pubDs, rows, cache, per: size * size * channels };
  } finally {
    store.close();
  }
}
