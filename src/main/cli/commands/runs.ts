/**
 * `veil runs list|show` (CLI.md).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { percent, printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

export async function runsCommand(ctx: CliContext): Promise<void> {
  const sub = requirePositional(ctx, 1, 'runs subcommand (list, show)');
  if (sub === 'list') {
    const r = await ctx.call('runs.list', {});
    return printResult(ctx.out, r, () =>
      r.runs.length
        ? r.runs
            .map((run) => `${run.name} (${run.id}) ${run.defense} ${run.status}${run.accuracy ? ` identification ${percent(run.accuracy.identification)}` : ''}`)
            .join('\n')
        : 'No runs yet. Train one with `veil train --dataset D --defense none`.',
    );
  }
  if (sub === 'show') {
    const r = await ctx.call('runs.show', { run: requirePositional(ctx, 2, 'run id or name') });
    return printResult(ctx.out, r, () => {
      const acc = r.metrics.find((m) => m.name === 'accuracy')?.points ?? [];
      return [
        `${r.name} (${r.id}): ${r.defense}, ${r.status}, seed ${r.seed}, backend ${r.backend ?? 'n/a'}`,
        r.error ? `Error: ${r.error}` : '',
        acc.length ? `Held-out accuracy per epoch: ${acc.map((p) => p.value.toFixed(2)).join(' ')}` : '',
        r.checkpointEpoch !== null ? `Latest checkpoint after epoch ${r.checkpointEpoch}` : '',
      ]
        .filter(Boolean)
        .join('\n');
    });
  }
  throw new AppError('VALIDATION', `Unknown runs subcommand "${sub}". Use list or show.`);
}
