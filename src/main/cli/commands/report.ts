/**
 * `veil report (--dataset D | --runs A,B,...) --out FILE.html|FILE.pdf` (CLI.md: `path, runs`).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

export async function reportCommand(ctx: CliContext): Promise<void> {
  const f = ctx.args.flags;
  const runs = typeof f.runs === 'string' ? f.runs.split(',').map((r) => r.trim()).filter(Boolean) : undefined;
  const dataset = typeof f.dataset === 'string' ? f.dataset : undefined;
  if ((runs === undefined) === (dataset === undefined)) throw new AppError('VALIDATION', 'Say what the report covers: --dataset D, or --runs A,B,... (one of the two).');
  if (typeof f.out !== 'string') throw new AppError('VALIDATION', 'Missing --out: the file to write, ending in .html (opens offline in any browser) or .pdf.');
  const r = await ctx.call('reports.create', { runs, dataset, out: f.out });
  printResult(ctx.out, r, () => `Report on ${r.runs.length} run(s) written to ${r.path}${r.format === 'html' ? ' (one self-contained file: open it in any browser, offline)' : ''}`);
}
