/**
 * `veil demo [--quick] [--fresh]`: the main job on the embedded synthetic faces, end to end: the
 * dataset with identity splits, the undefended model and each defence of the plan that this build
 * trains, evaluation, the masked-set export, the attacks that exist, and the audit report (HTML,
 * and PDF where a browser resolves). A second run reuses the dataset and finished runs unless --fresh.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { DEFAULT_BACKBONE_CHOICE, type TrainResult } from '../../../shared/domain/run.ts';
import type { ExportResponse, ReportResponse } from '../../../shared/contract/api.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import { fixedK } from '../../report/gather.ts';
import { printResult } from '../output.ts';
import type { CliContext } from '../context.ts';
import { clock, DEMO_DEFENCES, defenceName, DemoClock, type DemoDefence, type DemoRun, type Step } from './demo-plan.ts';
import { attackSteps, demoAttacks } from './demo-attacks.ts';
import { demoSummary } from './demo-summary.ts';

interface Ctx {
  cli: CliContext;
  quick: boolean;
  fresh: boolean;
  seed: number;
  clock: DemoClock;
}

async function demoDataset(c: Ctx): Promise<DatasetSummary> {
  const base = `demo-faces-${c.quick ? 'quick' : 'standard'}-seed${c.seed}`;
  const name = c.fresh ? `${base}-${Date.now().toString(36)}` : base;
  if (!c.fresh) {
    try {
      return await c.cli.call('datasets.show', { dataset: name });
    } catch (err) {
      if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return c.cli.call('datasets.synth', { name, identities: c.quick ? 16 : 40, perIdentity: c.quick ? 10 : 12, size: 64, color: false, seed: c.seed });
}

/** The demo trains on the default backbone (pretrained): a scratch run of an earlier demo is not reused, and vice versa. */
const PRETRAINED = DEFAULT_BACKBONE_CHOICE !== 'scratch';

/** The newest finished run of this dataset, defence, k, seed, profile and backbone kind, as its train result. */
function reusable(c: Ctx, dataset: DatasetSummary, d: DemoDefence): DemoRun | null {
  const store = c.cli.backend().store;
  for (const r of store.runs.list()) {
    if (r.datasetId !== dataset.id || r.defense !== d.defense || r.seed !== c.seed || r.status !== 'done') continue;
    const config = store.runs.resolve(r.id).config as { profile?: string; backbone?: unknown };
    if (config.profile !== (c.quick ? 'quick' : 'standard') || (d.k !== undefined && fixedK(config) !== d.k)) continue;
    if (Boolean(config.backbone) !== PRETRAINED) continue;
    const result = store.runs.result(r.id) as TrainResult | null;
    if (result) return { ...result, label: defenceName(d), reused: true };
  }
  return null;
}

async function trainAll(c: Ctx, dataset: DatasetSummary): Promise<{ runs: DemoRun[]; skipped: { defense: string; reason: string }[] }> {
  const runs: DemoRun[] = [];
  const skipped: { defense: string; reason: string }[] = [];
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  for (const d of DEMO_DEFENCES) {
    c.clock.begin(`training ${defenceName(d)}`);
    const old = c.fresh ? null : reusable(c, dataset, d);
    let measured = false;
    if (old) runs.push(old);
    else {
      try {
        const r = await c.cli.call('runs.train', { dataset: dataset.id, defense: d.defense, k: d.k, profile: c.quick ? 'quick' : 'standard', seed: c.seed, name: `demo-${d.defense}-${stamp}`, accuracyBudget: 0.02, backbone: DEFAULT_BACKBONE_CHOICE });
        runs.push({ ...r, label: defenceName(d), reused: false });
        measured = true;
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'UNSUPPORTED')) throw err;
        skipped.push({ defense: defenceName(d), reason: err.message });
        c.clock.drop((label) => label.endsWith(` on ${d.defense}`));
      }
    }
    c.clock.end(measured);
  }
  return { runs, skipped };
}

/** Both export formats of the first defended run, reused when an earlier demo wrote them. */
async function exportsOf(c: Ctx, runs: DemoRun[]): Promise<ExportResponse[]> {
  const defended = runs.find((r) => r.defense !== 'none');
  const out: ExportResponse[] = [];
  for (const format of ['imagefolder', 'tensor'] as const) {
    c.clock.begin(`exporting the masked training set (${format})`);
    let made = false;
    if (defended) {
      const path = join(c.cli.backend().dataDir, 'exports', `demo-${defended.runId}-${format}`);
      const manifest = join(path, 'manifest.json');
      if (!c.fresh && existsSync(manifest)) {
        const samples = (JSON.parse(readFileSync(manifest, 'utf8')) as { counts: { samples: number } }).counts.samples;
        out.push({ path, format, samples, manifest });
      } else {
        out.push(await c.cli.call('exports.create', { run: defended.runId, out: path, format, force: true }));
        made = true;
      }
    }
    c.clock.end(made);
  }
  return out;
}

