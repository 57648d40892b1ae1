/**
 * `veil datasets synth|import|list|show|delete` (CLI.md).
 */
import { resolve } from 'node:path';
import { AppError } from '../../../shared/contract/errors.ts';
import type { DatasetSummary } from '../../../shared/domain/dataset.ts';
import { intFlag, numberFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { requirePositional, type CliContext } from '../context.ts';

function describe(d: DatasetSummary): string {
  const kind = d.kind === 'synthetic' ? 'synthetic' : `imported from ${d.source}`;
  return `${d.name} (${d.id}): ${d.identities} identities, ${d.images} images, ${d.size}x${d.size} ${d.channels === 1 ? 'grey' : 'colour'}, ${kind}; splits private ${d.splits.private} / public ${d.splits.public}${d.splits.eval ? ` / eval ${d.splits.eval}` : ''}`;
}

function nameFlag(ctx: CliContext): string {
  const name = ctx.args.flags.name;
  if (typeof name !== 'string') throw new AppError('VALIDATION', 'Missing --name: every dataset needs a name.');
  return name;
}

export async function datasetsCommand(ctx: CliContext): Promise<void> {
  const sub = requirePositional(ctx, 1, 'datasets subcommand (synth, import, list, show, delete)');
  const flags = ctx.args.flags;
  switch (sub) {
    case 'synth': {
      const size = intFlag(flags, 'size', 64);
      const d = await ctx.call('datasets.synth', {
        name: nameFlag(ctx),
        identities: intFlag(flags, 'identities', 40),
        perIdentity: intFlag(flags, 'per-identity', 10),
        size: size as 32 | 64 | 112,
        color: flags.color === true,
        seed: ctx.args.seed,
        evalFraction: numberFlag(flags, 'eval-fraction') ?? 0,
      });
      return printResult(ctx.out, d, () => `Created ${describe(d)}`);
    }
    case 'import': {
      if (flags.color === true && flags.gray === true) throw new AppError('VALIDATION', 'Choose one of --gray and --color.');
      const r = await ctx.call('datasets.import', {
        dir: resolve(requirePositional(ctx, 2, 'folder to import (veil datasets import DIR --name N)')),
        name: nameFlag(ctx),
        size: intFlag(flags, 'size', 112),
        color: flags.color === true,
        seed: ctx.args.seed,
        evalFraction: numberFlag(flags, 'eval-fraction') ?? 0,
      });
      const json = { ...r, splits: r.splits.eval ? r.splits : { private: r.splits.private, public: r.splits.public } };
      return printResult(ctx.out, json, () => {
        const lines = [`Imported ${describe(r)}`];
        if (r.skipped.length) lines.push(`Skipped ${r.skipped.length} file(s):`, ...r.skipped.map((s) => `  ${s.path}: ${s.reason}`));
        if (r.ignored.length) lines.push(`Ignored (not images): ${r.ignored.map((s) => s.path).join(', ')}`);
        if (r.duplicates) lines.push(`Duplicates skipped: ${r.duplicates}`);
        if (r.droppedIdentities.length) lines.push(`Identities with fewer than 2 usable images (left out): ${r.droppedIdentities.join(', ')}`);
        return lines.join('\n');
      });
    }
    case 'list': {
      const r = await ctx.call('datasets.list', {});
      return printResult(ctx.out, r, () => (r.datasets.length ? r.datasets.map(describe).join('\n') : 'No datasets yet. Create one with `veil datasets synth --name faces`.'));
    }
    case 'show': {
      const d = await ctx.call('datasets.show', { dataset: requirePositional(ctx, 2, 'dataset id or name') });
      return printResult(ctx.out, d, () =>
        [
          describe(d),
          `Images: train ${d.imageSplits.train}, held-out ${d.imageSplits.heldout}, public ${d.imageSplits.public}, eval ${d.imageSplits.eval}`,
          `Split seed ${d.splitConfig.seed}: ${Math.round(d.splitConfig.privateFraction * 100)}% private identities, ${Math.round(d.splitConfig.trainFraction * 100)}% of their images for training`,
          d.skipped.length ? `Skipped at import: ${d.skipped.length}` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    case 'delete': {
      const r = await ctx.call('datasets.delete', { dataset: requirePositional(ctx, 2, 'dataset id or name') });
      return printResult(ctx.out, r, () => `Deleted ${r.deleted}`);
    }
    default:
      throw new AppError('VALIDATION', `Unknown datasets subcommand "${sub}". Use synth, import, list, show or delete.`);
  }
}
