/**
 * `veil demo [--quick]`: the main job on the embedded synthetic faces, end to end as far as the
 * studio goes today: generate the dataset with identity splits, train the undefended baseline and
 * the PPFR-FD frequency defence, evaluate both on held-out images, and export the defended run's
 * masked training set. Attacks and the report join as they land (`attacks`, `report`).
 */
import { join } from 'node:path';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import type { Defense, TrainResult } from '../../../shared/domain/run.ts';
import type { ExportResponse } from '../../../shared/contract/api.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import { percent, printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

const DEFENSES: Defense[] = ['none', 'ppfr-fd'];

export async function demoCommand(ctx: CliContext): Promise<void> {
  const quick = ctx.args.flags.quick === true;
  const seed = ctx.args.seed;
  const name = `demo-faces-${quick ? 'quick' : 'standard'}-seed${seed}`;
  let dataset: DatasetSummary;
  try {
    dataset = await ctx.call('datasets.show', { dataset: name });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    dataset = await ctx.call('datasets.synth', { name, identities: quick ? 16 : 40, perIdentity: quick ? 10 : 12, size: 64, color: false, seed });
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const runs: TrainResult[] = [];
  for (const defense of DEFENSES) {
    runs.push(await ctx.call('runs.train', { dataset: dataset.id, defense, profile: quick ? 'quick' : 'standard', seed, name: `demo-${defense}-${stamp}`, accuracyBudget: 0.02 }));
  }
  const defended = runs.find((r) => r.defense === 'ppfr-fd')!;
  const exports: ExportResponse[] = [];
  for (const format of ['imagefolder', 'tensor'] as const) {
    exports.push(await ctx.call('exports.create', { run: defended.runId, out: join(ctx.backend().dataDir, 'exports', `demo-${stamp}-${format}`), format, force: false }));
  }
  const result = { dataset, runs, attacks: [] as unknown[], exports, report: null as string | null };
  printResult(ctx.out, result, () =>
    [
      `Dataset "${dataset.name}": ${dataset.identities} synthetic identities, ${dataset.images} images at ${dataset.size}x${dataset.size}; ${dataset.splits.private} private identities train the target model, ${dataset.splits.public} are public (the attacker's).`,
      '',
      'defence   identification  verification  TAR@FAR=1e-2  seconds',
      ...runs.map((r) => `${r.defense.padEnd(9)} ${percent(r.accuracy.identification).padStart(14)}  ${percent(r.accuracy.verification).padStart(12)}  ${percent(r.accuracy.tarAtFar1e2).padStart(12)}  ${String(r.seconds).padStart(7)}`),
      '',
      `Masked training set of ${defended.runId} (what other trainers may receive instead of faces):`,
      ...exports.map((e) => `  ${e.format.padEnd(11)} ${e.samples} samples -> ${e.path}`),
      '',
      'Attacks (model inversion) and the audit report join the demo as they land.',
      'Browse the results: `npm run build && npx veil serve`.',
    ].join('\n'),
  );
}
