/**
 * Reconstruction ceiling analysis (issue #11): `node bench/recon-ceiling.ts --data-dir DIR --run R [--seed 1] [--draws 3]`
 * for a trained plain frequency-masking (ppfr-fd) run, key known. Prints the judge's Acc@1/Acc@5 of
 * the low-resolution stage's images (thumbnail up-sampled + exact kept channels, x1 or x6) built from
 * oracle thumbnails (ANALYSIS), simulated predictors of a given R^2, and the attack's own ridge on the
 * public identities; then two locality checks, and wall, CPU seconds and peak RSS.
 */
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { energyFeatures, fitRidge, leaveIdentityOut, poolByLabel, predictRidge, THUMBNAIL } from '../src/main/engine/attacks/reconstruction/thumbnail.ts';
import { disposeCeiling, judgeThumbnails, loadCeiling, type Ceiling, type FaceSet, type JudgeRow } from './recon-ceiling-data.ts';
import { gradientCorrelations, localRidgeR2 } from './recon-ceiling-local.ts';
import { permutation, rSquared, simulatePredictor } from './recon-ceiling-sim.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, run: { type: 'string' }, seed: { type: 'string', default: '1' }, draws: { type: 'string', default: '3' } } });
if (!values['data-dir'] || !values.run) throw new Error('usage: node bench/recon-ceiling.ts --data-dir DIR --run R [--seed 1] [--draws 3]');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const load0 = loadavg()[0];

/** One printed row; `acc1Range`: min and max Acc@1 over the simulated predictor's draws (the row holds their means; absent with one draw). */
interface Line { section: string; variant: string; set: FaceSet; r2: number | null; row: JudgeRow; acc1Range?: [number, number] }
const lines: Line[] = [];
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const dims = (s: FaceSet): number => s.thumbs.length / s.labels.length;

