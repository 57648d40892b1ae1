/**
 * `veil export --run R --out DIR --format imagefolder|tensor [--force]` (CLI.md).
 */
import { AppError } from '../../../shared/contract/errors.ts';
import { printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

export async function exportCommand(ctx: CliContext): Promise<void> {
  const f = ctx.args.flags;
  if (typeof f.run !== 'string') throw new AppError('VALIDATION', 'Missing --run: name the defended run whose masked training set to export.');
  if (typeof f.out !== 'string') throw new AppError('VALIDATION', 'Missing --out: the folder to write the export to.');
  const format = f.format ?? 'imagefolder';
  if (format !== 'imagefolder' && format !== 'tensor') throw new AppError('VALIDATION', '--format must be imagefolder or tensor.');
  const r = await ctx.call('exports.create', { run: f.run, out: f.out, format, force: f.force === true });
  printResult(ctx.out, r, () => `Exported ${r.samples} masked samples (${r.format}) to ${r.path}; manifest at ${r.manifest}`);
}
