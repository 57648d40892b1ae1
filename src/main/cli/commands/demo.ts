/**
 * `veil demo`: the main job on the embedded synthetic data. Today: generate the synthetic face
 * set with identity splits and report it; it grows with the studio (training, attacks, report).
 */
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { AppError } from '../../../shared/contract/errors.ts';
import { printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

export async function demoCommand(ctx: CliContext): Promise<void> {
  const quick = ctx.args.flags.quick === true;
  const name = `demo-faces-${quick ? 'quick' : 'standard'}-seed${ctx.args.seed}`;
  let dataset: DatasetSummary;
  try {
    dataset = await ctx.call('datasets.show', { dataset: name });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'NOT_FOUND')) throw err;
    dataset = await ctx.call('datasets.synth', { name, identities: quick ? 16 : 40, perIdentity: 10, size: 64, color: false, seed: ctx.args.seed });
  }
  const result = { dataset, runs: [] as unknown[], attacks: [] as unknown[], report: null as string | null };
  printResult(ctx.out, result, () =>
    [
      `Demo dataset "${dataset.name}": ${dataset.identities} synthetic identities x ${dataset.images / dataset.identities} images, ${dataset.size}x${dataset.size}.`,
      `Splits: ${dataset.splits.private} private identities (target model's training data), ${dataset.splits.public} public (the attacker's auxiliary data).`,
      `Data directory: ${ctx.backend().dataDir}`,
      'Browse it with `npm run build && npx veil serve`.',
    ].join('\n'),
  );
}