const log = (msg: string): boolean => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${msg}\n`);

/** Judges `thumbs` per sample and pooled per identity, at each gain: `[variant, row]` pairs. */
async function judgeVariants(c: Ceiling, set: FaceSet, thumbs: Float64Array, gains: number[]): Promise<[string, JudgeRow][]> {
  const out: [string, JudgeRow][] = [];
  for (const pooled of [false, true]) {
    const t = pooled ? poolByLabel(thumbs, set.labels, dims(set)) : thumbs;
    for (const gain of gains) {
      out.push([`${pooled ? 'pooled per identity' : 'per sample'}, gain ${gain}`, await judgeThumbnails(c, set, t, gain)]);
      log(`${set.name}, ${out.at(-1)![0]}: Acc@1 ${pct(out.at(-1)![1].acc1)}`);
    }
  }
  return out;
}

async function judgeBoth(c: Ceiling, section: string, name: string, set: FaceSet, thumbs: Float64Array, opts: { gains: number[]; r2: number | null }): Promise<void> {
  for (const [variant, row] of await judgeVariants(c, set, thumbs, opts.gains)) lines.push({ section, variant: `${name}, ${variant}`, set, r2: opts.r2, row });
}

const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Section 2: P = M + r (T - M) + sqrt(r (1 - r)) Z on the private samples (their true thumbnails: ANALYSIS), `draws` error draws each. */
async function simulated(c: Ceiling, seed: number, draws: number): Promise<void> {
  const s = c.priv;
  const n = s.labels.length;
  for (const [k, r] of [0.6, 0.4, 0.27].entries()) {
    const runs: { r2: number; rows: [string, JudgeRow][] }[] = [];
    for (let draw = 0; draw < draws; draw++) {
      const p = simulatePredictor(s.thumbs, n, dims(s), r, permutation(n, seed * 1009 + k * 101 + draw));
      runs.push({ r2: rSquared(p, s.thumbs, n, dims(s)), rows: await judgeVariants(c, s, p, [THUMBNAIL.judgeGain]) });
    }
    runs[0].rows.forEach(([variant], v) => {
      const rows = runs.map((x) => x.rows[v][1]);
      const acc1 = rows.map((x) => x.acc1);
      const row = { acc1: meanOf(acc1), acc5: meanOf(rows.map((x) => x.acc5)), knn: meanOf(rows.map((x) => x.knn)), n: rows[0].n };
      lines.push({ section: '2 simulated predictor (ANALYSIS)', variant: `r ${r}, ${variant}${draws > 1 ? `, mean of ${draws} draws` : ''}`, set: s, r2: meanOf(runs.map((x) => x.r2)), row, ...(draws > 1 ? { acc1Range: [Math.min(...acc1), Math.max(...acc1)] as [number, number] } : {}) });
    });
  }
}

/** Section 3: the attack's ridge (energy features only, no decoder) on the public identities, each predicted by the map fitted on the others. */
async function attackStage(c: Ceiling): Promise<{ r2: number; meanOnlyR2: number }> {
  const s = c.pub;
  const e = energyFeatures(s.kept, c.view);
  const f = (await e.data()) as Float32Array;
  e.dispose();
  const n = s.labels.length;
  const d = { d: f.length / n, t: dims(s) };
  const check = leaveIdentityOut(f, s.thumbs, d, s.labels, THUMBNAIL.lambda);
  const pred = new Float64Array(s.thumbs.length);
  for (const id of new Set(s.labels)) {
    const test = s.labels.flatMap((l, i) => (l === id ? [i] : []));
    const model = fitRidge(f, s.thumbs, d, s.labels.flatMap((l, i) => (l === id ? [] : [i])), THUMBNAIL.lambda);
    const p = predictRidge(model, Float32Array.from(test.flatMap((r) => Array.from(f.subarray(r * d.d, (r + 1) * d.d)))), test.length);
    test.forEach((r, k) => pred.set(p.subarray(k * d.t, (k + 1) * d.t), r * d.t));
  }
  // the plane mean added back is all public faces' (the attack adds that of the faces its map was fitted on: one brightness number)
  await judgeBoth(c, '3 attack stage, public (left-out identity)', 'ridge on kept-channel energies (no decoder)', s, pred, { gains: [1, THUMBNAIL.judgeGain], r2: check.r2 });
  return check;
}

function printTable(c: Ceiling): void {
  console.log(`\nReconstruction ceiling: run ${c.run} (dataset ${c.dataset}, ${c.view.kept.length} kept channels, key known), judge ${c.judge.info.kind} ${c.judge.info.version}, backend ${c.backend}`);
  console.log('ANALYSIS rows use the faces\' true thumbnails: they measure what the stage could give, and choose nothing in the attack.');
  console.log('| section | thumbnails | judged against | n | chance | R^2 | Acc@1 | Acc@5 | KNN dist. |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const l of lines) {
    const against = `${l.set.name} centroids (${l.set.gallery.classes})`;
    const range = l.acc1Range ? ` (${pct(l.acc1Range[0])}-${pct(l.acc1Range[1])})` : '';
    console.log(`| ${l.section} | ${l.variant} | ${against} | ${l.row.n} | ${pct(1 / l.set.gallery.classes)} | ${l.r2 === null ? '-' : l.r2.toFixed(3)} | ${pct(l.row.acc1)}${range} | ${pct(l.row.acc5)} | ${l.row.knn.toFixed(3)} |`);
  }
}

async function locality(c: Ceiling, stage: { r2: number; meanOnlyR2: number }): Promise<void> {
  const lambdas = [10, 1000];
  console.log(`\n4 locality (public faces, each identity predicted by a map fitted on the others; luma plane):`);
  console.log(`  global ridge (the attack's stage, energy features, lambda ${THUMBNAIL.lambda}): R^2 ${stage.r2.toFixed(3)}; the others' mean thumbnail: ${stage.meanOnlyR2.toFixed(3)}; the all-faces mean thumbnail: 0`);
  for (const radius of [1, 2]) {
    const local = await localRidgeR2(c.pub.pixels, c.pub.labels, c.view, radius, lambdas);
    const side = 2 * radius + 1;
    log(`local ridge ${side}x${side} done`);
    console.log(`  local ridge, ${side}x${side} blocks of per-channel log |kept| (shared weights, position mean, mirrored training faces): ${lambdas.map((l, i) => `lambda ${l}: R^2 ${local.r2[i].toFixed(3)}`).join(', ')}; its position mean alone: ${local.positionMeanR2.toFixed(3)}`);
  }
  const channels = [7, 56, 1, 8];
  for (const set of [c.pub, c.priv]) {
    const corr = await gradientCorrelations(set.pixels, channels, c.view.planes);
    const describe = (ch: number): string => `(${Math.floor(ch / 8)},${ch % 8}) ${c.view.kept.includes(ch) ? 'kept' : 'removed'}`;
    console.log(`  ${set.name} faces, correlation of the signed coefficient with the block's right-left (gx) / bottom-top (gy) half-mean difference: ${corr.map((r) => `${describe(r.channel)} gx ${r.gx.toFixed(3)} gy ${r.gy.toFixed(3)}`).join('; ')}`);
  }
}

const c = await loadCeiling(values['data-dir'], values.run);
try {
  const gains = [1, THUMBNAIL.judgeGain];
  await judgeBoth(c, '1 oracle, private (ANALYSIS)', 'true thumbnails', c.priv, c.priv.thumbs, { gains, r2: 1 });
  await simulated(c, Number(values.seed), Math.max(1, Number(values.draws)));
  const stage = await attackStage(c);
  await judgeBoth(c, '3 oracle, public (ANALYSIS)', 'true thumbnails', c.pub, c.pub.thumbs, { gains, r2: 1 });
  printTable(c);
  await locality(c, stage);
} finally {
  disposeCeiling(c);
}
const cpu = process.cpuUsage(cpu0);
console.log(`\nwall ${((performance.now() - t0) / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user + system), peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; load average (1 min) ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end; ${tf.memory().numTensors} tensors left (the engine's cached DCT basis)`);
