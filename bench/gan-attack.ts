/**
 * GAN attack benchmark: `node bench/gan-attack.ts --data-dir DIR --run R [--public D] [--profile standard]
 * [--out DIR] [--skip-blackbox]` trains (or reuses) the GAN prior on the public images, runs the
 * white-box GMI and black-box attacks on the run's model, writes sample grids as PNG and prints
 * timings, peak memory and the target's own top-1 on the candidates (the judge scores in the job).
 * The white-box attack runs against the target and its distilled students, on the preset's threads, as the attack does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { invertBlackbox } from '../src/main/engine/attacks/blackbox/plg.ts';
import { queryTarget } from '../src/main/engine/attacks/blackbox/query-target.ts';
import { gridPng, tileImages } from '../src/main/engine/attacks/gan/grid.ts';
import { toGanImages } from '../src/main/engine/attacks/gan/nets.ts';
import { loadPrior, readPriorManifest, savePrior } from '../src/main/engine/attacks/gan/prior-file.ts';
import { ATTACK_PRESETS, priorConfig } from '../src/main/engine/attacks/gan/profiles.ts';
import { createGanTraining, sampleGan, trainGan } from '../src/main/engine/attacks/gan/train-gan.ts';
import { disposeStudents } from '../src/main/engine/attacks/whitebox/distil.ts';
import { invertWhitebox, type Candidates } from '../src/main/engine/attacks/whitebox/gmi.ts';
import { WhiteboxHelper } from '../src/main/engine/attacks/whitebox/helper.ts';
import { augmentedTarget } from '../src/main/engine/attacks/whitebox/run.ts';
import { whiteboxTarget } from '../src/main/engine/attacks/whitebox/target.ts';
import { selectBackend, tf } from '../src/main/engine/backend/select-backend.ts';
import type { Profile } from '../src/main/engine/train/config.ts';
import { openBenchTarget } from './attack-target.ts';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    run: { type: 'string' },
    public: { type: 'string' },
    profile: { type: 'string', default: 'standard' },
    out: { type: 'string', default: 'bench-out' },
    'skip-blackbox': { type: 'boolean' },
    'skip-whitebox': { type: 'boolean' },
    'prior-only': { type: 'boolean' },
    targets: { type: 'string' },
  },
});
const dataDir = resolve(values['data-dir'] ?? process.env.VEIL_HOME ?? '.');
const profile = values.profile as Profile;
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
let peakRss = process.memoryUsage().rss;
setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200).unref();
const backend = await selectBackend();
// the target and the public pixels at its geometry
const { run, model, size, channels, classes, pubDs, rows: pubRows, cache, per } = await openBenchTarget(dataDir, values.run!, values.public);
const pub = new Float32Array(pubRows.length * per);
pubRows.forEach((r, i) => pub.set(cache.subarray(r.cacheIndex * per, (r.cacheIndex + 1) * per), i * per));
console.error(`target ${run.name} (${classes} classes, ${size}x${channels}); public ${pubDs.name}: ${pubRows.length} images; backend ${backend}`);

async function saveGrid(name: string, pixels: Float32Array, n: number, s: number, cols: number): Promise<void> {
  writeFileSync(join(out, name), await gridPng(tileImages(pixels, n, s, channels, cols)));
}

// the prior (cached in out/prior-<source>)
const priorDir = join(out, `prior-${pubDs.name}-${profile}`);
const cfg = priorConfig(profile, channels, 1);
const t0 = performance.now();
let training;
try {
  const m = await readPriorManifest(priorDir);
  training = (await loadPrior(priorDir)).training;
  console.error(`prior: loaded at step ${m.step}`);
} catch {
  training = createGanTraining(cfg);
}
const images = tf.tidy(() => toGanImages(tf.tensor4d(pub, [pubRows.length, size, size, channels])));
let last = performance.now();
await trainGan(training, cfg, { images }, {
  every: 50,
  onProgress: async (p) => {
    const now = performance.now();
    console.error(`prior step ${p.step}/${p.steps} d ${p.dLoss.toFixed(3)} g ${p.gLoss.toFixed(3)} D(real) ${p.dReal.toFixed(2)} D(fake) ${p.dFake.toFixed(2)} ${((now - last) / 50).toFixed(0)} ms/step`);
    last = now;
    if (p.step % 250 === 0) await savePrior(priorDir, training, cfg);
  },
});
await savePrior(priorDir, training, cfg);
images.dispose();
const priorSeconds = (performance.now() - t0) / 1000;
const samples = tf.tidy(() => sampleGan(training.params, cfg.gan, 32, 9).add(1).mul(127.5));
await saveGrid(`prior-samples-${pubDs.name}.png`, (await samples.data()) as Float32Array, 32, 64, 8);
samples.dispose();

if (values['prior-only']) {
  console.log(JSON.stringify({ prior: priorDir, public: pubDs.name, profile, backend, priorSeconds: +priorSeconds.toFixed(1), steps: cfg.steps, peakRssMB: Math.round(peakRss / 2 ** 20) }));
  process.exit(0);
}
const ids = Array.from({ length: Number(values.targets ?? classes) }, (_, i) => i);
async function summarise(kind: string, cands: Candidates[], seconds: number, extra: Record<string, unknown> = {}): Promise<void> {
  const q = queryTarget(model);
  let top1 = 0;
  for (const c of cands) {
    const probs = await q.query(c.pixels.subarray(0, per), 1);
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[k] > probs[best]) best = k;
    if (best === c.identity) top1++;
  }
  const grid = new Float32Array(cands.length * per);
  cands.forEach((c, i) => grid.set(c.pixels.subarray(0, per), i * per));
  await saveGrid(`${kind}-${pubDs.name}.png`, grid, cands.length, size, 10);
  console.log(JSON.stringify({ kind, public: pubDs.name, profile, backend, priorSeconds: +priorSeconds.toFixed(1), seconds: +seconds.toFixed(1), targetTop1: top1 / cands.length, meanConfidence: cands.reduce((s, c) => s + c.confidence[0], 0) / cands.length, peakRssMB: Math.round(peakRss / 2 ** 20), ...extra }));
}

if (!values['skip-whitebox']) {
  const t1 = performance.now();
  // as the attack does (whitebox/run.ts): the preset's threads (a helper thread with 2), then the
  // model augmentation (LOMMA): students distilled from the target on the public faces
  const distil = { ...ATTACK_PRESETS[profile].distil, seed: 1 };
  const wbCfg = { ...ATTACK_PRESETS[profile].whitebox, seed: 1 };
  const faces = { pixels: Uint8Array.from(pub), count: pubRows.length, size, channels };
  const prior = { params: training.params, gan: cfg.gan };
  const helper = (wbCfg.threads ?? 1) > 1 ? await WhiteboxHelper.start(model, faces, prior) : null;
  const quiet = { progress: () => undefined, shouldStop: () => false };
  const aug = (await augmentedTarget(distil, whiteboxTarget(model), faces, quiet, helper))!;
  if (helper && aug.students.length > 0) await helper.useStudents(distil, aug.students);
  const studentSeconds = (performance.now() - t1) / 1000;
  const wb = await invertWhitebox(prior, aug.target, ids, wbCfg, {
    onProgress: (d, n) => void (d % 25 === 0 && console.error(`whitebox ${d}/${n}`)),
    helper: helper ?? undefined,
  });
  await helper?.close();
  disposeStudents(aug.students);
  await summarise('whitebox', wb!, (performance.now() - t1) / 1000, { students: distil.students, studentSeconds: +studentSeconds.toFixed(1), threads: wbCfg.threads ?? 1 });
}
if (!values['skip-blackbox']) {
  const t2 = performance.now();
  const target = queryTarget(model);
  const bb = await invertBlackbox({ params: training.params, config: cfg }, { pixels: pub, count: pubRows.length }, target, ids, { ...ATTACK_PRESETS[profile].blackbox, seed: 1 }, {
    onProgress: (d, n) => void (d % 25 === 0 && console.error(`blackbox ${d}/${n}`)),
  });
  await summarise('blackbox', bb!.candidates, (performance.now() - t2) / 1000, { queries: bb!.queries });
}
process.exit(0);
