/**
 * What a run's channel selection gives away: `node bench/channel-selection.ts --runs RUN1,RUN2
 * [--home .bench-defences]`. For each trained run (e.g. `ppfr-fd` with `--channel-selection energy`
 * and `learned`) it visualises every private training face through the run's front end (the
 * export's `applyDefence`, no mixing) and prints S1 = 1 - mean SSIM(visualised masked face,
 * original) (DESIGN.md 6; higher = less given away) beside the kept channels. Prints numbers only.
 */
import * as tf from '@tensorflow/tfjs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readPixelCache } from '../src/main/data/cache/pixel-cache.ts';
import { selectBackend } from '../src/main/engine/backend/select-backend.ts';
import { applyDefence } from '../src/main/engine/defence/apply.ts';
import { imageAt, ssim } from '../src/main/engine/metrics/image-metrics.ts';
import { loadCheckpoint } from '../src/main/engine/train/checkpoint.ts';
import { batchTensor } from '../src/main/engine/train/data.ts';
import { orlSplit } from './orl-split.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: o } = parseArgs({ options: { home: { type: 'string', default: join(root, '.bench-defences') }, runs: { type: 'string' } } });
if (!o.runs) throw new Error('give --runs RUN1,RUN2 (run ids of the bench data folder)');
const home = resolve(o.home!);
await selectBackend();
const { data: split, cacheFile, count } = orlSplit(home);
const data = { ...split, pixels: await readPixelCache(cacheFile, { count, size: split.size, channels: split.channels }) };
const rows = data.train.map((t) => t.row);

for (const runId of o.runs.split(',')) {
  const ck = await loadCheckpoint(join(home, 'runs', runId, 'checkpoint'));
  const { config, frontEnd } = ck.manifest;
  const pixels = batchTensor(data, rows);
  const applied = applyDefence({ config: { ...config, defence: { ...config.defence, mixing: null } }, frontEnd, policy: null, confidence: 1 }, pixels, data.train.map((t) => t.label), { seed: 1 });
  const [orig, vis] = [await pixels.data(), await applied.images.data()];
  tf.dispose([pixels, applied.samples, applied.images]);
  let total = 0;
  for (let i = 0; i < rows.length; i++) total += ssim(imageAt(vis, i, data.size, data.channels), imageAt(orig, i, data.size, data.channels));
  const kept = frontEnd ? [...frontEnd.kept].sort((a, b) => a - b).join(' ') : 'pixels';
  console.log(`${runId} (${config.defense}, ${config.defence.channelSelection}): S1 = ${(1 - total / rows.length).toFixed(3)} over ${rows.length} training faces; kept channels ${kept}`);
}
