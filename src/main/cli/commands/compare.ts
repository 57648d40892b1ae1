/**
 * `veil compare --dataset D | --runs A,B,...` (CLI.md): accuracy, Score_cls, S1-S4, the attacks'
 * judge scores and Score_pp per run, as JSON or a table; partial scores are marked with `*`.
 */
import { AppError } from '../../../shared/contract/errors.ts';
import type { CompareResponse, CompareRow } from '../../../shared/domain/attack.ts';
import { percent, printResult } from '../output.ts';
import type { CliContext } from '../context.ts';

const fix = (v: number | null | undefined, d = 2): string => (v === null || v === undefined ? '-' : v.toFixed(d));
const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : percent(v));

const COLUMNS: [string, (r: CompareRow) => string][] = [
  ['run', (r) => r.name],
  ['defence', (r) => r.defense],
  ['seed', (r) => String(r.seed)],
  ['ident.', (r) => pct(r.accuracy?.identification)],
  ['verif.', (r) => pct(r.accuracy?.verification)],
  ['Score_cls', (r) => fix(r.scoreCls?.identification)],
  ['S1', (r) => fix(r.s1)],
  ['S2', (r) => fix(r.s2)],
  ['S3', (r) => fix(r.s3)],
  ['S4', (r) => fix(r.s4)],
  ['rec Acc@1', (r) => pct(r.attacks.reconstruction?.acc1)],
  ['rec Acc@5', (r) => pct(r.attacks.reconstruction?.acc5)],
  ['rec KNN', (r) => fix(r.attacks.reconstruction?.knnDist, 3)],
  ['rec PSNR', (r) => fix(r.attacks.reconstruction?.psnr, 1)],
  ['rec SSIM', (r) => fix(r.attacks.reconstruction?.ssim, 3)],
  ['Score_pp', (r) => (r.scorePp === null ? '-' : `${r.scorePp.toFixed(3)}${r.scorePpPartial ? '*' : ''}`)],
];

const SHORT: Record<string, string> = { reconstruction: 'rec', whitebox: 'white-box', blackbox: 'black-box' };

/** Per row, the attack behind each column: id, profile, public data, key (and targets when not all). */
function attackSources(r: CompareResponse): string[] {
  return r.rows
    .filter((row) => Object.keys(row.attacks).length)
    .map((row) => {
      const parts = Object.entries(row.attacks).map(([kind, a]) => `${SHORT[kind] ?? kind} ${a.attackId} (${a.profile}, public ${a.public ?? 'own'}, key ${a.key}${a.variant ? `, ${a.variant}` : ''}${a.targets === null ? '' : `, ${a.targets} targets`}${a.judge === 'pretrained' ? '' : `, ${a.judge} judge`})`);
      return `  ${row.name}: ${parts.join('; ')}`;
    });
}

/**
 * Which undefended run each defended row is measured against: rows may differ (another seed, or
 * trained another way), so the footer names every reference, and the rows that have none.
 */
function referenceLines(r: CompareResponse): string[] {
  const defended = r.rows.filter((row) => row.defense !== 'none');
  const refs = [...new Set(defended.map((row) => row.referenceRunId).filter((id): id is string => id !== null))];
  const without = defended.filter((row) => row.referenceRunId === null).map((row) => row.name);
  const lines = refs.map((id) => {
    const names = defended.filter((row) => row.referenceRunId === id).map((row) => row.name);
    return refs.length === 1 && !without.length ? `Score_cls and references against the undefended run ${id}.` : `Score_cls and references of ${names.join(', ')} against the undefended run ${id}.`;
  });
  if (without.length) lines.push(`No undefended (none) run of the same dataset and seed trained the same way (backbone, profile, input size) for ${without.join(', ')}: Score_cls unknown (--json: referenceNote says what to train).`);
  return lines;
}

export function compareTable(r: CompareResponse): string {
  if (!r.rows.length) return 'No finished runs to compare. Train some with `veil train`.';
  const cells = [COLUMNS.map(([h]) => h), ...r.rows.map((row) => COLUMNS.map(([, f]) => f(row)))];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  const lines = cells.map((line) => line.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(
    '',
    ...referenceLines(r),
    'S1 = 1 - SSIM(masked, original), S2 = 1 - judge Acc@1 on masked samples (from the reconstruction attack); S3/S4 = 1 - white-/black-box Acc@1; * = partial Score_pp; - = not measured.',
  );
  const sources = attackSources(r);
  if (sources.length) lines.push('Attacks used (the strongest comparable finished one of each kind: standard over quick, all targets, key known, the default variant, the reference run\'s public data and prior):', ...sources);
  return lines.join('\n');
}

export async function compareCommand(ctx: CliContext): Promise<void> {
  const f = ctx.args.flags;
  let r: CompareResponse;
  if (typeof f.runs === 'string') r = await ctx.call('compare.runs', { runs: f.runs.split(',').map((s) => s.trim()).filter(Boolean) });
  else if (typeof f.dataset === 'string') r = await ctx.call('compare.dataset', { dataset: f.dataset });
  else throw new AppError('VALIDATION', 'Name what to compare: --dataset D (every finished run on it) or --runs A,B,...');
  printResult(ctx.out, r, () => compareTable(r));
}
