/**
 * `veil train` (CLI.md): trains a face model under a defence, or resumes a run. Ctrl-C finishes
 * the current step, saves a checkpoint and exits 5.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { DEFENSES, type Defense, type TrainResult } from '../../../shared/domain/run.ts';
import { intFlag, numberFlag } from '../args.ts';
import { percent, printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

function summary(r: TrainResult): string {
  return [
    `Run ${r.runId}: ${r.defense} on ${r.dataset}, ${r.epochs} epochs on ${r.backend} in ${r.seconds}s (seed ${r.seed}).`,
    ...(r.backbone ? [`Backbone: ${r.backbone.name} (${r.backbone.package} ${r.backbone.version}), fine-tuned ${r.backbone.fineTune} layers, centre crop ${r.backbone.crop}, input ${r.backbone.input}.`] : []),
    `Held-out identification ${percent(r.accuracy.identification)}; verification ${percent(r.accuracy.verification)} (10-fold), TAR@FAR=1e-2 ${percent(r.accuracy.tarAtFar1e2)}, TAR@FAR=1e-3 ${percent(r.accuracy.tarAtFar1e3)}.`,
    ...(r.policy ? [`Policy: mean k ${r.policy.meanK.toFixed(2)}; k histogram ${Object.entries(r.policy.kHistogram).map(([k, n]) => `${k}:${n}`).join(' ')} (last epoch).`] : []),
    ...(r.epsilon !== null ? [`DP-SGD: epsilon ${r.epsilon.toFixed(2)} at delta 1e-5.`] : []),
  ].join('\n');
}

export async function trainCommand(ctx: CliContext): Promise<void> {
  const f = ctx.args.flags;
  if (typeof f.resume === 'string') {
    const r = await ctx.call('runs.resume', { run: f.resume });
    return printResult(ctx.out, r, () => summary(r));
  }
  if (typeof f.dataset !== 'string') throw new AppError('VALIDATION', 'Missing --dataset: name the dataset to train on (see `veil datasets list`).');
  const defense = f.defense ?? 'none';
  if (typeof defense !== 'string' || !(DEFENSES as readonly string[]).includes(defense)) {
    throw new AppError('VALIDATION', `--defense must be one of ${DEFENSES.join(', ')}.`);
  }
  const profile = f.profile ?? (f.quick ? 'quick' : 'standard');
  if (profile !== 'quick' && profile !== 'standard') throw new AppError('VALIDATION', '--profile must be quick or standard.');
  const selection = f['channel-selection'];
  if (selection !== undefined && selection !== 'energy' && selection !== 'learned') throw new AppError('VALIDATION', '--channel-selection must be energy or learned.');
  const reference = f['accuracy-reference'];
  if (reference !== undefined && reference !== 'k2-reference' && reference !== 'warmup') throw new AppError('VALIDATION', '--accuracy-reference must be k2-reference or warmup.');
  if (f['noise-multiplier'] !== undefined && f['target-epsilon'] !== undefined) {
    throw new AppError('VALIDATION', 'Give --noise-multiplier or --target-epsilon, not both (the target epsilon solves for the noise).');
  }
  const r = await ctx.call('runs.train', {
    dataset: f.dataset,
    defense: defense as Defense,
    k: f.k === undefined ? undefined : intFlag(f, 'k', 2),
    accuracyBudget: numberFlag(f, 'accuracy-budget') ?? 0.02,
    accuracyReference: f['accuracy-reference'] as 'k2-reference' | 'warmup' | undefined,
    noiseMultiplier: numberFlag(f, 'noise-multiplier'),
    targetEpsilon: numberFlag(f, 'target-epsilon'),
    clip: numberFlag(f, 'clip'),
    channelSelection: selection as 'energy' | 'learned' | undefined,
    epochs: f.epochs === undefined ? undefined : intFlag(f, 'epochs', 1),
    profile,
    name: typeof f.name === 'string' ? f.name : undefined,
    seed: ctx.args.seed,
    backend: ctx.args.backend,
    backbone: typeof f.backbone === 'string' ? f.backbone : undefined,
  });
  printResult(ctx.out, r, () => summary(r));
}