/** The HTML report and the same as PDF from one build; where no browser resolves, the HTML alone and the reason, in words. */
async function reports(c: Ctx, dataset: DatasetSummary, runs: DemoRun[]): Promise<{ html: ReportResponse | null; pdf: string | null; pdfError: string | null }> {
  if (!runs.length) return { html: null, pdf: null, pdfError: null };
  const base = join(c.cli.backend().dataDir, 'reports', dataset.name);
  const request = { runs: runs.map((r) => r.runId), out: `${base}.html` };
  c.clock.begin('writing the report (HTML and PDF)');
  try {
    const html = await c.cli.call('reports.create', { ...request, pdf: `${base}.pdf` });
    c.clock.end();
    return { html, pdf: html.pdfPath ?? null, pdfError: null };
  } catch (err) {
    if (!(err instanceof AppError && (err.code === 'UNSUPPORTED' || err.code === 'NOT_FOUND' || err.code === 'IO'))) throw err;
    const html = await c.cli.call('reports.create', request);
    c.clock.end();
    return { html, pdf: null, pdfError: err.message };
  }
}

/** The plan's steps with prior guesses of their seconds on this machine, for the whole-demo ETA. */
function planSteps(quick: boolean): Step[] {
  // fine-tuning the pretrained backbone: 17 epochs (the 130-step minimum) for every defence, quick 2-3;
  // measured under load (README, "Pretrained backbone"): 103-120 CPU s a standard run on two threads
  const train = (_d: DemoDefence): number => (quick ? 6 : 65);
  return [
    { label: 'dataset', expected: quick ? 1 : 3 },
    ...DEMO_DEFENCES.map((d) => ({ label: defenceName(d), expected: train(d) })),
    { label: 'export', expected: 2 },
    { label: 'export', expected: 1 },
    ...attackSteps(DEMO_DEFENCES, quick),
    { label: 'comparison', expected: 1 },
    { label: 'report', expected: 12 },
  ];
}

export async function demoCommand(ctx: CliContext): Promise<void> {
  const quick = ctx.args.flags.quick === true;
  const c: Ctx = { cli: ctx, quick, fresh: ctx.args.flags.fresh === true, seed: ctx.args.seed, clock: new DemoClock(planSteps(quick), (line) => ctx.out.stderr.write(`${line}\n`)) };
  // every job progress line carries the whole demo's ETA; phases (GAN prior, judge, ...) are timed
  ctx.out.status = () => c.clock.status();
  const unsubscribe = ctx.backend().bus.subscribe((e) => {
    if (e.event === 'job.progress' && e.payload.phase) c.clock.phase(e.payload.phase);
  });
  try {
    c.clock.begin(`${c.fresh ? 'generating' : 'finding or generating'} the synthetic face dataset`);
    const before = (await ctx.call('datasets.list', {})).datasets.length;
    const dataset = await demoDataset(c);
    c.clock.end((await ctx.call('datasets.list', {})).datasets.length > before);
    const { runs, skipped } = await trainAll(c, dataset);
    const exports = await exportsOf(c, runs);
    const { attacks, skipped: skippedAttacks } = await demoAttacks({ ctx, runs, quick, fresh: c.fresh, seed: c.seed, clock: c.clock });
    c.clock.begin('comparing the models');
    const comparison = runs.length ? await ctx.call('compare.runs', { runs: runs.map((r) => r.runId) }) : null;
    c.clock.end();
    const { html, pdf, pdfError } = await reports(c, dataset, runs);
    const seconds = Math.round(c.clock.elapsed());
    const result = { dataset, runs, attacks, exports, skipped: [...skipped, ...skippedAttacks.map((a) => ({ defense: a.attack, reason: a.reason }))], comparison, report: html?.path ?? null, pdf, pdfError, seconds, timings: c.clock.timings() };
    ctx.out.status = undefined;
    printResult(ctx.out, result, () => demoSummary({ ...result, dataDir: ctx.backend().dataDir, elapsed: clock(seconds) }));
  } finally {
    ctx.out.status = undefined;
    unsubscribe();
  }
}
