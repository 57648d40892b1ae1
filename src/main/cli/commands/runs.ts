/**
 * `veil runs list` (CLI.md).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

export async function runsCommand(ctx: CliContext): Promise<void> {
  const sub = requirePositional(ctx, 1, 'runs subcommand (list)');
  if (sub !== 'list') throw new AppError('VALIDATION', `Unknown runs subcommand "${sub}". Use list.`);
  const r = await ctx.call('runs.list', {});
  printResult(ctx.out, r, () =>
    r.runs.length ? r.runs.map((run) => `${run.name} (${run.id}) ${run.defense} ${run.status}`).join('\n') : 'No runs yet.',
  );
}
